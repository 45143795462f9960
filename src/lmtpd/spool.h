// Spool: one message being received, streamed to an unlinked temporary file
// (never held whole in memory), then handed to the store.
//
// One Spool per message: a fresh file for every transaction, never truncated
// or reused, because the store may hard-link it into a mailbox
// (NewMessage::spool_handoff) and a later write would change stored mail.
// The file is created unlinked (O_TMPFILE, or mkstemp + unlink), so a client
// that vanishes mid-DATA, or a worker killed at any moment, leaves nothing
// behind. Created with O_TMPFILE in a folder on the partition's file system,
// it can be linked into place by the store (one fdatasync, no copy).
//
// The file starts with the delivery headers lmtpd adds (Return-Path,
// Received: `prefix`), written before the message so that the store parses
// the file exactly as it will be stored; the limits and defects below count
// only the client's bytes.
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
  // A spool file in `dir` holding `prefix` (delivery headers, CRLF line
  // ends). kIoError when it cannot be created. `max_size` 0 means no limit.
  static Result<std::unique_ptr<Spool>> Create(const std::string& dir, uint64_t max_size,
                                               bool strict, std::string_view prefix = {});
  ~Spool();
  // DATA: one line after dot-unstuffing, without its CR LF. A CR or LF
  // inside it is bare (only CR LF ends a DATA line).
  void AddLine(std::string_view line);
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
  // The file: prefix plus message, `file_size()` bytes from offset 0 once
  // finished. Borrowed; the Spool closes it.
  int fd() const { return fd_.get(); }
  uint64_t file_size() const { return written_; }
  uint64_t prefix_size() const { return prefix_size_; }
  // True for an O_TMPFILE file, which the store can link into a folder.
  bool linkable() const { return linkable_; }
  // Maps the finished file (prefix and message). kIoError when mmap fails.
  Result<MappedMessage> Map();

 private:
  Spool(UniqueFd fd, uint64_t max_size, bool strict, bool linkable);
  void Put(std::string_view bytes);
  void Flush();
  void Note(SpoolDefect defect);
  // Copies `bytes`, checking CR/LF pairing and NULs across calls.
  void AddChecked(std::string_view bytes);
  // A CR that ended the bytes so far was not followed by LF: note it and
  // write the LF that makes it a line end.
  void EndBareCr();

  UniqueFd fd_;
  uint64_t max_size_;
  bool strict_;
  uint64_t size_ = 0;      // bytes accepted so far
  uint64_t written_ = 0;   // bytes in the file
  uint64_t prefix_size_ = 0;
  bool linkable_;
  std::string buffer_;
  bool pending_cr_ = false;  // BDAT: the last byte was a CR
  SpoolDefect defect_ = SpoolDefect::kNone;
};

}  // namespace satrap::lmtpd
