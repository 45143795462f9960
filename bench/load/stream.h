// Stream: the load generator's client connection. A blocking socket (TCP on
// loopback or a unix socket), optionally with TLS from the first byte
// (IMAPS), with a read buffer and a write buffer.
//
// One Stream is used by one thread. Every wait is bounded by the socket
// timeouts (kIoTimeout), so a stuck server fails the run instead of hanging
// it. TLS client state lives in TlsClient, shared by all threads (SSL_CTX is
// thread-safe for creating connections); sessions kept for resumption are
// owned by the thread that made them (TlsSession).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace satrap::bench {

// Where a server listens: a TCP port on 127.0.0.1, or a unix socket path.
struct Endpoint {
  std::string unix_path;  // non-empty for a unix socket
  int port = 0;
  // "1143", "127.0.0.1:1143" or "/path/to/socket". kInvalid otherwise.
  static Result<Endpoint> Parse(std::string_view text);
  std::string ToString() const;
};

// A TLS session kept for resumption (owns one SSL_SESSION reference).
class TlsSession {
 public:
  TlsSession() = default;
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  void Reset(SSL_SESSION* session);  // takes the reference
  SSL_SESSION* get() const { return session_; }

 private:
  SSL_SESSION* session_ = nullptr;
};

// The client side of TLS: no certificate verification (the servers use
// self-signed certificates made for the run).
class TlsClient {
 public:
  static Result<std::unique_ptr<TlsClient>> Create();
  ~TlsClient();
  SSL_CTX* ctx() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

class Stream {
 public:
  // Connects; with `tls`, also does the handshake, offering `resume` (may be
  // null or empty) for resumption.
  static Result<std::unique_ptr<Stream>> Connect(const Endpoint& endpoint,
                                                 const TlsClient* tls = nullptr,
                                                 const TlsSession* resume = nullptr);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // One line without its CR LF. Flushes pending output first. kClosed at EOF,
  // kTimeout after kIoTimeout, kTooBig past 1 MB.
  Result<std::string> ReadLine();
  // The same line as a view into the read buffer, valid until the next call
  // on this stream: a FETCH 1:* of 100,000 messages is 100,000 lines, and a
  // copy of each would make the client, not the server, what is measured.
  Result<std::string_view> ReadLineView();
  // Exactly `size` bytes appended to *into.
  Status ReadExact(size_t size, std::string* into);
  // Queues bytes; Flush() sends them (one send per burst).
  void Write(std::string_view data) { output_.append(data); }
  Status Flush();

  // TLS: whether the handshake resumed a session, and the session to offer
  // next time (call after the first read, so TLS 1.3 tickets have arrived).
  bool resumed() const;
  void SaveSession(TlsSession* into) const;

  static constexpr int kIoTimeoutSeconds = 120;

 private:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  Result<size_t> Fill();  // reads more into input_, >0 bytes or an error
  Status SendAll(std::string_view data);

  int fd_;
  SSL* ssl_;
  std::string input_;
  size_t input_pos_ = 0;
  std::string output_;
};

}  // namespace satrap::bench
