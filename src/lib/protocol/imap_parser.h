// ImapParser: an incremental parser for IMAP client commands (RFC 3501 §9,
// LITERAL+ / LITERAL- RFC 7888, literal8 RFC 3516).
//
// The parser does no I/O. The server feeds it bytes as they arrive, in any
// pieces (one byte at a time works), and polls state():
//
//   kNeedMore     feed more bytes. While LiteralBytesRemaining() > 0 the bytes
//                 wanted are literal data (or a rejected literal being
//                 discarded), which the server may read with ReadExact.
//   kLiteral      a literal was announced at the end of a line. pending_literal()
//                 says its size and kind; tag() and command_name() are known.
//                 The server decides, then calls exactly one of:
//                   AcceptLiteral()   the parser keeps the bytes (bounded by
//                                     max_literal); for a synchronising literal
//                                     the server first sends "+ go ahead".
//                   LiteralStreamed() the server read the bytes itself (APPEND:
//                                     straight to a spool file with ReadExact)
//                                     and the parser records a kStreamedLiteral.
//                   RejectLiteral()   refuse it: the server answers a tagged
//                                     BAD/NO instead of "+". A synchronising
//                                     literal is never sent, so the parser starts
//                                     a fresh command; a non-synchronising one is
//                                     already on its way, so the parser discards
//                                     its bytes and the rest of that command
//                                     (RFC 7888 §4 allows closing instead: the
//                                     caller may simply drop the connection).
//   kCommand      TakeCommand() returns the complete command and resets.
//   kError        TakeError() returns a message for "<tag> BAD <msg>" (or
//                 "* BAD <msg>" when the tag itself was unusable); the parser
//                 then skips the rest of the broken command, including the
//                 bytes of any non-synchronising literal announced on it.
//
// Feed() consumes only what the current state needs: it stops right after a
// command's final line ending, right after a literal announcement and at an
// error, so bytes pipelined behind them are left to the caller to feed again.
//
// With net::Connection the loop is: in kNeedMore, if LiteralBytesRemaining()
// is nonzero, ReadExact() that many bytes (or a bounded piece) and Feed them;
// otherwise ReadLine() and Feed(line + "\r\n"). For an accepted synchronising
// literal, write "+ go ahead\r\n" (and flush) before reading its bytes.
//
// Every input is bounded by ImapLimits: line length (literals excluded),
// in-memory literal size, whole command size, number of arguments and list
// nesting. Lines end in CRLF; a bare LF is accepted as well (as Cyrus and
// Dovecot do) so that hand-typed test sessions work.
//
// Not thread-safe; one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/imap_arg.h"

namespace satrap::protocol {

struct ImapLimits {
  size_t max_line = 8192;             // one line of a command, without CRLF or literals
  uint64_t max_literal = 65536;       // largest literal AcceptLiteral() will hold
  uint64_t max_command = 1 << 20;     // all lines and in-memory literals of one command
  size_t max_args = 10000;            // arguments, counting every list element
  size_t max_depth = 16;              // nested parenthesised lists
  bool utf8_quoted = false;           // RFC 6855 UTF8=ACCEPT: 8-bit UTF-8 in quoted strings
};

struct PendingLiteral {
  uint64_t size = 0;
  bool synchronizing = true;  // {n}: the client waits for "+"; {n+} does not
  bool binary = false;        // ~{n}: literal8, may contain NUL (RFC 3516)
};

struct ImapParseError {
  std::string tag;      // empty: answer untagged "* BAD"
  std::string message;  // safe to send to the client
};

class ImapParser {
 public:
  enum class State { kNeedMore, kLiteral, kCommand, kError };

  explicit ImapParser(ImapLimits limits);

  // Consumes bytes from `data` and returns how many it took (less than
  // data.size() only when the state left kNeedMore). Must not be called in
  // kLiteral, kCommand or kError (CHECKed): the caller resolves those first.
  size_t Feed(std::string_view data);

  State state() const { return state_; }

  // Valid in kLiteral (and later while the command is in progress).
  const std::string& tag() const { return tag_; }
  const std::string& command_name() const { return name_; }
  // The top-level arguments parsed so far (APPEND: mailbox, flags, date).
  const std::vector<ImapArg>& args_so_far() const;
  const PendingLiteral& pending_literal() const { return pending_; }
  // True when the pending literal fits the in-memory limits.
  bool LiteralFitsInMemory() const;

  // kLiteral → kNeedMore. kTooBig (state unchanged) if the literal does not fit
  // in memory: the caller should RejectLiteral() or stream it.
  Status AcceptLiteral();
  // kLiteral → kNeedMore; the caller has consumed the literal's bytes itself.
  void LiteralStreamed();
  // kLiteral → kNeedMore (a fresh command, or discarding a non-sync literal).
  void RejectLiteral();

  // Bytes of literal data still wanted (kept or discarded); 0 otherwise.
  uint64_t LiteralBytesRemaining() const { return literal_remaining_; }

  // kCommand → kNeedMore.
  ImapCommand TakeCommand();
  // kError → kNeedMore (skipping the rest of the broken command).
  ImapParseError TakeError();

 private:
  enum class Phase { kLine, kLiteralData, kDiscardLiteral, kSkipLine };
  enum class FrameKind { kTop, kList, kSectionList };
  struct Frame {
    FrameKind kind;
    ImapArg arg;  // kList / kSection under construction; kTop: args in arg.list
  };
  enum class LineResult { kCommand, kLiteral, kError };

  size_t FeedLine(std::string_view data);
  size_t FeedLiteralData(std::string_view data);
  size_t FeedDiscard(std::string_view data);
  size_t FeedSkipLine(std::string_view data);

  LineResult ParseLine(std::string_view line);
  bool ParseTagAndName(std::string_view line, size_t* pos);
  LineResult ParseArgs(std::string_view line, size_t pos);
  bool ParseOne(std::string_view line, size_t* pos, bool* literal_announced);
  bool ParseQuoted(std::string_view line, size_t* pos);
  bool ParseLiteralAnnouncement(std::string_view line, size_t* pos, bool binary);
  bool ParseAtomOrSection(std::string_view line, size_t* pos);
  bool ParseSectionBody(std::string_view line, size_t* pos, ImapArg section);
  bool FinishSection(std::string_view line, size_t* pos, ImapArg section);
  bool CloseList(std::string_view line, size_t* pos);
  bool AddArg(ImapArg arg);
  bool Fail(std::string message);
  void UntaggedFail(std::string message);
  void StartSkipping(std::string_view line_just_parsed);
  void ResetCommand();

  ImapLimits limits_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kLine;
  std::string line_;                // the line being collected (without LF)
  bool have_name_ = false;          // tag and command name parsed
  bool need_separator_ = false;     // an element just ended: SP, ')' or EOL next
  std::string tag_;
  std::string name_;
  std::vector<Frame> stack_;
  size_t arg_count_ = 0;
  uint64_t command_bytes_ = 0;
  PendingLiteral pending_;
  uint64_t literal_remaining_ = 0;
  std::string literal_data_;
  std::string skip_tail_;            // last bytes of a skipped line, for "{n+}"
  ImapParseError error_;
};

}  // namespace satrap::protocol
