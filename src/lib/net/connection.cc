// Connection: the input buffer with its line scanner, the queued output, the
// sticky error and the counters. See connection.h for the contract.
#include "net/connection.h"

#include <poll.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "base/check.h"

namespace satrap::net {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Output pieces at least this big get their own buffer (and their own iovec)
// instead of being copied onto the end of the previous one.
constexpr size_t kSeparatePiece = 8 * 1024;
constexpr size_t kCoalesceLimit = 16 * 1024;

}  // namespace

struct Connection::Impl {
  std::unique_ptr<Transport> transport;
  ConnectionLimits limits;
  int fd = -1;

  std::string in;     // bytes read; the unread ones are in[in_pos, end)
  size_t in_pos = 0;
  std::vector<std::string> out;  // queued output pieces
  size_t out_bytes = 0;

  std::chrono::milliseconds idle_after{0};
  std::function<void()> idle_hook;
  bool buffer_released = false;  // by WaitIdle, until input arrives

  Status read_status;   // set by EOF or a read failure: stops reads only
  Status write_status;  // set by a write failure: stops everything
  std::string reason;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;

  size_t Unread() const { return in.size() - in_pos; }

  void Consume(size_t n) {
    in_pos += n;
    if (in_pos == in.size()) {
      in.clear();
      in_pos = 0;
    }
  }

  // The error every read returns from now on (OK if reads may go on).
  const Status& ReadError() const { return write_status.ok() ? read_status : write_status; }

  void Remember(const Status& status) {
    if (!reason.empty()) return;
    if (status.Is(Code::kClosed) || status.Is(Code::kTimeout)) {
      reason = status.message();
    } else {
      reason = status.ToString();
    }
  }

  Status FailWrite(Status status) {
    write_status = status;
    Remember(status);
    return status;
  }

  Status FailRead(Status status) {
    read_status = status;
    Remember(status);
    return status;
  }

  Status Flush() {
    if (!write_status.ok()) return write_status;
    if (out.empty()) return Status::Ok();
    if (transport == nullptr) return FailWrite(Status::Closed("no transport"));
    std::vector<std::string_view> views(out.begin(), out.end());
    Status status = transport->WriteV(views, Clock::now() + limits.io_timeout);
    if (!status.ok()) return FailWrite(status.Is(Code::kTimeout) ? Status::Timeout("write timeout")
                                                                  : status);
    bytes_out += out_bytes;
    out.clear();
    out_bytes = 0;
    return Status::Ok();
  }

  // Before waiting for a new line: flushes, then, with an idle hook, waits
  // up to idle_after for input and runs the hook if none came.
  Status WaitIdle() {
    if (!idle_hook) return Status::Ok();
    SATRAP_RETURN_IF_ERROR(Flush());
    if (transport == nullptr || transport->HasPending()) return Status::Ok();
    Status ready = WaitForFd(fd, POLLIN, Clock::now() + idle_after);
    if (!ready.Is(Code::kTimeout)) return Status::Ok();  // input, or Fill reports the error
    in.clear();
    in.shrink_to_fit();
    in_pos = 0;
    buffer_released = true;
    idle_hook();
    return Status::Ok();
  }

  // Appends the next bytes from the transport to `in`, waiting until
  // `deadline`. Flushes first: the peer may be waiting for our reply before it
  // sends anything.
  Status Fill(Deadline deadline) {
    SATRAP_RETURN_IF_ERROR(ReadError());
    SATRAP_RETURN_IF_ERROR(Flush());
    if (transport == nullptr) return FailRead(Status::Closed("no transport"));
    if (in_pos > 0) {
      in.erase(0, in_pos);
      in_pos = 0;
    }
    if (buffer_released && !transport->HasPending()) {
      // The buffer was given back while idle (WaitIdle): wait for input
      // before allocating it again, so an idle session holds no buffer.
      Status ready = WaitForFd(fd, POLLIN, deadline);
      if (!ready.ok()) return FailRead(ready);
    }
    buffer_released = false;
    size_t old_size = in.size();
    in.resize(old_size + kReadChunk);
    Result<size_t> n = transport->Read(std::span<char>(in.data() + old_size, kReadChunk), deadline);
    in.resize(old_size + (n.ok() ? *n : 0));
    if (!n.ok()) return FailRead(n.status());
    if (*n == 0) return FailRead(Status::Closed("EOF"));
    bytes_in += *n;
    return Status::Ok();
  }

