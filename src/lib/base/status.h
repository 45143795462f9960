// Status: the one way Satrap reports an expected failure.
//
// Every fallible function returns a Status (or a Result<T>, see result.h).
// Success costs nothing: an OK status holds a null pointer. A failure carries a
// Code from the mail domain (the same codes every protocol maps to its replies
// in one place: imapd/reply.cc, lmtpd's reply table, pop3d's) and a message
// meant for the log. Clients never see message(); they see the text their
// protocol attaches to the code.
//
// Broken invariants are not Statuses: they CHECK() and abort (base/check.h).
// Startup and configuration problems that end the process go through
// log::Fatal().
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace satrap {

enum class Code : uint8_t {
  kOk = 0,
  kNotFound,      // no such mailbox, user, key, file
  kExists,        // already there (create, rename target)
  kNoPermission,  // the identity lacks a right
  kOverQuota,     // a quota root would be exceeded
  kInUse,         // locked by another session (POP3 maildrop, ...)
  kTempFail,      // try again later: lock timeout, deadlock, transient I/O
  kInvalid,       // malformed input: protocol syntax, bad name, bad config
  kTooBig,        // a size or depth bound was exceeded
  kCorrupt,       // on-disk data failed a check; never served as if valid
  kIoError,       // an operating-system call failed (errno in the message)
  kClosed,        // the peer went away (EOF, reset)
  kTimeout,       // an idle or I/O deadline passed
  kUnsupported,   // valid request we do not implement
  kRateLimited,   // refused for coming too soon or too often (POP3 login delay)
  kInternal,      // anything else: a bug or an impossible state; see the log
};

// Returns the stable name of a code ("NotFound", ...), for logs and tests.
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }
  static Status Error(Code code, std::string message);
  static Status NotFound(std::string m) { return Error(Code::kNotFound, std::move(m)); }
  static Status Exists(std::string m) { return Error(Code::kExists, std::move(m)); }
  static Status NoPermission(std::string m) { return Error(Code::kNoPermission, std::move(m)); }
  static Status OverQuota(std::string m) { return Error(Code::kOverQuota, std::move(m)); }
  static Status InUse(std::string m) { return Error(Code::kInUse, std::move(m)); }
  static Status TempFail(std::string m) { return Error(Code::kTempFail, std::move(m)); }
  static Status Invalid(std::string m) { return Error(Code::kInvalid, std::move(m)); }
  static Status TooBig(std::string m) { return Error(Code::kTooBig, std::move(m)); }
  static Status Corrupt(std::string m) { return Error(Code::kCorrupt, std::move(m)); }
  static Status IoError(std::string m) { return Error(Code::kIoError, std::move(m)); }
  static Status Closed(std::string m) { return Error(Code::kClosed, std::move(m)); }
  static Status Timeout(std::string m) { return Error(Code::kTimeout, std::move(m)); }
  static Status Unsupported(std::string m) { return Error(Code::kUnsupported, std::move(m)); }
  static Status RateLimited(std::string m) { return Error(Code::kRateLimited, std::move(m)); }
  static Status Internal(std::string m) { return Error(Code::kInternal, std::move(m)); }
  // A failed system call: "<what>: <strerror(err)>", keeping `err` (os_errno).
  // The code is kIoError, whatever the errno: ENOENT or EACCES from the file
  // system says the disk or the spool is wrong (an unmounted partition, a
  // lost cyrus.index), not that the mailbox or the user does not exist, and
  // only the mailbox database decides that. A caller to whom a missing file
  // means something (an optional file) asks os_errno(). Exceptions, for what
  // a retry may cure: ENOSPC, EDQUOT, EAGAIN, EINTR are kTempFail (disk full
  // defers deliveries); ETIMEDOUT kTimeout; EPIPE, ECONNRESET kClosed.
  static Status FromErrno(std::string_view what, int err);

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  bool Is(Code c) const { return code() == c; }
  // The errno of a FromErrno() status (kept through WithContext), else 0.
  int os_errno() const { return rep_ ? rep_->os_errno : 0; }
  // A FromErrno(ENOENT): the file or folder named in the message is absent.
  bool IsMissingFile() const { return os_errno() == ENOENT; }
  // Empty for OK.
  const std::string& message() const;
  // "OK" or "NotFound: <message>".
  std::string ToString() const;

  // Prefixes the message with context ("open mailboxes.db: ..."); no-op on OK.
  Status WithContext(std::string_view context) const;

 private:
  struct Rep {
    Code code;
    std::string message;
    int os_errno = 0;
  };
  std::unique_ptr<Rep> rep_;
};

#define SATRAP_CONCAT_INNER_(a, b) a##b
#define SATRAP_CONCAT_(a, b) SATRAP_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status) is not OK.
#define SATRAP_RETURN_IF_ERROR(expr)                      \
  do {                                                    \
    ::satrap::Status satrap_status_ = (expr);             \
    if (!satrap_status_.ok()) return satrap_status_;      \
  } while (0)

}  // namespace satrap
