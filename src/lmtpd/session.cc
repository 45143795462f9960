#include "lmtpd/session.h"

#include "auth/auth_session.h"
#include "base/strings.h"
#include "log/log.h"

namespace satrap::lmtpd {

using protocol::SmtpCommand;
using protocol::SmtpVerb;

Session::Session(net::Connection& conn, Deliverer& deliverer, SessionOptions options,
                 SessionSecurity security)
    : conn_(conn), deliverer_(deliverer), options_(std::move(options)), security_(security) {}

Session::~Session() = default;

void Session::Send(int code, std::string_view enhanced, std::string_view text) {
  conn_.Write(protocol::FormatSmtpReply(code, enhanced, text));
}

void Session::Send(const Reply& reply) { conn_.Write(reply.Format()); }

void Session::ResetTransaction() {
  txn_ = Transaction();
  // Never reused: the store may have linked the file into a mailbox.
  spool_.reset();
}

bool Session::MayTransact() {
  if (options_.preauthenticated) return true;
  if (security_.auth != nullptr && security_.auth->authenticated() != nullptr) return true;
  if (options_.soft_noauth) {
    Send(430, "4.7.0", "Authentication required");
  } else {
    Send(530, "5.7.0", "Authentication required");
  }
  return false;
}

acl::Identity Session::Poster() const {
  if (security_.auth != nullptr && security_.auth->authenticated() != nullptr) {
    return security_.auth->authenticated()->identity;
  }
  acl::Identity anonymous;
  anonymous.userid = "anonymous";
  anonymous.anonymous = true;
  return anonymous;
}

void Session::Run() {
  Send(220, "", options_.server_name + " LMTP Satrap ready");
  while (true) {
    bool bare_lf = false;
    Result<std::string> line = conn_.ReadLine(&bare_lf);
    if (!line.ok()) {
      if (line.status().Is(Code::kTooBig)) {
        Send(500, "5.5.2", "Line too long");
        if (++bad_commands_ > options_.max_bad_commands) break;
        continue;
      }
      if (line.status().Is(Code::kTimeout)) {
        Send(421, "4.4.2", options_.server_name + " Idle timeout, closing connection");
        (void)conn_.Flush();
      }
      break;
    }
    Next next = Next::kContinue;
    Result<SmtpCommand> command = protocol::ParseSmtpCommand(*line);
    if (bare_lf && options_.strict_rfc2821) {
      // RFC 5321 §2.3.8: lines end in CR LF; a bare LF is a broken client.
      Send(500, "5.5.2", "Syntax error: bare LF");
      ++bad_commands_;
      if (command.ok() && command->verb == SmtpVerb::kBdat) next = SkipChunk(*command);
    } else if (!command.ok()) {
      Send(500, "5.5.2", "Syntax error");
      ++bad_commands_;
    } else {
      next = Dispatch(*command);
    }
    if (next == Next::kQuit) break;
    if (bad_commands_ > options_.max_bad_commands) {
      Send(421, "4.7.0", options_.server_name + " Too many errors, closing connection");
      break;
    }
  }
  (void)conn_.Flush();
  log::Info("lmtp session ended: session=%s peer=%s messages=%llu reason=%s",
            options_.session_id.c_str(), options_.peer.c_str(),
            static_cast<unsigned long long>(messages_),
            conn_.DisconnectReason().empty() ? "QUIT" : conn_.DisconnectReason().c_str());
}

Session::Next Session::Dispatch(const SmtpCommand& command) {
  switch (command.verb) {
    case SmtpVerb::kLhlo:
      return Lhlo(command);
    case SmtpVerb::kHelo:
    case SmtpVerb::kEhlo:
      // RFC 2033 §4.1: LMTP greets with LHLO only, so an SMTP client that
      // reached the LMTP port by mistake is told at once.
      Send(500, "5.5.1", "This is LMTP: use LHLO");
      ++bad_commands_;
      return Next::kContinue;
    case SmtpVerb::kMail:
      return Mail(command);
    case SmtpVerb::kRcpt:
      return Rcpt(command);
    case SmtpVerb::kData:
      return Data(command);
    case SmtpVerb::kBdat:
      return Bdat(command);
    case SmtpVerb::kRset:
      ResetTransaction();
      Send(250, "2.0.0", "Ok");
      return Next::kContinue;
    case SmtpVerb::kNoop:
      Send(250, "2.0.0", "Ok");
      return Next::kContinue;
    case SmtpVerb::kQuit:
      Send(221, "2.0.0", options_.server_name + " Bye");
      return Next::kQuit;
    case SmtpVerb::kVrfy:
      return Vrfy(command);
    case SmtpVerb::kHelp:
      Send(214, "2.0.0", "See RFC 2033");
      return Next::kContinue;
    case SmtpVerb::kStartTls:
      return StartTls(command);
    case SmtpVerb::kAuth:
      return Auth(command);
    case SmtpVerb::kUnknown:
      break;
  }
  Send(500, "5.5.1", "Command unrecognized");
  ++bad_commands_;
  return Next::kContinue;
}

Session::Next Session::Lhlo(const SmtpCommand& command) {
  if (TrimWhitespace(command.argument).empty()) {
    Send(501, "5.5.4", "LHLO needs a host name");
    return Next::kContinue;
  }
  ResetTransaction();
  greeted_ = true;
  lhlo_ = std::string(TrimWhitespace(command.argument));
  // RFC 2034 §3: no enhanced codes on the LHLO response.
  std::vector<std::string> lines = {options_.server_name, "8BITMIME", "ENHANCEDSTATUSCODES",
                                    "PIPELINING", "CHUNKING"};
  lines.push_back(options_.max_message_size > 0
                      ? "SIZE " + std::to_string(options_.max_message_size)
                      : std::string("SIZE"));
  if (security_.tls != nullptr && !tls_active_) lines.push_back("STARTTLS");
  if (security_.auth != nullptr && security_.auth->authenticated() == nullptr) {
    std::vector<std::string> mechanisms = security_.auth->Mechanisms();
    if (!mechanisms.empty()) lines.push_back("AUTH " + Join(mechanisms, " "));
  }
  conn_.Write(protocol::FormatSmtpReplyLines(250, "", lines));
  return Next::kContinue;
}

Session::Next Session::Mail(const SmtpCommand& command) {
  if (!greeted_) {
    Send(503, "5.5.1", "Send LHLO first");
    return Next::kContinue;
  }
  if (txn_.active) {
    Send(503, "5.5.1", "Nested MAIL command");
    return Next::kContinue;
  }
  if (!MayTransact()) return Next::kContinue;
  Result<protocol::MailFromArgs> from = protocol::ParseMailFrom(command.argument);
  if (!from.ok()) {
    if (from.status().Is(Code::kUnsupported)) {
      Send(555, "5.5.4", "Unsupported MAIL parameter");
    } else {
      Send(501, "5.5.4", "Syntax error in MAIL parameters");
    }
    return Next::kContinue;
  }
  if (from->body == protocol::BodyType::kBinaryMime) {
    Send(555, "5.5.4", "BINARYMIME is not supported");
    return Next::kContinue;
  }
  if (from->size.has_value() && options_.max_message_size > 0 &&
      *from->size > options_.max_message_size) {
    // RFC 1870 §6.1: refuse at MAIL what could never be accepted.
    Send(552, "5.3.4", "Message size exceeds fixed limit");
    return Next::kContinue;
  }
  txn_.active = true;
  txn_.from = std::move(*from);
  Send(250, "2.1.0", "Ok");
  return Next::kContinue;
}

Session::Next Session::Rcpt(const SmtpCommand& command) {
  if (!txn_.active) {
    Send(503, "5.5.1", "Need MAIL command");
    return Next::kContinue;
  }
  Result<protocol::RcptToArgs> to = protocol::ParseRcptTo(command.argument, protocol::DomainRule::kOptional);
  if (!to.ok()) {
    if (to.status().Is(Code::kUnsupported)) {
      Send(555, "5.5.4", "Unsupported RCPT parameter");
    } else {
      Send(501, "5.1.3", "Bad recipient address syntax");
    }
    return Next::kContinue;
  }
  if (txn_.recipients.size() >= options_.max_recipients) {
    Send(452, "4.5.3", "Too many recipients");
    return Next::kContinue;
  }
  Result<Recipient> recipient = deliverer_.Resolve(to->path);
  if (!recipient.ok()) {
    // An address that names no mailbox is, to the sender, an unknown user.
    const Status status = recipient.status().Is(Code::kInvalid)
                              ? Status::NotFound(recipient.status().message())
                              : recipient.status();
    log::Info("rcpt refused: session=%s rcpt=<%s> status=%s", options_.session_id.c_str(),
              to->path.Address().c_str(), recipient.status().ToString().c_str());
    Send(ReplyFor(status, ReplyContext::kRcpt, options_.reply));
    return Next::kContinue;
  }
  txn_.recipients.push_back(std::move(*recipient));
  Send(ReplyFor(Status(), ReplyContext::kRcpt, options_.reply));
  return Next::kContinue;
}

Session::Next Session::Vrfy(const SmtpCommand& command) {
  // Who has a mailbox here is for the MTAs this server trusts.
  if (!MayTransact()) return Next::kContinue;
  std::string_view argument = TrimWhitespace(command.argument);
  // VRFY takes a path or a bare address ("VRFY alice", RFC 5321 §3.5.1).
  Result<protocol::MailPath> path = Status::Invalid("empty");
  if (!argument.empty() && argument.front() == '<') {
    size_t consumed = 0;
    path = protocol::ParseMailPath(argument, false, protocol::DomainRule::kOptional, &consumed);
  } else if (!argument.empty() && argument.find_first_of(" <>") == std::string_view::npos) {
    const size_t at = argument.rfind('@');
    path = protocol::MailPath{std::string(argument.substr(0, at)),
                              at == std::string_view::npos ? std::string()
                                                           : std::string(argument.substr(at + 1))};
  }
  if (!path.ok() || path->local_part.empty()) {
    Send(501, "5.5.4", "Syntax: VRFY address");
    return Next::kContinue;
  }
  Result<Recipient> recipient = deliverer_.Resolve(*path);
  if (!recipient.ok()) {
    const Status status = recipient.status().Is(Code::kInvalid)
                              ? Status::NotFound(recipient.status().message())
                              : recipient.status();
    Send(ReplyFor(status, ReplyContext::kRcpt, options_.reply));
    return Next::kContinue;
  }
  Send(250, "2.1.5", "<" + path->Address() + ">");
  return Next::kContinue;
}

}  // namespace satrap::lmtpd
