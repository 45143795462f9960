// DescribePeer/DescribeLocal over real TCP and unix sockets.
#include "net/peer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/file.h"

namespace satrap::net {
namespace {

// A connected loopback TCP pair: {accepted, client}.
struct TcpPair {
  explicit TcpPair(int family) {
    UniqueFd listener(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener.valid()) return;
    sockaddr_storage addr{};
    socklen_t len;
    if (family == AF_INET) {
      auto* in4 = reinterpret_cast<sockaddr_in*>(&addr);
      in4->sin_family = AF_INET;
      in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof(*in4);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      len = sizeof(*in6);
    }
    if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) return;
    if (listen(listener.get(), 1) != 0) return;
    if (getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    client = UniqueFd(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (connect(client.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) return;
    accepted = UniqueFd(accept(listener.get(), nullptr, nullptr));
  }
  UniqueFd accepted;
  UniqueFd client;
};

TEST(DescribePeer, Ipv4Loopback) {
  TcpPair pair(AF_INET);
  ASSERT_TRUE(pair.accepted.valid());
  PeerInfo peer = DescribePeer(pair.accepted.get());
  PeerInfo client_side = DescribeLocal(pair.client.get());
  EXPECT_EQ(peer.ip, "127.0.0.1");
  EXPECT_EQ(peer.port, client_side.port);
  EXPECT_NE(peer.port, 0);
  EXPECT_FALSE(peer.is_unix);
  EXPECT_EQ(peer.host, "");  // no reverse lookup unless asked
  EXPECT_EQ(peer.ToString(), "[127.0.0.1]");
  EXPECT_EQ(peer.SaslIpPort(), "127.0.0.1;" + std::to_string(peer.port));

  PeerInfo local = DescribeLocal(pair.accepted.get());
  EXPECT_EQ(local.ip, "127.0.0.1");
  EXPECT_EQ(local.port, DescribePeer(pair.client.get()).port);
}

TEST(DescribePeer, ReverseLookupNamesLoopback) {
  TcpPair pair(AF_INET);
  ASSERT_TRUE(pair.accepted.valid());
  PeerInfo peer = DescribePeer(pair.accepted.get(), /*reverse_lookup=*/true);
  // /etc/hosts names 127.0.0.1 on every sane system ("localhost").
  ASSERT_FALSE(peer.host.empty());
  EXPECT_EQ(peer.ToString(), peer.host + " [127.0.0.1]");
}

TEST(DescribePeer, Ipv6Loopback) {
  TcpPair pair(AF_INET6);
  if (!pair.accepted.valid()) GTEST_SKIP() << "no IPv6 loopback here";
  PeerInfo peer = DescribePeer(pair.accepted.get());
  EXPECT_EQ(peer.ip, "::1");
  EXPECT_EQ(peer.SaslIpPort(), "::1;" + std::to_string(peer.port));
}

TEST(DescribePeer, UnixSocketAndNonSocket) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd a(fds[0]), b(fds[1]);
  PeerInfo peer = DescribePeer(a.get());
  EXPECT_TRUE(peer.is_unix);
  EXPECT_EQ(peer.ToString(), "unix");
  EXPECT_EQ(peer.SaslIpPort(), "");

  ASSERT_EQ(pipe(fds), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  EXPECT_EQ(DescribePeer(r.get()).ToString(), "unknown");
}

}  // namespace
}  // namespace satrap::net
