// Listening sockets for cyrmaster: TCP and UDP over IPv4/IPv6, and unix
// sockets.
//
// Binding and listening are separate steps on purpose: cyrmaster binds every
// port while it is still root, drops privileges, runs the START jobs, and only
// then calls Listen(), so no client is accepted before START has finished and
// no START job ever runs as root.
//
// Every descriptor is close-on-exec and non-blocking: the master polls it, and
// the workers (which inherit it past exec) poll and accept on it together, so
// a connection taken by another worker shows up as EAGAIN, not as a hang.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/result.h"

namespace satrap::net {

enum class SocketType { kStream, kDatagram };
enum class AddressFamily { kAny, kIpv4, kIpv6 };

struct ListenAddress {
  // A unix socket when non-empty; host/port/family are then ignored.
  std::string unix_path;
  // Empty: every local address. Otherwise a name or numeric address; a name
  // may resolve to several addresses, and each gets its own socket.
  std::string host;
  uint16_t port = 0;
  AddressFamily family = AddressFamily::kAny;
  SocketType type = SocketType::kStream;
};

struct BoundSocket {
  UniqueFd fd;
  std::string description;  // "0.0.0.0:143", "[::]:143", "/var/lib/cyrus/socket/lmtp"
  SocketType type = SocketType::kStream;
};

// Creates and binds the sockets for `address` (SO_REUSEADDR for TCP,
// IPV6_V6ONLY on IPv6 so that "::" and "0.0.0.0" coexist). A stale unix socket
// file is removed first (only if it is a socket), and the new one is made
// accessible to everyone (mode 0777, as Cyrus does: the MTA delivering over
// LMTP runs as another user). An address family the host lacks is skipped
// when another one bound. Errors: kIoError/kNoPermission/kInvalid naming the
// address ("bind 0.0.0.0:143: Address already in use").
Result<std::vector<BoundSocket>> BindListeners(const ListenAddress& address);

// listen(2) on a bound stream socket with `backlog`; a no-op for datagram
// sockets.
Status Listen(const BoundSocket& socket, int backlog);

}  // namespace satrap::net
