// Status -> "-ERR" lines (reply.h).
#include "reply.h"

namespace satrap::pop3d {

std::string Err(std::string_view code, std::string_view text) {
  std::string line = "-ERR ";
  if (!code.empty()) line.append("[").append(code).append("] ");
  line.append(text).append("\r\n");
  return line;
}

std::string ErrLine(const Status& status, std::string_view session_id) {
  switch (status.code()) {
    case Code::kInUse:
      return Err("IN-USE", "Maildrop is locked by another POP3 session");
    case Code::kRateLimited:
      return Err("LOGIN-DELAY", "Logins are too close together; see CAPA LOGIN-DELAY");
    case Code::kNotFound:
      // Without `r` (popuseacl) the store cannot tell "missing" from
      // "forbidden"; neither is fixed by retrying.
      return Err("SYS/PERM", "No such maildrop or permission denied");
    case Code::kNoPermission:
      return Err("SYS/PERM", "Permission denied");
    case Code::kOverQuota:
      return Err("SYS/PERM", "Over quota");
    case Code::kCorrupt:
      return Err("SYS/PERM", "Maildrop is damaged; please contact your administrator");
    case Code::kTempFail:
    case Code::kTimeout:
    case Code::kIoError:
      return Err("SYS/TEMP", "Temporary failure, please try again later");
    case Code::kInvalid:
    case Code::kTooBig:
    case Code::kUnsupported:
      return Err("", "Not possible here");
    default:
      break;
  }
  return Err("SYS/TEMP",
             std::string("Internal error, see server log (session ").append(session_id).append(")"));
}

std::string MessageErrLine(const Status& status, std::string_view session_id) {
  // RFC 2180 §4.1.2's IMAP answer, in POP3 form: the message is gone.
  if (status.code() == Code::kNotFound) return Err("", "Message was removed by another session");
  return ErrLine(status, session_id);
}

std::string AuthErrLine(const Status& status, std::string_view session_id) {
  switch (status.code()) {
    case Code::kNoPermission:
    case Code::kNotFound:
      return Err("AUTH", "Authentication failed");
    case Code::kInvalid:
      return Err("AUTH", "Invalid authentication exchange");
    case Code::kUnsupported:
      return Err("AUTH", "Unsupported authentication mechanism");
    case Code::kTempFail:
    case Code::kTimeout:
      return Err("SYS/TEMP", "Authentication back end unavailable, please try again later");
    default:
      break;
  }
  return Err("SYS/TEMP",
             std::string("Internal error, see server log (session ").append(session_id).append(")"));
}

}  // namespace satrap::pop3d
