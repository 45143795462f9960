// One SERVICES entry at run time: its listening sockets, its status pipe, how
// many of its workers are alive and ready, and its spawn throttle.
//
// Counting follows Cyrus: a freshly spawned worker counts as ready at once
// (it is about to accept), so the master does not fork twice for one pending
// connection. `ready` only counts workers of the current generation that have
// not been told to retire; `active` counts every live worker, so workers
// finishing a connection after a reload still count against maxchild.
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "backoff.h"
#include "net/listen.h"
#include "service_table.h"
#include "status_channel.h"

namespace satrap::master {

class ServicePool {
 public:
  explicit ServicePool(ServiceSpec spec) : spec_(std::move(spec)) {}

  // Creates the sockets (as root, before privileges are dropped) and the
  // status pipe. Errors name the service and address.
  Status Bind();
  // listen(2) on every socket.
  Status Listen(int backlog);
  // Closes the master's copies of the sockets (workers keep theirs until they
  // exit) and removes a unix socket file.
  void CloseSockets();

  const ServiceSpec& spec() const { return spec_; }
  // A changed definition on the same sockets: new generation, same pipe.
  void Replace(ServiceSpec spec) {
    spec_ = std::move(spec);
    ++generation_;
  }
  uint64_t generation() const { return generation_; }

  std::vector<int> ListenFds() const;
  int status_read_fd() const { return status_ ? status_->read_fd() : -1; }
  int status_write_fd() const { return status_ ? status_->write_fd() : -1; }
  std::vector<service::StatusMessage> ReadStatus() {
    return status_ ? status_->ReadAvailable() : std::vector<service::StatusMessage>{};
  }

  // Idle workers to keep: prefork, or one if babysit and none is alive.
  int Wanted() const { return std::max(spec_.prefork, spec_.babysit && active == 0 ? 1 : 0); }
  bool AtLimit() const { return spec_.maxchild != kUnlimited && active >= spec_.maxchild; }
  // Whether a fork is allowed now (limit, throttle, fork rate).
  bool MaySpawn(Clock::time_point now) {
    return !removed && !sockets_.empty() && !AtLimit() && !backoff.Throttled(now) &&
           backoff.MayFork(now, spec_.maxforkrate);
  }

  int ready = 0;
  int active = 0;
  uint64_t connections = 0;
  bool removed = false;
  // A worker died by a signal: start one more, whose failchk looks at the
  // database environment the dead one may have left locked.
  bool check_environment = false;
  Backoff backoff;

 private:
  ServiceSpec spec_;
  uint64_t generation_ = 1;
  std::vector<net::BoundSocket> sockets_;
  std::optional<StatusChannel> status_;
};

}  // namespace satrap::master
