// Session: the read-dispatch-reply loop of one POP3 connection (session.h).
#include "session.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <random>

#include "auth/login_log.h"
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"
#include "net/peer.h"
#include "reply.h"
#include "tls/server_context.h"

namespace satrap::pop3d {
namespace {

// RFC 1939 §3: an autologout timer must be at least 10 minutes.
constexpr std::chrono::seconds kMinIdleTimeout{10 * 60};
// RFC 2449 §4 bounds commands to 255 octets, but SASL responses (RFC 5034)
// carry Kerberos tickets of several kilobytes.
constexpr size_t kMaxLine = 32 * 1024;
// After this many unusable commands in a row the client is not speaking POP3.
constexpr int kMaxBadCommands = 20;
// After this many failed logins the session ends (each one already paused).
constexpr int kMaxLoginFailures = 5;

std::string HostName() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

Session::Session(Server& server, service::Context& ctx, net::Connection& conn)
    : server_(server), ctx_(ctx), conn_(conn) {
  id_ = StringPrintf("%s-%d-%ld-%d", HostName().c_str(), static_cast<int>(::getpid()),
                     static_cast<long>(::time(nullptr)), ++server_.sessions_started);
  net::PeerInfo remote = net::DescribePeer(conn.fd(), ctx.config.GetBool("reverse_lookups"));
  net::PeerInfo local = net::DescribeLocal(conn.fd());
  peer_ = remote.ToString();
  peer_is_unix_ = remote.is_unix;
  local_sasl_ = local.SaslIpPort();
  remote_sasl_ = remote.SaslIpPort();

  net::ConnectionLimits limits = conn.limits();
  limits.max_line = kMaxLine;
  // -T (tests) sets the idle timeout directly; otherwise poptimeout, never
  // below RFC 1939's 10 minutes.
  if (limits.idle_timeout.count() == 0) {
    limits.idle_timeout =
        std::max(std::chrono::seconds(ctx.config.GetDuration("poptimeout")), kMinIdleTimeout);
  }
  conn.set_limits(limits);
  NewAuthSession();
}

Session::~Session() = default;

void Session::NewAuthSession() {
  auth::SessionOptions options;
  options.service = ctx_.service_name;
  options.sasl_service = auth::kSaslServicePop;
  options.local_address = local_sasl_;
  options.remote_address = remote_sasl_;
  options.success_data = false;  // RFC 5034 §4: "+OK" carries no SASL data
  Result<std::unique_ptr<auth::AuthSession>> auth =
      auth::AuthSession::Create(options, server_.groups.get());
  auth_.reset();
  if (!auth.ok()) {
    log::Error("SASL session: %s session=%s", auth.status().ToString().c_str(), id_.c_str());
    return;
  }
  auth_ = std::move(*auth);
  Status s;
  // A local socket is as private as TLS (Cyrus gives it ssf 2).
  if (tls_active_) {
    s = auth_->SetSecureChannel(tls_ssf_, tls_external_id_);
  } else if (peer_is_unix_) {
    s = auth_->SetSecureChannel(2);
  }
  if (!s.ok()) log::Warning("SASL ssf: %s session=%s", s.ToString().c_str(), id_.c_str());
}

void Session::Run() {
  log::Info("accepted connection from %s session=%s", peer_.c_str(), id_.c_str());
  if (ctx_.tls_from_start) {
    Status tls = StartTls();
    if (!tls.ok()) {
      log::Notice("pop3s TLS negotiation failed: %s peer=%s session=%s", tls.ToString().c_str(),
                  peer_.c_str(), id_.c_str());
      return;
    }
  }
  if (!Greet()) return;
  while (!ending_) {
    Result<std::string> line = conn_.ReadLine();
    if (!line.ok()) {
      if (line.code() == Code::kTooBig) {
        // The connection has discarded the rest of the line; go on.
        conn_.Write(Err("", "Line too long"));
        if (++bad_in_a_row_ < kMaxBadCommands) continue;
        conn_.Write(Err("", "Too many invalid commands"));
      } else if (line.code() == Code::kTimeout) {
        conn_.Write(Err("", "Autologout; idle for too long"));
      }
      break;
    }
    Execute(*line);
    if (!conn_.Flush().ok()) break;
  }
  (void)conn_.Flush();
  LogEnd();
}

std::string Session::ApopChallenge() const {
  // RFC 1939 §7: a timestamp unique to this greeting, "<process-ID.clock@hostname>".
  std::random_device random;
  return StringPrintf("<%d.%ld.%u@%s>", static_cast<int>(::getpid()),
                      static_cast<long>(::time(nullptr)), static_cast<unsigned>(random()),
                      HostName().c_str());
}

bool Session::Greet() {
  if (auth_ != nullptr && config().GetBool("allowapop") && auth_->ApopAvailable()) {
    apop_challenge_ = ApopChallenge();
  }
  const std::string& servername = config().GetString("servername");
  std::string greeting = "+OK " + (servername.empty() ? HostName() : servername);
  greeting += config().GetString("serverinfo") == "on" ? " Satrap POP3 server ready"
                                                       : " POP3 server ready";
  if (!apop_challenge_.empty()) greeting += " " + apop_challenge_;
  conn_.Write(greeting + "\r\n");
  return conn_.Flush().ok();
}

void Session::Execute(const std::string& line) {
  Result<Command> command = ParseCommand(line);
  const CommandEntry* entry = command.ok() ? FindCommand(command->keyword) : nullptr;
  if (entry == nullptr) {
    conn_.Write(Err("", "Unrecognized command"));
  } else if ((entry->states & state_) == 0) {
    conn_.Write(Err("", state_ == kAuthorization ? "Not allowed before login"
                                                 : "Not allowed after login"));
  } else {
    bad_in_a_row_ = 0;
    entry->handler(*this, *command);
    return;
  }
  if (++bad_in_a_row_ >= kMaxBadCommands) {
    conn_.Write(Err("", "Too many invalid commands"));
    ending_ = true;
  }
}

void Session::Ok(std::string_view text) {
  std::string reply = "+OK";
  if (!text.empty()) reply.append(" ").append(text);
  reply.append("\r\n");
  conn_.Write(reply);
}

void Session::ErrStatus(const Status& status, std::string_view what) {
  log::Notice("%.*s: %s user=%s session=%s", static_cast<int>(what.size()), what.data(),
              status.ToString().c_str(), user_ ? user_->userid.c_str() : "-", id_.c_str());
  conn_.Write(ErrLine(status, id_));
}

void Session::MessageErrStatus(const Status& status, std::string_view what) {
  log::Notice("%.*s: %s user=%s session=%s", static_cast<int>(what.size()), what.data(),
              status.ToString().c_str(), user_ ? user_->userid.c_str() : "-", id_.c_str());
  conn_.Write(MessageErrLine(status, id_));
}

Status Session::StartTls() {
  tls::TlsInfo info;
  net::Deadline deadline = net::Clock::now() + conn_.limits().io_timeout;
  SATRAP_RETURN_IF_ERROR(tls::StartTls(conn_, *server_.tls, deadline, &info));
  tls_active_ = true;
  tls_ssf_ = static_cast<unsigned>(info.bits);
  tls_external_id_ = info.peer_verified ? info.peer_cn : "";
  if (auth_ != nullptr) {
    Status s = auth_->SetSecureChannel(tls_ssf_, tls_external_id_);
    if (!s.ok()) log::Warning("SASL ssf: %s session=%s", s.ToString().c_str(), id_.c_str());
  }
  log::Notice("starttls: %s session=%s", info.ToString().c_str(), id_.c_str());
  return Status();
}

void Session::LoggedIn(const auth::Authenticated& who) {
  auth::LogLogin(peer_, who, tls_active_);
  pending_user_.reset();
  Result<std::unique_ptr<Maildrop>> maildrop =
      Maildrop::Open(*server_.store, who.identity, mailbox::MaildropOptions::FromConfig(config()),
                     ParseUidlFormat(config().GetString("uidl_format")));
  if (!maildrop.ok()) {
    log::Notice("open maildrop: %s user=%s session=%s", maildrop.status().ToString().c_str(),
                who.userid.c_str(), id_.c_str());
    conn_.Write(ErrLine(maildrop.status(), id_));
    // The login is spent: a new exchange starts from scratch.
    NewAuthSession();
    return;
  }
  maildrop_ = std::move(*maildrop);
  user_ = who;
  state_ = kTransaction;
  if (ctx_.proc != nullptr) ctx_.proc->Update(who.userid, "INBOX");
  Ok(StringPrintf("Mailbox locked and ready SESSIONID=<%s>", id_.c_str()));
}

void Session::LoginFailed(const std::string& line) {
  pending_user_.reset();
  if (auth_ != nullptr) auth_->PauseAfterFailure();
  conn_.Write(line);
  if (auth_ == nullptr || auth_->failures() >= kMaxLoginFailures) {
    conn_.Write(Err("", "Too many login failures"));
    ending_ = true;
  }
}

void Session::LogEnd() {
  const std::string& reason = conn_.DisconnectReason();
  log::Info("session ended: user=%s in=%llu out=%llu reason=%s session=%s",
            user_ ? user_->userid.c_str() : "-",
            static_cast<unsigned long long>(conn_.bytes_in()),
            static_cast<unsigned long long>(conn_.bytes_out()),
            reason.empty() ? "quit" : reason.c_str(), id_.c_str());
}

}  // namespace satrap::pop3d
