// Who is on the other end of a connection, for log lines and SASL.
//
// Servers log a client the way Cyrus does:
//   login: localhost [127.0.0.1] alice plaintext User logged in
// and hand libsasl2 its "ip;port" strings. Reverse lookups are off unless the
// caller asks (they can stall on a broken resolver, so a server enables them
// only by configuration). Pure reads of kernel state; thread-safe.
#pragma once

#include <string>

namespace satrap::net {

struct PeerInfo {
  std::string host;  // reverse-resolved name; empty when not looked up or unknown
  std::string ip;    // "127.0.0.1", "::1" (IPv4-mapped IPv6 shown as IPv4); "unix"
  int port = 0;      // 0 for unix sockets and unknown peers
  bool is_unix = false;

  // "localhost [127.0.0.1]", "[127.0.0.1]" without a name, "unix" for a unix
  // socket, "unknown" when the descriptor is not a socket.
  std::string ToString() const;
  // libsasl2's iplocalport/ipremoteport form: "127.0.0.1;143", "::1;143";
  // empty for unix sockets (SASL then skips IP-based checks).
  std::string SaslIpPort() const;
};

// Describes the remote end of `fd` (getpeername). With `reverse_lookup`, also
// resolves the host name (NI_NAMEREQD: a name only, never the address again).
// A descriptor that is not a connected socket gives ip "unknown".
PeerInfo DescribePeer(int fd, bool reverse_lookup = false);
// The same for our own end (getsockname): the local address the client
// connected to, for SASL's iplocalport.
PeerInfo DescribeLocal(int fd);

}  // namespace satrap::net
