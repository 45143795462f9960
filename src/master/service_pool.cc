#include "service_pool.h"

#include <sys/socket.h>
#include <unistd.h>

namespace satrap::master {

namespace {

net::ListenAddress ToListenAddress(const ServiceSpec& spec) {
  net::ListenAddress address;
  address.type = IsDatagram(spec.proto) ? net::SocketType::kDatagram : net::SocketType::kStream;
  if (spec.listen.is_unix) {
    address.unix_path = spec.listen.path;
    return address;
  }
  address.host = spec.listen.host;
  address.port = spec.listen.port;
  switch (spec.proto) {
    case Proto::kTcp4:
    case Proto::kUdp4: address.family = net::AddressFamily::kIpv4; break;
    case Proto::kTcp6:
    case Proto::kUdp6: address.family = net::AddressFamily::kIpv6; break;
    default: address.family = net::AddressFamily::kAny; break;
  }
  return address;
}

}  // namespace

Status ServicePool::Bind() {
  Result<std::vector<net::BoundSocket>> sockets = net::BindListeners(ToListenAddress(spec_));
  if (!sockets.ok()) {
    return sockets.status().WithContext("service " + spec_.name + " listen=" + spec_.listen.text);
  }
  sockets_ = std::move(sockets).value();
  Result<StatusChannel> channel = StatusChannel::Create();
  if (!channel.ok()) return channel.status().WithContext("service " + spec_.name);
  status_.emplace(std::move(channel).value());
  return Status();
}

Status ServicePool::Listen(int backlog) {
  for (const net::BoundSocket& socket : sockets_) {
    Status s = net::Listen(socket, backlog);
    if (!s.ok()) return s.WithContext("service " + spec_.name);
  }
  return Status();
}

void ServicePool::CloseSockets() {
  if (spec_.listen.is_unix && !sockets_.empty()) ::unlink(spec_.listen.path.c_str());
  for (const net::BoundSocket& socket : sockets_) {
    // Busy workers still hold copies of the socket; shutdown() stops the
    // socket itself from listening, so the port refuses new clients at once
    // while those workers finish their connections (as Cyrus does).
    ::shutdown(socket.fd.get(), SHUT_RDWR);
  }
  sockets_.clear();
}

std::vector<int> ServicePool::ListenFds() const {
  std::vector<int> fds;
  for (const net::BoundSocket& socket : sockets_) fds.push_back(socket.fd.get());
  return fds;
}

}  // namespace satrap::master
