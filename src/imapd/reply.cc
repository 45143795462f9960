// The one place where a Status becomes an IMAP response code (RFC 5530).
// Clients never see Status::message(): it is for the log. An internal error
// names the session so an admin can find the log line.
#include "base/strings.h"
#include "log/log.h"
#include "responder.h"

namespace satrap::imapd {

StatusReply ReplyFor(const Status& status, std::string_view session_id) {
  switch (status.code()) {
    case Code::kOk:
      return {Completion::kOk, "", "Completed"};
    case Code::kNotFound:
      return {Completion::kNo, "[NONEXISTENT]", "Mailbox does not exist"};
    case Code::kNoPermission:
      return {Completion::kNo, "[NOPERM]", "Permission denied"};
    case Code::kOverQuota:
      return {Completion::kNo, "[OVERQUOTA]", "Over quota"};
    case Code::kExists:
      return {Completion::kNo, "[ALREADYEXISTS]", "Mailbox already exists"};
    case Code::kInUse:
      return {Completion::kNo, "[INUSE]", "Mailbox is locked, try again later"};
    case Code::kTempFail:
      return {Completion::kNo, "[UNAVAILABLE]", "Temporary failure, try again later"};
    case Code::kRateLimited:
      return {Completion::kNo, "[UNAVAILABLE]", "Too soon, try again later"};
    case Code::kTooBig:
      return {Completion::kNo, "[LIMIT]", "Too big"};
    case Code::kInvalid:
      return {Completion::kBad, "", "Invalid arguments"};
    case Code::kUnsupported:
      return {Completion::kNo, "[CANNOT]", "Operation not supported"};
    case Code::kCorrupt:
      log::Error("damaged data: %s session=%.*s", status.message().c_str(),
                 static_cast<int>(session_id.size()), session_id.data());
      return {Completion::kNo, "[CORRUPTION]", "Mailbox is damaged, see server log"};
    case Code::kClosed:
    case Code::kTimeout:
    case Code::kIoError:
    case Code::kInternal:
      break;
  }
  log::Error("internal error: %s session=%.*s", status.ToString().c_str(),
             static_cast<int>(session_id.size()), session_id.data());
  return {Completion::kNo, "[SERVERBUG]",
          StringPrintf("Internal error, see server log (session %.*s)",
                       static_cast<int>(session_id.size()), session_id.data())};
}

}  // namespace satrap::imapd

namespace satrap::imapd {

StatusReply AuthReplyFor(const Status& status, std::string_view session_id) {
  switch (status.code()) {
    case Code::kNoPermission:
      return {Completion::kNo, "[AUTHENTICATIONFAILED]", "Authentication failed"};
    case Code::kInvalid:
      return {Completion::kBad, "", "Malformed authentication exchange"};
    case Code::kUnsupported:
      return {Completion::kNo, "[CANNOT]", "Authentication mechanism not supported"};
    case Code::kTempFail:
      return {Completion::kNo, "[UNAVAILABLE]", "Authentication temporarily unavailable"};
    default:
      return ReplyFor(status, session_id);
  }
}

}  // namespace satrap::imapd
