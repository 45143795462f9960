// A buffered, bounded, timed byte stream to one client, over a stack of
// Transports: plain socket at the bottom, TLS above it after STARTTLS (or from
// the first byte for -s services), later compression. The protocol code never
// knows which transports are underneath (Postfix vstream read_fn swap, Dovecot
// istream chain).
//
// Reads: ReadLine() returns one line without its line ending, refusing lines
// longer than the limit (kTooBig; the rest of the line is discarded so the
// session can go on). ReadExact() reads literal bytes. Both flush pending
// output first, so a client never waits on a reply we are still holding.
// Writes are buffered until Flush() (one write per response burst).
//
// Errors are sticky: after a transport error or EOF every call fails with the
// same Status, and DisconnectReason() says why, for the log. One exception, so
// that a server can still say goodbye: a read-side end (EOF, idle timeout)
// stops further reads but leaves writing possible ("* BYE Autologout"); a
// write error stops both directions.
//
// Deadlines: ReadLine() waits up to idle_timeout for the first byte of a line
// and io_timeout for each later wait; ReadExact(), ReadSome(), Flush() use
// io_timeout for every wait. A connection is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/file.h"
#include "base/result.h"

namespace satrap::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;  // Deadline::max() == none

class Transport {
 public:
  virtual ~Transport() = default;
  // Reads at most into.size() bytes; 0 means EOF. kTimeout past the deadline.
  virtual Result<size_t> Read(std::span<char> into, Deadline deadline) = 0;
  virtual Status Write(std::string_view from, Deadline deadline) = 0;
  // Writes every piece in order, as if concatenated. The socket transport does
  // it with sendmsg(2) (one system call per burst); the default calls Write().
  virtual Status WriteV(std::span<const std::string_view> pieces, Deadline deadline);
  // True if bytes are already decoded and waiting (TLS records), so a caller
  // polling the socket must not sleep.
  virtual bool HasPending() const { return false; }
  virtual int fd() const = 0;
};

// The plain socket transport; owns the descriptor and puts it in non-blocking
// mode (waits happen in poll(2) against the deadline). Works on pipes and
// other descriptors too; on sockets writes use MSG_NOSIGNAL (no SIGPIPE).
std::unique_ptr<Transport> MakeSocketTransport(UniqueFd fd);

// Waits until `fd` is ready for `events` (POLLIN/POLLOUT). kTimeout once
// `deadline` passes; EINTR is retried. For transports built on descriptors.
Status WaitForFd(int fd, short events, Deadline deadline);

struct ConnectionLimits {
  size_t max_line = 65536;                               // bytes, without CRLF
  std::chrono::seconds idle_timeout{30 * 60};            // waiting for a command
  std::chrono::seconds io_timeout{5 * 60};               // mid-command reads, writes
};

class Connection {
 public:
  Connection(std::unique_ptr<Transport> transport, ConnectionLimits limits);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Next line without CR LF (a bare LF also ends a line; `*bare_lf` tells the
  // caller, for protocols that must reject it). kTooBig for an overlong line,
  // after discarding it through its end. kTimeout after the idle timeout.
  Result<std::string> ReadLine(bool* bare_lf = nullptr);
  // Next line ended by CR LF alone, without it: a bare LF or CR is part of
  // the line. For SMTP DATA, where only CR LF "." CR LF ends a message
  // (RFC 5321 §4.1.1.4): a dot line ended otherwise is data, never the end
  // of the message followed by commands (SMTP smuggling). Limits and errors
  // as ReadLine().
  Result<std::string> ReadCrlfLine();
  // Exactly `size` bytes (an IMAP literal, an LMTP chunk).
  Status ReadExact(size_t size, std::string* into);
  // Up to into.size() bytes that are already buffered or arrive next: a way to
  // stream a large literal to a spool file without holding it in memory.
  // Never returns 0; EOF is the sticky kClosed error.
  Result<size_t> ReadSome(std::span<char> into);

  // Queues `data`; nothing is sent until Flush() (or until more than
  // kMaxPendingOutput bytes are queued, which flushes early to bound memory;
  // an error there is sticky and reported by the next Flush()).
  void Write(std::string_view data);
  // Sends everything queued. OK when nothing is queued.
  Status Flush();
  static constexpr size_t kMaxPendingOutput = 256 * 1024;

  // Bytes received but not yet consumed (pipelined input), including bytes a
  // TLS transport has decoded and holds. A server watching fd() for input
  // (IDLE) must check this first.
  bool HasBufferedInput() const;
  // Replaces the transport with `wrap(old)`; refuses (kInvalid) when clear-text
  // input is already buffered, which would let an attacker inject commands into
  // the protected session (CVE-2011-0411). Queued output is flushed first (the
  // "OK Begin TLS negotiation" must go out in clear text). If `wrap` fails the
  // old transport is gone: the failure becomes the sticky error and the caller
  // must end the session.
  Status PushTransport(
      const std::function<Result<std::unique_ptr<Transport>>(std::unique_ptr<Transport>)>& wrap);

  void set_limits(ConnectionLimits limits);
  const ConnectionLimits& limits() const;

  // Runs `hook` whenever ReadLine() has waited `after` for the first byte of
  // the client's next line with nothing buffered: the moment a worker can
  // give memory back (service::ReleaseIdleMemory), since a client quiet that
  // long is usually quiet for much longer. The read buffer is released
  // first. Busy sessions never get there.
  void SetIdleHook(std::chrono::milliseconds after, std::function<void()> hook);
  // The current top transport. CHECKs that there is one (after a failed
  // PushTransport() there is none).
  Transport& transport();
  // The descriptor at the bottom of the stack (for poll and DescribePeer),
  // remembered at construction; valid as long as the Connection is.
  int fd() const;
  // Empty while the connection is healthy; "EOF", "timeout", "write: ..." after.
  const std::string& DisconnectReason() const;
  // The first sticky error (OK while healthy).
  const Status& status() const;
  // Total bytes in and out, for the log line at logout.
  uint64_t bytes_in() const;
  uint64_t bytes_out() const;

 private:
  // Implementation details are the net helper's; see connection.cc.
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace satrap::net
