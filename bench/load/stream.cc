#include "stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace satrap::bench {
namespace {

constexpr size_t kMaxLine = 1 << 20;

std::string TlsError(std::string_view what) {
  std::string text(what);
  unsigned long err = ERR_get_error();
  if (err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    text += ": ";
    text += buf;
  }
  ERR_clear_error();
  return text;
}

Result<int> OpenSocket(const Endpoint& endpoint) {
  int family = endpoint.unix_path.empty() ? AF_INET : AF_UNIX;
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket", errno);
  timeval tv{Stream::kIoTimeoutSeconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc;
  if (family == AF_UNIX) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (endpoint.unix_path.size() >= sizeof addr.sun_path) {
      close(fd);
      return Status::Invalid("unix socket path too long: " + endpoint.unix_path);
    }
    memcpy(addr.sun_path, endpoint.unix_path.data(), endpoint.unix_path.size());
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } else {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(endpoint.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  if (rc != 0) {
    int err = errno;
    close(fd);
    return Status::FromErrno("connect " + endpoint.ToString(), err);
  }
  return fd;
}

}  // namespace

Result<Endpoint> Endpoint::Parse(std::string_view text) {
  Endpoint endpoint;
  if (!text.empty() && text[0] == '/') {
    endpoint.unix_path = std::string(text);
    return endpoint;
  }
  size_t colon = text.rfind(':');
  std::string_view port = colon == std::string_view::npos ? text : text.substr(colon + 1);
  std::optional<uint64_t> value = ParseUint64(port);
  if (!value || *value == 0 || *value > 65535) {
    return Status::Invalid("not a port or socket path: " + std::string(text));
  }
  endpoint.port = static_cast<int>(*value);
  return endpoint;
}

std::string Endpoint::ToString() const {
  return unix_path.empty() ? "127.0.0.1:" + std::to_string(port) : unix_path;
}

TlsSession::~TlsSession() { Reset(nullptr); }

void TlsSession::Reset(SSL_SESSION* session) {
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = session;
}

Result<std::unique_ptr<TlsClient>> TlsClient::Create() {
  auto client = std::unique_ptr<TlsClient>(new TlsClient());
  client->ctx_ = SSL_CTX_new(TLS_client_method());
  if (client->ctx_ == nullptr) return Status::Internal(TlsError("SSL_CTX_new"));
  SSL_CTX_set_verify(client->ctx_, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_session_cache_mode(client->ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  return client;
}

TlsClient::~TlsClient() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

Result<std::unique_ptr<Stream>> Stream::Connect(const Endpoint& endpoint, const TlsClient* tls,
                                                const TlsSession* resume) {
  SATRAP_ASSIGN_OR_RETURN(int fd, OpenSocket(endpoint));
  if (tls == nullptr) return std::unique_ptr<Stream>(new Stream(fd, nullptr));
  SSL* ssl = SSL_new(tls->ctx());
  auto stream = std::unique_ptr<Stream>(new Stream(fd, ssl));
  if (ssl == nullptr) return Status::Internal(TlsError("SSL_new"));
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  if (resume != nullptr && resume->get() != nullptr) SSL_set_session(ssl, resume->get());
  if (SSL_connect(ssl) != 1) {
    return Status::IoError(TlsError("TLS handshake with " + endpoint.ToString()));
  }
  return stream;
}

Stream::~Stream() {
  if (ssl_ != nullptr) {
    // A quiet shutdown sends nothing but marks the connection as closed
    // cleanly; without it OpenSSL marks the session not resumable.
    SSL_set_quiet_shutdown(ssl_, 1);
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  close(fd_);
}

bool Stream::resumed() const { return ssl_ != nullptr && SSL_session_reused(ssl_) == 1; }

void Stream::SaveSession(TlsSession* into) const {
  if (ssl_ == nullptr) return;
  SSL_SESSION* session = SSL_get1_session(ssl_);
  if (session != nullptr && SSL_SESSION_is_resumable(session)) {
    into->Reset(session);
  } else if (session != nullptr) {
    SSL_SESSION_free(session);
  }
}

Result<size_t> Stream::Fill() {
  SATRAP_RETURN_IF_ERROR(Flush());
  // What was consumed goes; what is left is at most a partial line.
  input_.erase(0, input_pos_);
  input_pos_ = 0;
  char buf[65536];
  ssize_t n;
  if (ssl_ != nullptr) {
    n = SSL_read(ssl_, buf, sizeof buf);
    if (n <= 0) {
      int err = SSL_get_error(ssl_, static_cast<int>(n));
      if (err == SSL_ERROR_ZERO_RETURN) return Status::Closed("EOF");
      return Status::IoError(TlsError("SSL_read"));
    }
  } else {
    do {
      n = read(fd_, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Status::Timeout("read timeout");
    if (n < 0) return Status::FromErrno("read", errno);
    if (n == 0) return Status::Closed("EOF");
  }
  input_.append(buf, static_cast<size_t>(n));
  return static_cast<size_t>(n);
}

Result<std::string> Stream::ReadLine() {
  SATRAP_ASSIGN_OR_RETURN(std::string_view line, ReadLineView());
  return std::string(line);
}

Result<std::string_view> Stream::ReadLineView() {
  size_t scanned = input_pos_;
  for (;;) {
    size_t lf = input_.find('\n', scanned);
    if (lf != std::string::npos) {
      size_t end = (lf > input_pos_ && input_[lf - 1] == '\r') ? lf - 1 : lf;
      std::string_view line(input_.data() + input_pos_, end - input_pos_);
      input_pos_ = lf + 1;
      return line;
    }
    if (input_.size() - input_pos_ > kMaxLine) return Status::TooBig("line over 1 MB");
    scanned = input_.size();
    size_t before = input_pos_;
    SATRAP_RETURN_IF_ERROR(Fill().status());
    scanned -= before - input_pos_;  // Fill() may have compacted the buffer
  }
}

Status Stream::ReadExact(size_t size, std::string* into) {
  while (input_.size() - input_pos_ < size) {
    size_t have = input_.size() - input_pos_;
    into->append(input_, input_pos_, have);
    size -= have;
    input_pos_ = input_.size();
    SATRAP_RETURN_IF_ERROR(Fill().status());
  }
  into->append(input_, input_pos_, size);
  input_pos_ += size;
  return Status::Ok();
}

Status Stream::SendAll(std::string_view data) {
  while (!data.empty()) {
    ssize_t n;
    if (ssl_ != nullptr) {
      n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (n <= 0) return Status::IoError(TlsError("SSL_write"));
    } else {
      n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::FromErrno("send", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status Stream::Flush() {
  if (output_.empty()) return Status::Ok();
  Status status = SendAll(output_);
  output_.clear();
  return status;
}

}  // namespace satrap::bench
