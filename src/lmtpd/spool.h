// Spool: one message being received, streamed to an unlinked temporary file
// (never held whole in memory), then mapped read-only for delivery.
//
// One Spool per session, reused by every transaction (Reset() truncates).
// The file is created unlinked (O_TMPFILE, or mkstemp + unlink), so a client
// that vanishes mid-DATA, or a worker killed at any moment, leaves nothing
// behind: nothing is stored until the store's append has made its own copy.
//
// While bytes arrive the spool records what lmtpd must refuse after the final
// dot: NUL bytes, bare CR or LF (RFC 5321 §2.3.8; with `strict` off they are
// written as CRLF instead, as Cyrus does without lmtp_strict_rfc2821),
// over-long lines, and a size over the limit (writing stops there but the
// data is still consumed, to keep the session in step).
//
// Durability: none needed; the spool is scratch. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/file.h"
#include "base/result.h"

namespace satrap::lmtpd {

// What made a message unacceptable; kNone when it may be delivered.
enum class SpoolDefect { kNone, kTooBig, kNul, kBareNewline, kLineTooLong, kWriteError };

class Spool;

// A read-only view of the finished message; unmapped on destruction. Must
// not outlive its Spool, and the Spool must not be written while it exists.
class MappedMessage {
 public:
  MappedMessage() = default;
  MappedMessage(MappedMessage&& other) noexcept;
  MappedMessage& operator=(MappedMessage&& other) noexcept;
  ~MappedMessage();
  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  friend class Spool;
  void* addr_ = nullptr;
  size_t size_ = 0;
};

class Spool {
 public:
  // A spool file in `dir` (temp_path). kIoError when it cannot be created.
  // `max_size` 0 means no limit.
  static Result<std::unique_ptr<Spool>> Create(const std::string& dir, uint64_t max_size,
                                               bool strict);
  ~Spool();

  // Empties the file and forgets every defect, for a new transaction.
  void Reset();
  // DATA: one line after dot-unstuffing, without its line end; `bare_lf`
  // when the line ended in LF alone.
  void AddLine(std::string_view line, bool bare_lf);
  // DATA: a line longer than the connection's limit was discarded.
  void MarkLineTooLong();
  // BDAT: raw bytes of a chunk (RFC 3030: no dot-stuffing). CR LF pairs may
  // be split across chunks.
  void AddBytes(std::string_view bytes);
  // Ends the message: writes what is buffered. Then defect() is final.
  void Finish();

  SpoolDefect defect() const { return defect_; }
  // Bytes of message received (even past the limit), CRLF counted.
  uint64_t size() const { return size_; }
  // Maps the finished message. kIoError when mmap fails.
  Result<MappedMessage> Map();

 private:
  Spool(UniqueFd fd, uint64_t max_size, bool strict);
  void Put(std::string_view bytes);
  void Flush();
  void Note(SpoolDefect defect);
  // Copies `bytes`, checking CR/LF pairing and NULs across calls.
  void AddChecked(std::string_view bytes);

  UniqueFd fd_;
  uint64_t max_size_;
  bool strict_;
  uint64_t size_ = 0;      // bytes accepted so far
  uint64_t written_ = 0;   // bytes in the file
  std::string buffer_;
  bool pending_cr_ = false;  // BDAT: the last byte was a CR
  SpoolDefect defect_ = SpoolDefect::kNone;
};

}  // namespace satrap::lmtpd
