#include "lmtpd/reply.h"

#include "protocol/smtp.h"

namespace satrap::lmtpd {

std::string Reply::Format() const { return protocol::FormatSmtpReply(code, enhanced, text); }

Reply ReplyFor(const Status& status, ReplyContext context, const ReplyOptions& options) {
  switch (status.code()) {
    case Code::kOk:
      return context == ReplyContext::kRcpt ? Reply{250, "2.1.5", "Ok"}
                                            : Reply{250, "2.0.0", "Ok delivered"};
    case Code::kNotFound:
      return {550, "5.1.1", "Mailbox unknown"};
    case Code::kInvalid:
      return {550, "5.1.3", "Bad recipient address syntax"};
    case Code::kNoPermission:
      return {550, "5.7.1", "Permission denied"};
    case Code::kOverQuota:
      if (options.over_quota_permanent) return {552, "5.2.2", "Over quota"};
      return {452, "4.2.2", "Over quota"};
    case Code::kTooBig:
      return {552, "5.3.4", "Message too big"};
    case Code::kRateLimited:
      return {451, "4.7.1", "Too soon, try again later"};
    case Code::kTempFail:
    case Code::kInUse:
    case Code::kTimeout:
    case Code::kIoError:
    case Code::kClosed:
      return {451, "4.3.0", "Temporary failure, try again later"};
    default:
      return {451, "4.3.0", "Internal error, see server log (session " + options.session_id + ")"};
  }
}

Reply DefectReply(SpoolDefect defect, const ReplyOptions& options) {
  switch (defect) {
    case SpoolDefect::kNone:
      break;
    case SpoolDefect::kTooBig:
      return {552, "5.3.4", "Message size exceeds fixed limit"};
    case SpoolDefect::kNul:
      return {554, "5.6.0", "Message contains NUL characters"};
    case SpoolDefect::kBareNewline:
      return {554, "5.6.0", "Message contains bare CR or LF characters"};
    case SpoolDefect::kLineTooLong:
      return {554, "5.6.0", "Message contains a line that is too long"};
    case SpoolDefect::kWriteError:
      return {451, "4.3.0", "Temporary failure, try again later"};
  }
  return ReplyFor(Status::Internal("no defect"), ReplyContext::kDelivery, options);
}

Reply EightBitHeaderReply() {
  return {554, "5.6.0", "Message contains 8-bit characters in headers"};
}

}  // namespace satrap::lmtpd
