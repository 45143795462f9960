// ImapClient: just enough IMAP4rev1 (RFC 3501) for the load generator.
//
// Commands go out with tags "a1", "a2", ...; Command() reads until the tagged
// reply and returns every untagged response with its literals. Literals we
// send are synchronizing (RFC 3501 §7.5: wait for "+"), which every server
// accepts, so no server is favoured by LITERAL+. A server's NO or BAD is an
// ordinary Reply (ok() false), not an error; errors are transport failures
// or protocol violations.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream.h"

namespace satrap::bench {

// A literal of an untagged response; prefix is the response text before it
// (so the FETCH item it belongs to is the last word of prefix).
struct Literal {
  std::string prefix;
  std::string data;
};

// One untagged response. text holds the response with each literal replaced
// by its "{N}" marker; it points into the Reply it came in and lives as long
// as that Reply (which may be moved, not copied).
struct Untagged {
  std::string_view text;
  std::vector<Literal> literals;
};

struct Reply {
  Reply() = default;
  Reply(Reply&&) = default;
  Reply& operator=(Reply&&) = default;
  Reply(const Reply&) = delete;  // untagged texts point into text_blocks

  std::string status;  // "OK", "NO", "BAD"
  std::string line;    // the whole tagged line
  std::vector<Untagged> untagged;
  bool ok() const { return status == "OK"; }

  // Keeps `text` for the reply's lifetime: in blocks that never move (a
  // deque's elements stay put as it grows), so 100,000 FETCH lines cost a
  // few allocations, not 100,000.
  std::string_view Keep(std::string_view text);

 private:
  std::deque<std::string> text_blocks_;
};

class ImapClient {
 public:
  // Connects and reads the greeting ("* OK").
  static Result<std::unique_ptr<ImapClient>> Connect(const Endpoint& endpoint,
                                                     const TlsClient* tls = nullptr,
                                                     const TlsSession* resume = nullptr);

  // Sends `command` (without tag and CRLF) and waits for its tagged reply.
  Result<Reply> Command(std::string_view command);
  // LOGIN with quoted strings; kNoPermission when the server says NO.
  Status Login(std::string_view user, std::string_view password);
  // SELECT; returns EXISTS.
  Result<uint64_t> Select(std::string_view mailbox);
  // APPEND one message (synchronizing literal); returns the reply, whose
  // line carries [APPENDUID v uid] when the server has UIDPLUS.
  Result<Reply> Append(std::string_view mailbox, std::string_view flags,
                       std::string_view message);
  // MULTIAPPEND (RFC 3502) of several messages in one command.
  Result<Reply> MultiAppend(std::string_view mailbox, const std::vector<std::string>& messages);
  Status Logout();

  const std::string& capabilities() const { return capabilities_; }
  bool HasCapability(std::string_view name) const;
  Stream& stream() { return *stream_; }

 private:
  explicit ImapClient(std::unique_ptr<Stream> stream) : stream_(std::move(stream)) {}
  std::string NextTag();
  // Reads the rest of the untagged response starting with `first_line` into
  // `reply`.
  Status ReadResponse(std::string_view first_line, Reply* reply);
  Result<Reply> ReadUntilTagged(const std::string& tag);
  // Sends "{size}" ending the current line and waits for the continuation.
  Status SendLiteral(std::string_view data, const std::string& tag);

  std::unique_ptr<Stream> stream_;
  uint64_t next_tag_ = 1;
  std::string capabilities_;
};

// Helpers over replies.
std::optional<uint64_t> UntaggedNumber(const Reply& reply, std::string_view keyword);
// The UID in "[APPENDUID <validity> <uid>]" of a tagged line.
std::optional<uint64_t> AppendUid(const Reply& reply);
// The numbers of "* SEARCH n n n".
std::vector<uint64_t> SearchResults(const Reply& reply);
// The literal of FETCH item `item` (e.g. "BODY[TEXT]", or the end of a
// longer name such as "(MESSAGE-ID)]") in one response; null if absent.
const std::string* FetchLiteral(const Untagged& response, std::string_view item);
// The number after `word` in a response text ("UID 42" -> 42).
std::optional<uint64_t> NumberAfter(std::string_view text, std::string_view word);

}  // namespace satrap::bench