  // The line scanner behind ReadLine() and ReadCrlfLine(): with `crlf_only`
  // an LF ends the line only after a CR.
  Result<std::string> ReadLine(bool crlf_only, bool* bare_lf) {
    SATRAP_RETURN_IF_ERROR(ReadError());
    size_t scanned = 0;       // unread bytes already known to hold no line end
    bool discarding = false;  // the line is too long; drop it through its end
    for (;;) {
      const char* start = in.data() + in_pos;
      size_t end = scanned;
      bool found = false;
      while (const void* lf = std::memchr(start + end, '\n', Unread() - end)) {
        end = static_cast<const char*>(lf) - start;
        if (!crlf_only || (end > 0 && start[end - 1] == '\r')) {
          found = true;
          break;
        }
        ++end;  // a bare LF inside a CR LF line
      }
      if (found) {
        const bool crlf = end > 0 && start[end - 1] == '\r';
        const size_t length = crlf ? end - 1 : end;
        if (discarding || length > limits.max_line) {
          Consume(end + 1);
          return Status::TooBig("line longer than " + std::to_string(limits.max_line) + " bytes");
        }
        std::string line(start, length);
        Consume(end + 1);
        if (bare_lf != nullptr) *bare_lf = !crlf;
        return line;
      }
      scanned = Unread();
      // A CR at the very end may be the first half of the CR LF, not content.
      const bool trailing_cr = scanned > 0 && start[scanned - 1] == '\r';
      const size_t content = trailing_cr ? scanned - 1 : scanned;
      if (content > limits.max_line) {
        // Drop what we have rather than buffer an unbounded line, keeping a
        // trailing CR: its LF may be the next byte, and where only CR LF
        // ends a line, missing it would swallow the line after.
        discarding = true;
        Consume(content);
        scanned = Unread();
      }
      const bool started = discarding || Unread() > 0;
      if (!started) SATRAP_RETURN_IF_ERROR(WaitIdle());
      const auto wait = started ? limits.io_timeout : limits.idle_timeout;
      SATRAP_RETURN_IF_ERROR(Fill(Clock::now() + wait));
    }
  }
};

Connection::Connection(std::unique_ptr<Transport> transport, ConnectionLimits limits)
    : impl_(std::make_unique<Impl>()) {
  CHECK(transport != nullptr);
  impl_->fd = transport->fd();
  impl_->transport = std::move(transport);
  impl_->limits = limits;
}

Connection::~Connection() = default;

Result<std::string> Connection::ReadLine(bool* bare_lf) { return impl_->ReadLine(false, bare_lf); }

Result<std::string> Connection::ReadCrlfLine() { return impl_->ReadLine(true, nullptr); }

Status Connection::ReadExact(size_t size, std::string* into) {
  Impl& c = *impl_;
  into->clear();
  SATRAP_RETURN_IF_ERROR(c.ReadError());
  into->reserve(std::min<size_t>(size, 1 << 20));
  while (into->size() < size) {
    if (c.Unread() == 0) {
      SATRAP_RETURN_IF_ERROR(c.Fill(Clock::now() + c.limits.io_timeout));
    }
    size_t take = std::min(size - into->size(), c.Unread());
    into->append(c.in, c.in_pos, take);
    c.Consume(take);
  }
  return Status::Ok();
}

Result<size_t> Connection::ReadSome(std::span<char> into) {
  Impl& c = *impl_;
  SATRAP_RETURN_IF_ERROR(c.ReadError());
  if (into.empty()) return size_t{0};
  if (c.Unread() == 0) {
    SATRAP_RETURN_IF_ERROR(c.Fill(Clock::now() + c.limits.io_timeout));
  }
  size_t take = std::min(into.size(), c.Unread());
  std::memcpy(into.data(), c.in.data() + c.in_pos, take);
  c.Consume(take);
  return take;
}

void Connection::Write(std::string_view data) {
  Impl& c = *impl_;
  if (!c.write_status.ok() || data.empty()) return;
  if (data.size() >= kSeparatePiece || c.out.empty() ||
      c.out.back().size() + data.size() > kCoalesceLimit) {
    c.out.emplace_back(data);
  } else {
    // Sized once when a second line joins it: 100,000 short FETCH lines
    // would otherwise regrow it ten times a piece, while a lone reply
    // stays small.
    if (c.out.back().capacity() < kCoalesceLimit) c.out.back().reserve(kCoalesceLimit);
    c.out.back().append(data);
  }
  c.out_bytes += data.size();
  // The error, if any, is sticky and the caller's next Flush() reports it.
  if (c.out_bytes > kMaxPendingOutput) (void)c.Flush();
}

Status Connection::Flush() { return impl_->Flush(); }

bool Connection::HasBufferedInput() const {
  return impl_->Unread() > 0 || (impl_->transport != nullptr && impl_->transport->HasPending());
}

Status Connection::PushTransport(
    const std::function<Result<std::unique_ptr<Transport>>(std::unique_ptr<Transport>)>& wrap) {
  Impl& c = *impl_;
  SATRAP_RETURN_IF_ERROR(c.ReadError());
  if (HasBufferedInput()) {
    return Status::Invalid("input pipelined before the transport change (CVE-2011-0411)");
  }
  SATRAP_RETURN_IF_ERROR(c.Flush());
  Result<std::unique_ptr<Transport>> wrapped = wrap(std::move(c.transport));
  if (!wrapped.ok()) return c.FailWrite(wrapped.status());
  c.transport = std::move(*wrapped);
  CHECK(c.transport != nullptr);
  return Status::Ok();
}

void Connection::SetIdleHook(std::chrono::milliseconds after, std::function<void()> hook) {
  impl_->idle_after = after;
  impl_->idle_hook = std::move(hook);
}

void Connection::set_limits(ConnectionLimits limits) { impl_->limits = limits; }
const ConnectionLimits& Connection::limits() const { return impl_->limits; }

Transport& Connection::transport() {
  CHECK(impl_->transport != nullptr) << "connection has no transport: " << impl_->reason;
  return *impl_->transport;
}

int Connection::fd() const { return impl_->fd; }
const std::string& Connection::DisconnectReason() const { return impl_->reason; }
const Status& Connection::status() const {
  return impl_->write_status.ok() ? impl_->read_status : impl_->write_status;
}
uint64_t Connection::bytes_in() const { return impl_->bytes_in; }
uint64_t Connection::bytes_out() const { return impl_->bytes_out; }

}  // namespace satrap::net
