// DotStuffer: turns a stored message into the body of a POP3 multi-line
// response (RFC 1939 §3), one chunk at a time, so that RETR and TOP stream a
// message of any size through a small buffer.
//
// Rules applied:
// - every line that begins with '.' is sent with one more '.' in front
//   ("byte-stuffing");
// - the stored bytes are sent exactly (the store keeps CRLF line ends); if
//   the message does not end with CRLF, Finish() adds one so that the
//   terminating ".\r\n" stands on a line of its own;
// - TOP n (RFC 1939 §7): the header, the blank line that ends it, and at
//   most n lines of the body. A message without a blank line is all header.
//
// Pure: no I/O; a value type, one per response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace satrap::pop3d {

class DotStuffer {
 public:
  // `body_lines`: nullopt for RETR (everything); n for TOP n.
  explicit DotStuffer(std::optional<uint32_t> body_lines = std::nullopt)
      : body_lines_(body_lines) {}

  // Appends the stuffed form of the next `chunk` of the message to *out.
  // Returns false once TOP's line limit has been reached: the rest of the
  // message need not be read (further calls append nothing).
  bool Feed(std::string_view chunk, std::string* out);
  // Appends the end of the response: CRLF if the last line was unfinished,
  // then ".\r\n".
  void Finish(std::string* out);

  bool done() const { return done_; }

 private:
  // Called at each LF; updates header/body state and the TOP count.
  void EndLine();

  std::optional<uint32_t> body_lines_;
  bool at_line_start_ = true;
  bool line_empty_ = true;   // only "\r" seen so far on this line
  bool in_header_ = true;
  uint32_t lines_sent_ = 0;  // body lines, for TOP
  bool done_ = false;
};

}  // namespace satrap::pop3d
