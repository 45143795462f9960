// getpeername/getsockname into printable form.
#include "net/peer.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace satrap::net {
namespace {

PeerInfo Describe(const sockaddr_storage& addr, socklen_t len, bool reverse_lookup) {
  PeerInfo info;
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_UNIX) {
    info.is_unix = true;
    info.ip = "unix";
    return info;
  }
  if (addr.ss_family == AF_INET) {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in4->sin_addr, text, sizeof(text));
    info.port = ntohs(in4->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; log them
      // the way an admin greps for them.
      inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof(text));
    } else {
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    }
    info.port = ntohs(in6->sin6_port);
  } else {
    info.ip = "unknown";
    return info;
  }
  info.ip = text;
  if (reverse_lookup) {
    char name[NI_MAXHOST];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, name, sizeof(name), nullptr,
                    0, NI_NAMEREQD) == 0) {
      info.host = name;
    }
  }
  return info;
}

}  // namespace

std::string PeerInfo::ToString() const {
  if (is_unix) return "unix";
  if (ip == "unknown" || ip.empty()) return "unknown";
  if (host.empty()) return "[" + ip + "]";
  return host + " [" + ip + "]";
}

std::string PeerInfo::SaslIpPort() const {
  if (is_unix || ip.empty() || ip == "unknown") return "";
  return ip + ";" + std::to_string(port);
}

PeerInfo DescribePeer(int fd, bool reverse_lookup) {
  sockaddr_storage addr;
  std::memset(&addr, 0, sizeof(addr));
  socklen_t len = sizeof(addr);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    PeerInfo unknown;
    unknown.ip = "unknown";
    return unknown;
  }
  return Describe(addr, len, reverse_lookup);
}

PeerInfo DescribeLocal(int fd) {
  sockaddr_storage addr;
  std::memset(&addr, 0, sizeof(addr));
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    PeerInfo unknown;
    unknown.ip = "unknown";
    return unknown;
  }
  return Describe(addr, len, false);
}

}  // namespace satrap::net
