// Responder: untagged output goes out in order, the tagged line waits for the
// session (see responder.h).
#include "responder.h"

#include "base/check.h"

namespace satrap::imapd {

Responder::Responder(net::Connection& conn, std::string tag, const std::string& session_id)
    : conn_(conn), tag_(std::move(tag)), session_id_(session_id) {}

void Responder::Untagged(std::string_view text) {
  std::string line;
  line.reserve(text.size() + 4);
  line.append("* ").append(text).append("\r\n");
  conn_.Write(line);
}

void Responder::Raw(std::string_view bytes) { conn_.Write(bytes); }

Status Responder::Continue(std::string_view text) {
  std::string line = "+ ";
  line.append(text).append("\r\n");
  conn_.Write(line);
  return conn_.Flush();
}

void Responder::Ok(std::string_view text, std::string_view code) {
  Complete(Completion::kOk, "OK", code, text);
}
void Responder::No(std::string_view text, std::string_view code) {
  Complete(Completion::kNo, "NO", code, text);
}
void Responder::Bad(std::string_view text, std::string_view code) {
  Complete(Completion::kBad, "BAD", code, text);
}

void Responder::Fail(const Status& status) {
  CHECK(!status.ok());
  StatusReply reply = ReplyFor(status, session_id_);
  Complete(reply.kind, reply.kind == Completion::kBad ? "BAD" : "NO", reply.code, reply.text);
}

void Responder::Reply(const Status& status, std::string_view ok_text) {
  if (status.ok()) {
    Ok(ok_text);
  } else {
    Fail(status);
  }
}

Status Responder::SendCompletionNow() {
  CHECK(done());
  conn_.Write(tagged_);
  tagged_.clear();
  return conn_.Flush();
}

void Responder::Complete(Completion kind, std::string_view word, std::string_view code,
                         std::string_view text) {
  CHECK(completion_ == Completion::kNone) << "command " << tag_ << " completed twice";
  completion_ = kind;
  tagged_.append(tag_).append(" ").append(word).append(" ");
  if (!code.empty()) tagged_.append(code).append(" ");
  tagged_.append(text).append("\r\n");
}

}  // namespace satrap::imapd
