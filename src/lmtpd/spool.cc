#include "lmtpd/spool.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace satrap::lmtpd {
namespace {

constexpr size_t kBufferSize = 64 * 1024;

}  // namespace

MappedMessage::MappedMessage(MappedMessage&& other) noexcept
    : addr_(other.addr_), size_(other.size_) {
  other.addr_ = nullptr;
  other.size_ = 0;
}

MappedMessage& MappedMessage::operator=(MappedMessage&& other) noexcept {
  if (this != &other) {
    if (addr_ != nullptr) munmap(addr_, size_);
    addr_ = other.addr_;
    size_ = other.size_;
    other.addr_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedMessage::~MappedMessage() {
  if (addr_ != nullptr) munmap(addr_, size_);
}

Result<std::unique_ptr<Spool>> Spool::Create(const std::string& dir, uint64_t max_size,
                                             bool strict, std::string_view prefix) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  const bool linkable = fd >= 0;
  if (fd < 0) {
    // Some file systems lack O_TMPFILE: a named file, unlinked at once.
    std::string name = JoinPath(dir, "lmtpd.XXXXXX");
    fd = mkstemp(name.data());
    if (fd < 0) return Status::FromErrno("create spool file in " + dir, errno);
    unlink(name.c_str());
  }
  std::unique_ptr<Spool> spool(new Spool(UniqueFd(fd), max_size, strict, linkable));
  // Buffered with the message's first bytes: no write of its own.
  spool->buffer_.append(prefix);
  spool->prefix_size_ = prefix.size();
  return spool;
}

Spool::Spool(UniqueFd fd, uint64_t max_size, bool strict, bool linkable)
    : fd_(std::move(fd)), max_size_(max_size), strict_(strict), linkable_(linkable) {
  buffer_.reserve(kBufferSize);
}

Spool::~Spool() = default;

void Spool::Note(SpoolDefect defect) {
  // The first defect decides the reply; later ones add nothing.
  if (defect_ == SpoolDefect::kNone) defect_ = defect;
}

void Spool::Put(std::string_view bytes) {
  size_ += bytes.size();
  if (max_size_ != 0 && size_ > max_size_) Note(SpoolDefect::kTooBig);
  if (defect_ != SpoolDefect::kNone) return;  // consumed, not kept
  if (buffer_.size() + bytes.size() > kBufferSize) Flush();
  if (bytes.size() >= kBufferSize) {
    if (!WriteAll(fd_.get(), bytes).ok()) Note(SpoolDefect::kWriteError);
    written_ += bytes.size();
    return;
  }
  buffer_.append(bytes);
}

void Spool::Flush() {
  if (buffer_.empty()) return;
  if (defect_ == SpoolDefect::kNone && !WriteAll(fd_.get(), buffer_).ok()) {
    Note(SpoolDefect::kWriteError);
  }
  written_ += buffer_.size();
  buffer_.clear();
}

void Spool::AddLine(std::string_view line) {
  // The line came without its CR LF, so any CR or LF left in it is bare.
  if (line.find('\r') == std::string_view::npos && line.find('\n') == std::string_view::npos) {
    if (line.find('\0') != std::string_view::npos) Note(SpoolDefect::kNul);
    Put(line);
  } else {
    AddChecked(line);
    EndBareCr();
  }
  Put("\r\n");
}

void Spool::MarkLineTooLong() { Note(SpoolDefect::kLineTooLong); }

void Spool::AddBytes(std::string_view bytes) { AddChecked(bytes); }

void Spool::AddChecked(std::string_view bytes) {
  if (bytes.find('\0') != std::string_view::npos) Note(SpoolDefect::kNul);
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (pending_cr_ && c != '\n') {
      // CR not followed by LF: repair to CR LF (the CR is already written).
      if (strict_) Note(SpoolDefect::kBareNewline);
      Put(bytes.substr(start, i - start));
      Put("\n");
      start = i;
    } else if (!pending_cr_ && c == '\n') {
      if (strict_) Note(SpoolDefect::kBareNewline);
      Put(bytes.substr(start, i - start));
      Put("\r");
      start = i;
    }
    pending_cr_ = (c == '\r');
  }
  Put(bytes.substr(start));
}

void Spool::EndBareCr() {
  if (!pending_cr_) return;
  if (strict_) Note(SpoolDefect::kBareNewline);
  Put("\n");
  pending_cr_ = false;
}

void Spool::Finish() {
  EndBareCr();
  Flush();
}

Result<MappedMessage> Spool::Map() {
  MappedMessage message;
  if (written_ == 0) return message;
  void* addr = mmap(nullptr, written_, PROT_READ, MAP_PRIVATE, fd_.get(), 0);
  if (addr == MAP_FAILED) return Status::FromErrno("mmap spool file", errno);
  message.addr_ = addr;
  message.size_ = written_;
  return message;
}

}  // namespace satrap::lmtpd
