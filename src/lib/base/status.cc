#include "base/status.h"

#include <cerrno>
#include <cstring>

namespace satrap {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound";
    case Code::kExists: return "Exists";
    case Code::kNoPermission: return "NoPermission";
    case Code::kOverQuota: return "OverQuota";
    case Code::kInUse: return "InUse";
    case Code::kTempFail: return "TempFail";
    case Code::kInvalid: return "Invalid";
    case Code::kTooBig: return "TooBig";
    case Code::kCorrupt: return "Corrupt";
    case Code::kIoError: return "IoError";
    case Code::kClosed: return "Closed";
    case Code::kTimeout: return "Timeout";
    case Code::kUnsupported: return "Unsupported";
    case Code::kRateLimited: return "RateLimited";
    case Code::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

Status Status::Error(Code code, std::string message) {
  Status s;
  if (code == Code::kOk) return s;
  s.rep_ = std::make_unique<Rep>(Rep{code, std::move(message)});
  return s;
}

Status Status::FromErrno(std::string_view what, int err) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  Code code = Code::kIoError;
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EAGAIN:
    case EINTR: code = Code::kTempFail; break;
    case ETIMEDOUT: code = Code::kTimeout; break;
    case EPIPE:
    case ECONNRESET: code = Code::kClosed; break;
    default: break;
  }
  Status s = Error(code, std::move(msg));
  s.rep_->os_errno = err;
  return s;
}

const std::string& Status::message() const {
  static const std::string* const kEmpty = new std::string();
  return rep_ ? rep_->message : *kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(rep_->code));
  out += ": ";
  out += rep_->message;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  std::string msg(context);
  msg += ": ";
  msg += rep_->message;
  Status s = Error(rep_->code, std::move(msg));
  s.rep_->os_errno = rep_->os_errno;
  return s;
}

}  // namespace satrap
