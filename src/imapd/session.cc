// Session: the read-dispatch-respond loop of one IMAP connection (session.h).
#include "session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "auth/login_log.h"
#include "base/check.h"
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"
#include "net/peer.h"
#include "tls/server_context.h"

namespace satrap::imapd {
namespace {

// RFC 3501 §5.4: an autologout timer must be at least 30 minutes.
constexpr std::chrono::seconds kMinIdleTimeout{30 * 60};
// After this many unusable commands in a row the client is not speaking IMAP.
constexpr int kMaxBadCommands = 20;
// After this many failed logins the session ends (each one already paused).
constexpr int kMaxLoginFailures = 5;
// Literal bytes are moved in pieces of this size (never the whole literal).
constexpr size_t kLiteralChunk = 64 * 1024;
// APPEND literals of one command kept in memory, in all (StreamLiteral).
constexpr uint64_t kInMemoryLiterals = 256 * 1024;

protocol::ImapLimits ParserLimits(const config::Config& config) {
  protocol::ImapLimits limits;
  int64_t maxword = config.GetInt("maxword");
  limits.max_line = static_cast<size_t>(std::clamp<int64_t>(maxword, 8192, 1 << 20));
  int64_t maxliteral = config.GetInt("maxliteral");
  if (maxliteral > 0) limits.max_literal = static_cast<uint64_t>(maxliteral);
  limits.max_command = std::max<uint64_t>(limits.max_command, limits.max_literal * 2);
  limits.max_depth = 16;
  return limits;
}

std::string MakeSessionId(const std::string& host, int count) {
  return StringPrintf("%s-%d-%ld-%d", host.c_str(), static_cast<int>(::getpid()),
                      static_cast<long>(::time(nullptr)), count);
}

std::string HostName() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

Session::Session(Server& server, service::Context& ctx, net::Connection& conn)
    : server_(server), ctx_(ctx), conn_(conn), parser_(ParserLimits(ctx.config)) {
  id_ = MakeSessionId(HostName(), ++server_.sessions_started);
  net::PeerInfo remote = net::DescribePeer(conn.fd(), ctx.config.GetBool("reverse_lookups"));
  net::PeerInfo local = net::DescribeLocal(conn.fd());
  peer_ = remote.ToString();

  net::ConnectionLimits limits = conn.limits();
  limits.max_line = ParserLimits(ctx.config).max_line;
  // -T (tests) sets the idle timeout directly; otherwise `timeout`, which
  // may not go below RFC 3501's 30 minutes.
  if (limits.idle_timeout.count() == 0) {
    limits.idle_timeout =
        std::max(std::chrono::seconds(ctx.config.GetDuration("timeout")), kMinIdleTimeout);
  }
  conn.set_limits(limits);
  int64_t max_message = ctx.config.GetInt("maxmessagesize");
  max_message_size_ = max_message > 0 ? static_cast<uint64_t>(max_message) : 0;

  auth::SessionOptions options;
  options.service = ctx.service_name;
  options.sasl_service = "imap";
  options.local_address = local.SaslIpPort();
  options.remote_address = remote.SaslIpPort();
  options.success_data = false;
  Result<std::unique_ptr<auth::AuthSession>> auth =
      auth::AuthSession::Create(options, server.groups.get());
  if (auth.ok()) {
    auth_ = std::move(*auth);
    // A local socket is as private as TLS (Cyrus gives it ssf 2).
    if (remote.is_unix) (void)auth_->SetSecureChannel(2);
  } else {
    log::Error("SASL session: %s session=%s", auth.status().ToString().c_str(), id_.c_str());
  }
}

Session::~Session() = default;

void Session::Run() {
  log::Info("accepted connection from %s session=%s", peer_.c_str(), id_.c_str());
  if (ctx_.tls_from_start) {
    Status tls = StartTls();
    if (!tls.ok()) {
      log::Notice("TLS negotiation failed: %s peer=%s session=%s", tls.ToString().c_str(),
                  peer_.c_str(), id_.c_str());
      return;
    }
  }
  if (!Greet()) return;
  while (!ending_) {
    protocol::ImapCommand command;
    std::vector<SpooledLiteral> spooled;
    ReadOutcome outcome = ReadCommand(&command, &spooled);
    if (outcome == ReadOutcome::kEnd) break;
    if (outcome == ReadOutcome::kCommand) Execute(std::move(command), std::move(spooled));
    if (!conn_.Flush().ok()) break;
  }
  (void)conn_.Flush();
  if (said_bye_) DrainBeforeClose();
  LogEnd();
}

// After an unsolicited BYE the client may still be sending (pipelined
// commands, a literal). Closing a socket with unread input makes the kernel
// send RST, which destroys our BYE and replies still in flight; so stop
// writing, and read and drop input for a moment until the client closes.
void Session::DrainBeforeClose() {
  ::shutdown(conn_.fd(), SHUT_WR);
  net::Deadline end = net::Clock::now() + std::chrono::seconds(2);
  char buf[4096];
  while (net::Clock::now() < end) {
    pollfd pfd = {conn_.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 200) <= 0) continue;
    ssize_t n = ::recv(conn_.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
  }
}

bool Session::Greet() {
  std::string greeting = "* OK [CAPABILITY " + Capabilities() + "] ";
  const std::string& servername = config().GetString("servername");
  greeting += servername.empty() ? HostName() : servername;
  if (config().GetString("serverinfo") == "on") {
    greeting += " Satrap IMAP server ready\r\n";
  } else {
    greeting += " IMAP server ready\r\n";
  }
  conn_.Write(greeting);
  return conn_.Flush().ok();
}

Session::ReadOutcome Session::ReadCommand(protocol::ImapCommand* command,
                                          std::vector<SpooledLiteral>* spooled) {
  for (;;) {
    switch (parser_.state()) {
      case protocol::ImapParser::State::kCommand:
        *command = parser_.TakeCommand();
        return ReadOutcome::kCommand;
      case protocol::ImapParser::State::kLiteral: {
        ReadOutcome outcome = HandleLiteral(spooled);
        if (outcome == ReadOutcome::kEnd) return outcome;
        continue;
      }
      case protocol::ImapParser::State::kError:
        spooled->clear();
        return HandleParseError();
      case protocol::ImapParser::State::kNeedMore:
        break;
    }
    if (!pending_input_.empty()) {
      size_t used = parser_.Feed(pending_input_);
      pending_input_.erase(0, used);
      continue;
    }
    if (parser_.LiteralBytesRemaining() > 0) {
      // On the heap: a 64 KB array here would put every idle wait below it,
      // out of reach of ReleaseIdleMemory's stack trimming.
      size_t want = static_cast<size_t>(
          std::min<uint64_t>(parser_.LiteralBytesRemaining(), kLiteralChunk));
      std::unique_ptr<char[]> buf = std::make_unique_for_overwrite<char[]>(want);
      Result<size_t> got = conn_.ReadSome(std::span<char>(buf.get(), want));
      if (!got.ok()) return ReadOutcome::kEnd;
      size_t used = parser_.Feed(std::string_view(buf.get(), *got));
      CHECK(used == *got);
      continue;
    }
    Result<std::string> line = conn_.ReadLine();
    if (!line.ok()) {
      if (line.code() == Code::kTooBig) {
        // The rest of the line is gone, and with it maybe a literal
        // announcement: the command stream cannot be trusted any more.
        SayBye("[TOOBIG] Command line too long");
      } else if (line.code() == Code::kTimeout) {
        SayBye("Autologout; idle for too long");
      }
      return ReadOutcome::kEnd;
    }
    pending_input_ = std::move(*line);
    pending_input_ += "\r\n";
  }
}

Session::ReadOutcome Session::HandleLiteral(std::vector<SpooledLiteral>* spooled) {
  const protocol::PendingLiteral literal = parser_.pending_literal();
  // APPEND's message literals (any literal after the mailbox name) go to a
  // spool file; the mailbox name itself is small and parsed as usual.
  bool message = parser_.command_name() == "APPEND" && !parser_.args_so_far().empty();
  if (message) {
    if (max_message_size_ != 0 && literal.size > max_message_size_) {
      conn_.Write(parser_.tag() + " NO [TOOBIG] Message too big\r\n");
      parser_.RejectLiteral();
      spooled->clear();
      return ReadOutcome::kContinue;
    }
    if (literal.synchronizing && spooled->empty()) {
      std::string refusal = RefuseAppendEarly(*this, parser_.args_so_far()[0]);
      if (!refusal.empty()) {
        conn_.Write(parser_.tag() + " " + refusal + "\r\n");
        parser_.RejectLiteral();
        return ReadOutcome::kContinue;
      }
    }
    if (literal.synchronizing && !Responder(conn_, "", id_).Continue("Ready for literal data").ok()) {
      return ReadOutcome::kEnd;
    }
    if (!StreamLiteral(literal.size, spooled).ok()) return ReadOutcome::kEnd;
    parser_.LiteralStreamed();
    return ReadOutcome::kContinue;
  }
  if (!parser_.AcceptLiteral().ok()) {
    conn_.Write(parser_.tag() + " BAD [TOOBIG] Literal too big\r\n");
    parser_.RejectLiteral();
    spooled->clear();
    if (++bad_in_a_row_ >= kMaxBadCommands) {
      SayBye("Too many invalid commands");
      return ReadOutcome::kEnd;
    }
    return ReadOutcome::kContinue;
  }
  if (literal.synchronizing && !Responder(conn_, "", id_).Continue("go ahead").ok()) {
    return ReadOutcome::kEnd;
  }
  return ReadOutcome::kContinue;
}

// Moves `size` literal bytes from the connection into memory when small (as
// long as the command's literals kept in memory stay within
// kInMemoryLiterals), else to an unlinked spool file in temp_path. If the
// spool cannot be written (disk full) the bytes are still read, so the
// command stream stays in step, and the literal is recorded without a
// descriptor (APPEND then answers NO).
Status Session::StreamLiteral(uint64_t size, std::vector<SpooledLiteral>* spooled) {
  SpooledLiteral literal;
  literal.size = size;
  uint64_t in_memory = size;
  for (const SpooledLiteral& earlier : *spooled) {
    if (earlier.bytes) in_memory += earlier.size;
  }
  if (in_memory <= kInMemoryLiterals) {
    std::string bytes;
    SATRAP_RETURN_IF_ERROR(conn_.ReadExact(static_cast<size_t>(size), &bytes));
    literal.bytes = std::move(bytes);
    spooled->push_back(std::move(literal));
    return Status();
  }
  const std::string& temp = config().GetString("temp_path");
  int fd = ::open(temp.empty() ? "/tmp" : temp.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    log::Error("spool literal in %s: %m session=%s", temp.c_str(), id_.c_str());
  } else {
    literal.fd = UniqueFd(fd);
  }
  uint64_t remaining = size;
  char buf[kLiteralChunk];
  while (remaining > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(remaining, sizeof buf));
    Result<size_t> got = conn_.ReadSome(std::span<char>(buf, want));
    if (!got.ok()) return got.status();
    remaining -= *got;
    if (literal.fd.valid() && !WriteAll(literal.fd.get(), std::string_view(buf, *got)).ok()) {
      log::Error("spool literal: write failed session=%s", id_.c_str());
      literal.fd = UniqueFd();
    }
  }
  spooled->push_back(std::move(literal));
  return Status();
}

Session::ReadOutcome Session::HandleParseError() {
  protocol::ImapParseError error = parser_.TakeError();
  std::string line = error.tag.empty() ? "*" : error.tag;
  line += " BAD " + error.message + "\r\n";
  conn_.Write(line);
  if (++bad_in_a_row_ >= kMaxBadCommands) {
    SayBye("Too many invalid commands");
    return ReadOutcome::kEnd;
  }
  return ReadOutcome::kContinue;
}

void Session::Execute(protocol::ImapCommand command, std::vector<SpooledLiteral> spooled) {
  Responder r(conn_, command.tag, id_);
  Args args;
  args.name = command.name;
  args.args = std::move(command.args);
  args.spooled = std::move(spooled);
  if (args.name == "UID") {
    if (args.args.empty() || !args.args[0].IsAtom()) {
      r.Bad("Missing UID command");
      conn_.Write(r.tagged_line());
      return;
    }
    args.name = "UID " + AsciiUpper(args.args[0].text);
    args.uid = true;
    args.args.erase(args.args.begin());
  }
  const Command* entry = FindCommand(args.name);
  if (entry == nullptr) {
    r.Bad("Unrecognized command");
    ++bad_in_a_row_;
  } else if ((entry->states & state_) == 0) {
    if (state_ == kNotAuth) {
      r.Bad("Please login first");
    } else if (entry->states == kNotAuth) {
      r.Bad("Already authenticated");
    } else {
      r.Bad("Please select a mailbox first");
    }
  } else {
    bad_in_a_row_ = 0;
    entry->handler(*this, args, r);
    CHECK(r.done()) << "handler of " << args.name << " did not answer";
    RefreshSelected(args, entry->flags, r);
    if (r.completion() == Completion::kBad) ++bad_in_a_row_;
  }
  conn_.Write(r.tagged_line());
  if (bad_in_a_row_ >= kMaxBadCommands) {
    SayBye("Too many invalid commands");
    ending_ = true;
  }
}

Result<std::string> Session::ReadClientLine() { return conn_.ReadLine(); }

bool Session::HasPipelinedInput() const {
  return !pending_input_.empty() || conn_.HasBufferedInput();
}

Status Session::StartTls() {
  Result<tls::TlsServerContext*> context = TlsContext(server_);
  if (!context.ok()) {
    log::Error("TLS set-up: %s", context.status().ToString().c_str());
    return context.status();
  }
  tls::TlsInfo info;
  net::Deadline deadline = net::Clock::now() + conn_.limits().io_timeout;
  SATRAP_RETURN_IF_ERROR(tls::StartTls(conn_, **context, deadline, &info));
  tls_active_ = true;
  if (auth_ != nullptr) {
    Status s = auth_->SetSecureChannel(static_cast<unsigned>(info.bits),
                                       info.peer_verified ? info.peer_cn : "");
    if (!s.ok()) log::Warning("SASL ssf: %s session=%s", s.ToString().c_str(), id_.c_str());
  }
  log::Notice("starttls: %s session=%s", info.ToString().c_str(), id_.c_str());
  return Status();
}

void Session::LoggedIn(const auth::Authenticated& who) {
  user_ = who;
  state_ = kAuth;
  auth::LogLogin(peer_, who, tls_active_);
  // autocreate_quota: a user's first login creates her INBOX.
  if (store().options().autocreate && !who.identity.anonymous) {
    Status created = store().CreateUser(who.userid);
    if (!created.ok() && !created.Is(Code::kExists)) {
      log::Warning("autocreate INBOX for %s: %s session=%s", who.userid.c_str(),
                   created.ToString().c_str(), id_.c_str());
    }
  }
  if (ctx_.proc != nullptr) ctx_.proc->Update(who.userid, "");
  // Nothing after login speaks SASL (no security layer, no second
  // AUTHENTICATE): close it, so that an idle session can give libsasl2 back.
  auth_.reset();
}

bool Session::LoginFailed() {
  if (auth_ != nullptr) auth_->PauseAfterFailure();
  return auth_ == nullptr || auth_->failures() >= kMaxLoginFailures;
}

void Session::SayBye(std::string_view text) {
  said_bye_ = true;
  std::string line = "* BYE ";
  line.append(text).append("\r\n");
  conn_.Write(line);
  (void)conn_.Flush();
}

void Session::LogEnd() {
  const std::string& reason = conn_.DisconnectReason();
  log::Info("session ended: user=%s in=%llu out=%llu reason=%s session=%s",
            user_ ? user_->userid.c_str() : "-",
            static_cast<unsigned long long>(conn_.bytes_in()),
            static_cast<unsigned long long>(conn_.bytes_out()),
            reason.empty() ? "logout" : reason.c_str(), id_.c_str());
}

}  // namespace satrap::imapd
