// Responder: how a command handler answers. Handlers never touch the socket.
//
// Untagged responses ("* ...") and continuation requests ("+ ...") go to the
// connection's output buffer at once (in order); the tagged completion is
// only recorded. The session writes it after the handler returns, once it
// has added the untagged updates RFC 3501 §7 allows at that moment (EXISTS,
// EXPUNGE, FETCH FLAGS from other sessions), so a handler cannot get the
// order wrong.
//
// Every handler must complete exactly once (Ok, No, Bad or Fail); a second
// completion is a bug (CHECK). Failures from the store go through Fail(),
// which maps the Status code to a response code in reply.cc and never shows
// Status::message() to the client.
//
// Lifetime: one Responder per command; it borrows the connection and the
// session id, which outlive it.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "net/connection.h"

namespace satrap::imapd {

enum class Completion { kNone, kOk, kNo, kBad };

class Responder {
 public:
  Responder(net::Connection& conn, std::string tag, const std::string& session_id);

  // "* <text>\r\n".
  void Untagged(std::string_view text);
  // Bytes of an untagged response built in pieces (FETCH with literals); the
  // caller writes the "* " and the final CRLF itself.
  void Raw(std::string_view bytes);
  // "+ <text>\r\n", flushed at once: the client waits for it.
  Status Continue(std::string_view text);

  // Tagged completions. `code` is a whole response code ("[TRYCREATE]") or empty.
  void Ok(std::string_view text, std::string_view code = {});
  void No(std::string_view text, std::string_view code = {});
  void Bad(std::string_view text, std::string_view code = {});
  // NO/BAD for a failed Status, through reply.cc.
  void Fail(const Status& status);
  // Fail(status) unless it is OK, else Ok(ok_text).
  void Reply(const Status& status, std::string_view ok_text);

  // Sends the tagged line now (STARTTLS: the OK must go out in clear text
  // before the handshake); the session then has nothing left to write.
  Status SendCompletionNow();

  Completion completion() const { return completion_; }
  bool done() const { return completion_ != Completion::kNone; }
  // The tagged line ("a1 OK ...\r\n"), empty until completed.
  const std::string& tagged_line() const { return tagged_; }
  const std::string& tag() const { return tag_; }
  const std::string& session_id() const { return session_id_; }
  net::Connection& conn() { return conn_; }

 private:
  void Complete(Completion kind, std::string_view word, std::string_view code,
                std::string_view text);

  net::Connection& conn_;
  std::string tag_;
  const std::string& session_id_;
  Completion completion_ = Completion::kNone;
  std::string tagged_;
};

// How a failed Status is answered (reply.cc, the one mapping in imapd).
struct StatusReply {
  Completion kind = Completion::kNo;
  std::string code;  // "[NONEXISTENT]", or empty
  std::string text;
};
StatusReply ReplyFor(const Status& status, std::string_view session_id);
// The same for a failed LOGIN or AUTHENTICATE (auth/auth_session.h codes).
StatusReply AuthReplyFor(const Status& status, std::string_view session_id);

}  // namespace satrap::imapd
