// The bottom of every transport stack: a non-blocking descriptor whose waits
// happen in poll(2), so every read and write honours its deadline.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "net/connection.h"

namespace satrap::net {
namespace {

// Milliseconds for poll(): -1 for "no deadline", rounded up so that a wait
// never ends a little before its deadline and spins.
int PollTimeout(Deadline deadline) {
  if (deadline == Deadline::max()) return -1;
  auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

class SocketTransport : public Transport {
 public:
  explicit SocketTransport(UniqueFd fd) : fd_(std::move(fd)) {
    int flags = fcntl(fd_.get(), F_GETFL);
    if (flags >= 0) fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
    int type = 0;
    socklen_t len = sizeof(type);
    is_socket_ = getsockopt(fd_.get(), SOL_SOCKET, SO_TYPE, &type, &len) == 0;
  }

  Result<size_t> Read(std::span<char> into, Deadline deadline) override {
    for (;;) {
      ssize_t n = read(fd_.get(), into.data(), into.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoStatus("read", errno);
      SATRAP_RETURN_IF_ERROR(WaitForFd(fd_.get(), POLLIN, deadline));
    }
  }

  Status Write(std::string_view from, Deadline deadline) override {
    std::string_view piece[1] = {from};
    return WriteV(piece, deadline);
  }

  Status WriteV(std::span<const std::string_view> pieces, Deadline deadline) override {
    std::vector<iovec> iov;
    iov.reserve(pieces.size());
    for (std::string_view p : pieces) {
      if (!p.empty()) iov.push_back({const_cast<char*>(p.data()), p.size()});
    }
    size_t first = 0;
    while (first < iov.size()) {
      size_t count = std::min<size_t>(iov.size() - first, IOV_MAX);
      ssize_t n = WriteOnce(&iov[first], count);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoStatus("write", errno);
        SATRAP_RETURN_IF_ERROR(WaitForFd(fd_.get(), POLLOUT, deadline));
        continue;
      }
      // Skip what went out: whole pieces, then part of the next one.
      size_t done = static_cast<size_t>(n);
      while (first < iov.size() && done >= iov[first].iov_len) done -= iov[first++].iov_len;
      if (done > 0) {
        iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + done;
        iov[first].iov_len -= done;
      }
    }
    return Status::Ok();
  }

  int fd() const override { return fd_.get(); }

 private:
  ssize_t WriteOnce(iovec* iov, size_t count) {
    if (!is_socket_) return writev(fd_.get(), iov, static_cast<int>(count));
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    return sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
  }

  // A peer that went away is kClosed, not an I/O error: it is the client's
  // doing and the log should say so plainly.
  static Status ErrnoStatus(std::string_view what, int err) {
    if (err == EPIPE || err == ECONNRESET) {
      return Status::Closed(std::string(what) + ": connection reset by peer");
    }
    return Status::FromErrno(what, err);
  }

  UniqueFd fd_;
  bool is_socket_ = false;
};

}  // namespace

Status Transport::WriteV(std::span<const std::string_view> pieces, Deadline deadline) {
  for (std::string_view p : pieces) {
    if (!p.empty()) SATRAP_RETURN_IF_ERROR(Write(p, deadline));
  }
  return Status::Ok();
}

Status WaitForFd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, PollTimeout(deadline));
    if (n > 0) return Status::Ok();  // POLLHUP/POLLERR: the next call reports it
    if (n == 0) {
      if (Clock::now() >= deadline) return Status::Timeout("timeout");
      continue;
    }
    if (errno != EINTR) return Status::FromErrno("poll", errno);
  }
}

std::unique_ptr<Transport> MakeSocketTransport(UniqueFd fd) {
  return std::make_unique<SocketTransport>(std::move(fd));
}

}  // namespace satrap::net
