// SMTP / LMTP command lines and replies (RFC 5321, RFC 2033 LMTP, RFC 1870
// SIZE, RFC 6152 8BITMIME, RFC 3030 CHUNKING/BINARYMIME, RFC 4954 AUTH=,
// RFC 3463 enhanced status codes, RFC 2034 ENHANCEDSTATUSCODES).
//
// Pure parsing and formatting for lmtpd (and `deliver`): a command line
// (without its CRLF) in, values out; replies as strings ready to write.
//
// Errors are Status codes, which lmtpd maps to replies in one place:
//   kInvalid      501 5.5.4 syntax error in parameters or arguments
//                 (a bad path: 501 5.1.3 / 5.1.7, see PathError below)
//   kUnsupported  555 5.5.4 unrecognised MAIL/RCPT parameter (RFC 5321 §4.1.1.11)
//   kTooBig       500 5.5.2 line too long (the caller's limit)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace satrap::protocol {

enum class SmtpVerb {
  kHelo, kEhlo, kLhlo, kMail, kRcpt, kData, kBdat, kRset, kNoop, kQuit, kVrfy,
  kHelp, kStartTls, kAuth, kUnknown,
};

struct SmtpCommand {
  SmtpVerb verb = SmtpVerb::kUnknown;
  std::string verb_text;  // as sent, for "500 5.5.1 unknown command" logs
  std::string argument;   // everything after the verb and one SP; may be empty
};

// Splits "MAIL FROM:<a@b> SIZE=10" into verb and argument. Verbs are matched
// case-insensitively. kInvalid for an empty line, a line with NUL, CR or LF,
// or 8-bit bytes in the verb.
Result<SmtpCommand> ParseSmtpCommand(std::string_view line);

// A mailbox path: "<local@domain>", with source routes ("<@a,@b:u@d>", which
// RFC 5321 §4.1.1.3 says to accept and ignore) and quoted local parts
// ("<\"john doe\"@example.com>"). local_part is unquoted; domain may be a
// name or an address literal ("[192.0.2.1]"). The null path "<>" has both empty.
struct MailPath {
  std::string local_part;
  std::string domain;
  bool IsNull() const { return local_part.empty() && domain.empty(); }
  // "local@domain", the local part re-quoted when it needs it; "" for <>.
  std::string Address() const;
};

// Whether a path may lack "@domain".
enum class DomainRule {
  kRequired,
  kPostmasterOnly,  // "<postmaster>" alone (RFC 5321 §4.1.1.3): SMTP's RCPT
  kOptional,        // any bare local part: LMTP's RCPT, which local MTA
                    // transports and `deliver` send as "<bob>" (Cyrus accepts it)
};

// Parses a path starting at the beginning of `text`; on success sets
// `*consumed` to the bytes taken. kInvalid for bad syntax. `allow_null` lets
// "<>" through.
Result<MailPath> ParseMailPath(std::string_view text, bool allow_null, DomainRule domain_rule,
                               size_t* consumed);

enum class BodyType { kUnspecified, k7Bit, k8BitMime, kBinaryMime };

struct MailFromArgs {
  MailPath path;
  std::optional<uint64_t> size;       // SIZE=
  BodyType body = BodyType::kUnspecified;
  std::optional<std::string> auth;    // AUTH= decoded from xtext; "<>" kept as "<>"
  bool smtputf8 = false;              // SMTPUTF8 (RFC 6531)
};

// The argument of MAIL: "FROM:<path> [SP params]". Parameters: SIZE=n,
// BODY=7BIT|8BITMIME|BINARYMIME, AUTH=xtext, SMTPUTF8. kUnsupported for
// any other keyword, kInvalid for repeated ones or bad values.
Result<MailFromArgs> ParseMailFrom(std::string_view argument);

struct RcptToArgs {
  MailPath path;
  // Parameters with their values, keywords uppercased (NOTIFY, ORCPT are
  // accepted and kept; lmtpd may ignore them).
  std::vector<std::pair<std::string, std::string>> params;
};

// The argument of RCPT: "TO:<path> [SP params]". The null path is refused;
// a path without domain only as `domain_rule` allows. kUnsupported for
// keywords other than NOTIFY and ORCPT (RFC 3461).
Result<RcptToArgs> ParseRcptTo(std::string_view argument,
                               DomainRule domain_rule = DomainRule::kPostmasterOnly);

struct BdatArgs {
  uint64_t size = 0;
  bool last = false;
};

// "BDAT" SP chunk-size [SP "LAST"] (RFC 3030 §2).
Result<BdatArgs> ParseBdat(std::string_view argument);

// An enhanced status code class.subject.detail (RFC 3463 §2): class 2, 4
// or 5; subject and detail 0..999 without leading zeros.
bool IsEnhancedStatus(std::string_view code);

// "250-first\r\n250 last\r\n", each line prefixed with the enhanced status
// (when not empty) as RFC 2034 §3 asks for multi-line replies. `lines` may
// not be empty; a line must not contain CR or LF (CHECKed: callers pass our
// own texts). `code` is 200..599.
std::string FormatSmtpReplyLines(int code, std::string_view enhanced,
                                 const std::vector<std::string>& lines);
// A one-line reply: "250 2.1.0 Ok\r\n".
std::string FormatSmtpReply(int code, std::string_view enhanced, std::string_view text);

}  // namespace satrap::protocol
