// A test-only worker built on the service skeleton, for the cyrmaster e2e
// tests. Stream protocol (one line per command):
//   greeting   "+OK echo service=<name> pid=<pid> uid=<euid> time=<epoch.micro>"
//   PID        "+OK <pid>"
//   UID        "+OK <euid>"
//   NODELAY    "+OK <0|1>": TCP_NODELAY on the connection's socket
//   SLEEP n    waits n seconds, then "+OK slept"
//   QUIT       "+OK bye", closes
//   anything   echoed back as is
// Datagram (proto=udp): answers each datagram with "<pid> <datagram>".
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

#include "base/strings.h"
#include "service/service.h"

namespace {

using satrap::StringPrintf;

std::string Now() {
  timeval tv;
  ::gettimeofday(&tv, nullptr);
  return StringPrintf("%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

void Serve(satrap::service::Context& ctx, satrap::net::Connection& conn) {
  conn.Write(StringPrintf("+OK echo service=%s pid=%d uid=%d time=%s\r\n", ctx.service_name.c_str(),
                          ::getpid(), ::geteuid(), Now().c_str()));
  if (ctx.proc != nullptr) ctx.proc->Update("tester", "INBOX");
  for (;;) {
    satrap::Result<std::string> line = conn.ReadLine();
    if (!line.ok()) return;
    std::string upper = satrap::AsciiUpper(*line);
    if (upper == "QUIT") {
      conn.Write("+OK bye\r\n");
      return;
    } else if (upper == "PID") {
      conn.Write(StringPrintf("+OK %d\r\n", ::getpid()));
    } else if (upper == "NODELAY") {
      int value = 0;
      socklen_t len = sizeof value;
      if (::getsockopt(conn.fd(), IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0) value = -1;
      conn.Write(StringPrintf("+OK %d\r\n", value));
    } else if (upper == "UID") {
      conn.Write(StringPrintf("+OK %d\r\n", ::geteuid()));
    } else if (upper.rfind("SLEEP ", 0) == 0) {
      std::optional<uint64_t> seconds = satrap::ParseUint64(line->substr(6));
      if (seconds && *seconds <= 60) ::sleep(static_cast<unsigned>(*seconds));
      conn.Write("+OK slept\r\n");
    } else {
      conn.Write(*line + "\r\n");
    }
    if (!conn.Flush().ok()) return;
  }
}

void ServeDatagram(satrap::service::Context& ctx, int fd) {
  char buf[2048];
  sockaddr_storage from;
  socklen_t from_len = sizeof from;
  ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from),
                         &from_len);
  if (n < 0) return;  // another worker took it
  std::string reply = std::to_string(::getpid()) + " " + std::string(buf, static_cast<size_t>(n));
  ::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
}

}  // namespace

int main(int argc, char** argv) {
  satrap::service::ServerSpec spec;
  spec.name = "echo_service";
  spec.serve = Serve;
  spec.serve_datagram = ServeDatagram;
  return satrap::service::Main(argc, argv, spec);
}
