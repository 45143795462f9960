#include "net/listen.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace satrap::net {

namespace {

std::string DescribeAddress(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    return StringPrintf("%s:%d", host, ntohs(in->sin_port));
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
  ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  return StringPrintf("[%s]:%d", host, ntohs(in6->sin6_port));
}

int SocketTypeFlag(SocketType type) {
  return (type == SocketType::kStream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK;
}

Result<BoundSocket> BindUnix(const ListenAddress& address) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (address.unix_path.size() >= sizeof sun.sun_path) {
    return Status::Invalid("unix socket path too long: " + address.unix_path);
  }
  std::memcpy(sun.sun_path, address.unix_path.c_str(), address.unix_path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SocketTypeFlag(address.type), 0));
  if (!fd.valid()) return Status::FromErrno("socket " + address.unix_path, errno);
  struct stat st;
  if (::lstat(address.unix_path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Status::Exists("bind " + address.unix_path + ": exists and is not a socket");
    }
    ::unlink(address.unix_path.c_str());  // left behind by an earlier run
  }
  mode_t old_umask = ::umask(0);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun);
  int err = errno;
  ::umask(old_umask);
  if (rc != 0) return Status::FromErrno("bind " + address.unix_path, err);
  return BoundSocket{std::move(fd), address.unix_path, address.type};
}

// On failure *err holds the errno, so the caller can tell a missing address
// family from a real error.
Result<BoundSocket> BindInet(const addrinfo* ai, SocketType type, int* err) {
  std::string where = DescribeAddress(ai->ai_addr);
  UniqueFd fd(::socket(ai->ai_family, SocketTypeFlag(type), 0));
  if (!fd.valid()) {
    *err = errno;
    return Status::FromErrno("socket " + where, *err);
  }
  int on = 1;
  if (type == SocketType::kStream) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  if (ai->ai_family == AF_INET6) {
    // Without this, "::" also takes IPv4 and the 0.0.0.0 socket fails.
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    *err = errno;
    return Status::FromErrno("bind " + where, *err);
  }
  return BoundSocket{std::move(fd), where, type};
}

bool FamilyMissing(int err) {
  return err == EAFNOSUPPORT || err == EADDRNOTAVAIL || err == EPROTONOSUPPORT;
}

}  // namespace

Result<std::vector<BoundSocket>> BindListeners(const ListenAddress& address) {
  std::vector<BoundSocket> out;
  if (!address.unix_path.empty()) {
    SATRAP_ASSIGN_OR_RETURN(BoundSocket socket, BindUnix(address));
    out.push_back(std::move(socket));
    return out;
  }
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  hints.ai_family = address.family == AddressFamily::kIpv4   ? AF_INET
                    : address.family == AddressFamily::kIpv6 ? AF_INET6
                                                             : AF_UNSPEC;
  hints.ai_socktype = address.type == SocketType::kStream ? SOCK_STREAM : SOCK_DGRAM;
  std::string port = std::to_string(address.port);
  addrinfo* list = nullptr;
  const char* host = address.host.empty() ? nullptr : address.host.c_str();
  int rc = ::getaddrinfo(host, port.c_str(), &hints, &list);
  if (rc != 0) {
    return Status::Invalid(StringPrintf("resolve %s: %s", address.host.c_str(), gai_strerror(rc)));
  }
  Status first_error;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    int err = 0;
    Result<BoundSocket> socket = BindInet(ai, address.type, &err);
    if (socket.ok()) {
      out.push_back(std::move(socket).value());
      continue;
    }
    if (first_error.ok()) first_error = socket.status();
    // A host without IPv6 (or without ::1 on lo) still serves IPv4; anything
    // else (address in use, permission) is the admin's to fix.
    if (!FamilyMissing(err)) {
      ::freeaddrinfo(list);
      return socket.status();
    }
  }
  ::freeaddrinfo(list);
  if (out.empty()) {
    return first_error.ok() ? Status::Invalid("no address to listen on for " + address.host)
                            : first_error;
  }
  return out;
}

Status Listen(const BoundSocket& socket, int backlog) {
  if (socket.type == SocketType::kDatagram) return Status();
  if (::listen(socket.fd.get(), backlog) != 0) {
    return Status::FromErrno("listen " + socket.description, errno);
  }
  return Status();
}

}  // namespace satrap::net
