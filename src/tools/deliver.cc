// deliver: hands one message from stdin to lmtpd over its unix socket
// (imapd.conf `lmtpsocket`), the way MTAs without LMTP call Cyrus:
//
//   deliver [-C imapd.conf] [-m folder] [-a authuser] [-f|-r from] [-e] [-q] [user...]
//
// Each user gets the message in INBOX, or in folder `-m` (user+folder: the
// folder if the poster may post there, else INBOX). With -m and no user the
// message goes to the shared folder (postuser+folder, a bulletin board).
// Lines may end in LF or CRLF on stdin; lmtpd gets CRLF. -a is passed as
// the MAIL AUTH= parameter; -e (duplicate suppression: lmtpd decides) and
// -q (quota override: not offered over LMTP) are accepted and ignored with
// a note.
//
// Exit codes (sysexits.h), the worst over all recipients: EX_OK when every
// recipient got 250; EX_TEMPFAIL for any 4xx or when lmtpd cannot be
// reached (the MTA retries); EX_NOUSER for 5.1.1; EX_NOPERM for 5.7.x;
// EX_DATAERR for 5.6.x and 5.3.4; EX_UNAVAILABLE for other 5xx; EX_USAGE,
// EX_CONFIG.
#include <sys/socket.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/file.h"
#include "config/imapd_config.h"
#include "log/log.h"
#include "net/connection.h"

namespace satrap {
namespace {

struct Args {
  std::string config_path;
  std::string folder;
  std::string authuser;
  std::string from;
  std::vector<std::string> users;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: deliver [-C imapd.conf] [-m folder] [-a authuser] [-f from] [user...]\n");
  std::exit(EX_USAGE);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:m:a:f:r:eqld")) != -1) {
    switch (opt) {
      case 'C': args.config_path = optarg; break;
      case 'm': args.folder = optarg; break;
      case 'a': args.authuser = optarg; break;
      case 'f': case 'r': args.from = optarg; break;
      case 'e': case 'q': case 'd':
        log::Notice("deliver: -%c ignored (lmtpd applies its own configuration)", opt);
        break;
      case 'l':
        log::Error("deliver: -l (LMTP on stdin) is not supported; point the MTA at lmtpd");
        std::exit(EX_USAGE);
      default: Usage();
    }
  }
  for (int i = optind; i < argc; ++i) args.users.emplace_back(argv[i]);
  if (args.users.empty() && args.folder.empty()) Usage();
  return args;
}

// Exit code for one reply; bigger is worse (EX_TEMPFAIL wins over all).
int ExitCodeFor(int code, const std::string& text) {
  if (code < 400) return EX_OK;
  if (code < 500) return EX_TEMPFAIL;
  if (text.rfind("5.1.1", 0) == 0) return EX_NOUSER;
  if (text.rfind("5.7.", 0) == 0) return EX_NOPERM;
  if (text.rfind("5.6.", 0) == 0 || text.rfind("5.3.4", 0) == 0) return EX_DATAERR;
  return EX_UNAVAILABLE;
}

int Worse(int a, int b) {
  auto rank = [](int c) { return c == EX_OK ? 0 : c == EX_TEMPFAIL ? 2 : 1; };
  return rank(b) > rank(a) ? b : a;
}

Result<std::unique_ptr<net::Connection>> Connect(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket", errno);
  UniqueFd owned(fd);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return Status::Invalid("lmtpsocket path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Status::FromErrno("connect " + path, errno);
  }
  net::ConnectionLimits limits;
  limits.idle_timeout = std::chrono::seconds(600);
  return std::make_unique<net::Connection>(net::MakeSocketTransport(std::move(owned)), limits);
}

struct Reply {
  int code = 0;
  std::string text;  // last line, without the code
};

Result<Reply> ReadReply(net::Connection& conn) {
  while (true) {
    SATRAP_ASSIGN_OR_RETURN(std::string line, conn.ReadLine());
    if (line.size() < 3) return Status::Invalid("short reply: " + line);
    if (line.size() > 3 && line[3] == '-') continue;
    return Reply{std::atoi(line.substr(0, 3).c_str()), line.size() > 4 ? line.substr(4) : ""};
  }
}

Result<Reply> Command(net::Connection& conn, const std::string& line) {
  conn.Write(line + "\r\n");
  return ReadReply(conn);
}

// Streams stdin as dot-stuffed CRLF lines.
Status SendBody(net::Connection& conn) {
  char* line = nullptr;
  size_t capacity = 0;
  ssize_t length;
  while ((length = ::getline(&line, &capacity, stdin)) > 0) {
    std::string_view text(line, static_cast<size_t>(length));
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty() && text.front() == '.') conn.Write(".");
    conn.Write(text);
    conn.Write("\r\n");
  }
  std::free(line);
  if (std::ferror(stdin)) return Status::IoError("read stdin");
  conn.Write(".\r\n");
  return Status();
}

