// The master's end of a service's status pipe (service/master_protocol.h).
//
// One pipe per SERVICES entry: every worker of the service writes fixed-size
// StatusMessage records to the write end (its fd 3); the master reads the
// non-blocking read end whenever poll says so. The write end stays open in
// the master too, so the pipe never reports EOF while the service exists.
#pragma once

#include <vector>

#include "base/file.h"
#include "base/result.h"
#include "service/master_protocol.h"

namespace satrap::master {

class StatusChannel {
 public:
  static Result<StatusChannel> Create();

  int read_fd() const { return read_.get(); }
  int write_fd() const { return write_.get(); }

  // Every complete record waiting in the pipe (none if nothing is).
  std::vector<service::StatusMessage> ReadAvailable();

 private:
  StatusChannel(UniqueFd read, UniqueFd write) : read_(std::move(read)), write_(std::move(write)) {}

  UniqueFd read_;
  UniqueFd write_;
  std::vector<char> partial_;  // a record split across reads (never expected)
};

}  // namespace satrap::master
