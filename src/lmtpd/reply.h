// The one place where lmtpd turns a Status into an LMTP reply (RFC 2033,
// RFC 3463 enhanced status codes on every reply, RFC 2034).
//
// Delivery results (per recipient, after the final dot or BDAT LAST) and RCPT
// answers both come through here, so the mapping of store codes is
// consistent:
//   OK             250 2.1.5 (RCPT) / 250 2.0.0 (delivered)
//   kNotFound      550 5.1.1 mailbox unknown
//   kInvalid       550 5.1.3 bad recipient address (RCPT)
//   kNoPermission  550 5.7.1 permission denied
//   kOverQuota     452 4.2.2 over quota (552 5.2.2 with lmtp_over_quota_perm_failure)
//   kTooBig        552 5.3.4 message too big
//   kTempFail, kInUse, kTimeout, kIoError, kClosed
//                  451 4.3.0 temporary failure (the MTA retries)
//   anything else  451 4.3.0 internal error, see server log (session <id>)
// The client never sees Status::message(); the log does.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "lmtpd/spool.h"

namespace satrap::lmtpd {

struct Reply {
  int code = 250;
  std::string enhanced;  // "2.1.5"
  std::string text;
  bool Positive() const { return code < 400; }
  bool Temporary() const { return code >= 400 && code < 500; }
  // "250 2.1.5 Ok\r\n"
  std::string Format() const;
};

enum class ReplyContext { kRcpt, kDelivery };

struct ReplyOptions {
  bool over_quota_permanent = false;  // lmtp_over_quota_perm_failure
  std::string session_id;             // named in internal-error texts
};

Reply ReplyFor(const Status& status, ReplyContext context, const ReplyOptions& options);

// The reply every recipient gets when the message itself is refused
// (RFC 2033 §4.2: still one reply per recipient):
//   kTooBig 552 5.3.4; kNul, kBareNewline, kLineTooLong 554 5.6.0;
//   kWriteError 451 4.3.0; 8-bit headers with reject8bit 554 5.6.0.
Reply DefectReply(SpoolDefect defect, const ReplyOptions& options);
Reply EightBitHeaderReply();

}  // namespace satrap::lmtpd