std::string Xtext(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 33 || c > 126 || c == '+' || c == '=') {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "+%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The RCPT addresses: user[+folder][@domain], or +folder for a board.
std::vector<std::string> Recipients(const Args& args) {
  std::vector<std::string> recipients;
  if (args.users.empty()) {
    recipients.push_back("+" + args.folder);
    return recipients;
  }
  for (const std::string& user : args.users) {
    const size_t at = user.find('@');
    std::string local = user.substr(0, at);
    if (!args.folder.empty()) local += "+" + args.folder;
    recipients.push_back(at == std::string::npos ? local : local + user.substr(at));
  }
  return recipients;
}

int Deliver(const Args& args, const std::string& socket_path) {
  Result<std::unique_ptr<net::Connection>> connected = Connect(socket_path);
  if (!connected.ok()) {
    log::Error("deliver: %s", connected.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  std::unique_ptr<net::Connection> conn = std::move(*connected);
  auto fail = [](const Status& s) {
    log::Error("deliver: lmtpd: %s", s.ToString().c_str());
    return EX_TEMPFAIL;
  };
  Result<Reply> reply = ReadReply(*conn);
  if (!reply.ok() || reply->code != 220) return fail(reply.ok() ? Status::TempFail("greeting") : reply.status());
  reply = Command(*conn, "LHLO deliver");
  if (!reply.ok() || reply->code != 250) return fail(reply.ok() ? Status::TempFail("LHLO") : reply.status());
  std::string mail = "MAIL FROM:<" + args.from + ">";
  if (!args.authuser.empty()) mail += " AUTH=" + Xtext(args.authuser);
  reply = Command(*conn, mail);
  if (!reply.ok()) return fail(reply.status());
  if (reply->code != 250) {
    log::Error("deliver: MAIL refused: %d %s", reply->code, reply->text.c_str());
    return ExitCodeFor(reply->code, reply->text);
  }
  const std::vector<std::string> recipients = Recipients(args);
  int result = EX_OK;
  size_t accepted = 0;
  for (const std::string& rcpt : recipients) {
    reply = Command(*conn, "RCPT TO:<" + rcpt + ">");
    if (!reply.ok()) return fail(reply.status());
    if (reply->code == 250) {
      ++accepted;
    } else {
      log::Error("deliver: %s: %d %s", rcpt.c_str(), reply->code, reply->text.c_str());
      result = Worse(result, ExitCodeFor(reply->code, reply->text));
    }
  }
  if (accepted == 0) return result;
  reply = Command(*conn, "DATA");
  if (!reply.ok()) return fail(reply.status());
  if (reply->code != 354) return Worse(result, ExitCodeFor(reply->code, reply->text));
  Status sent = SendBody(*conn);
  if (!sent.ok()) return fail(sent);
  for (size_t i = 0; i < accepted; ++i) {
    reply = ReadReply(*conn);
    if (!reply.ok()) return fail(reply.status());
    if (reply->code != 250) {
      log::Error("deliver: %d %s", reply->code, reply->text.c_str());
      result = Worse(result, ExitCodeFor(reply->code, reply->text));
    }
  }
  (void)Command(*conn, "QUIT");
  return result;
}

int Run(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "deliver";
  log_options.to_stderr = true;
  log::Init(log_options);
  Args args = ParseArgs(argc, argv);
  config::Config config = config::LoadOrExit(args.config_path);
  return Deliver(args, config.GetString("lmtpsocket"));
}

}  // namespace
}  // namespace satrap

int main(int argc, char** argv) { return satrap::Run(argc, argv); }
