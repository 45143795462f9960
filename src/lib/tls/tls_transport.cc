// TlsTransport and the BIO that lets OpenSSL read and write through a
// net::Transport.
#include "tls/tls_transport.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <climits>
#include <mutex>

#include "base/check.h"

namespace satrap::tls {

// The BIO callbacks; a struct so that TlsTransport can befriend them.
struct BioGlue {
  static TlsTransport* Owner(BIO* bio) { return static_cast<TlsTransport*>(BIO_get_data(bio)); }

  static int Read(BIO* bio, char* buf, int len) {
    TlsTransport* t = Owner(bio);
    BIO_clear_retry_flags(bio);
    Result<size_t> n = t->lower_->Read(std::span<char>(buf, static_cast<size_t>(len)), t->deadline_);
    if (!n.ok()) {
      t->lower_status_ = n.status();
      return -1;
    }
    return static_cast<int>(*n);  // 0: EOF
  }

  static int Write(BIO* bio, const char* buf, int len) {
    TlsTransport* t = Owner(bio);
    BIO_clear_retry_flags(bio);
    Status status = t->lower_->Write(std::string_view(buf, static_cast<size_t>(len)), t->deadline_);
    if (!status.ok()) {
      t->lower_status_ = status;
      return -1;
    }
    return len;
  }

  static long Ctrl(BIO*, int cmd, long, void*) {
    // Writes go straight down, so there is never anything to flush.
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
  }

  static BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "satrap transport");
      CHECK(m != nullptr);
      BIO_meth_set_read(m, Read);
      BIO_meth_set_write(m, Write);
      BIO_meth_set_ctrl(m, Ctrl);
      return m;
    }();
    return method;
  }
};

std::string OpenSslErrors() {
  std::string out;
  unsigned long err;
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error reported" : out;
}

TlsTransport::TlsTransport(SSL* ssl, std::unique_ptr<net::Transport> lower)
    : lower_(std::move(lower)), ssl_(ssl) {
  CHECK(ssl_ != nullptr && lower_ != nullptr);
  BIO* bio = BIO_new(BioGlue::Method());
  CHECK(bio != nullptr) << "BIO_new: " << OpenSslErrors();
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);
}

TlsTransport::~TlsTransport() {
  if (healthy_) {
    // close_notify tells the client the session ended on purpose; do not
    // wait for its answer, and do not hang on a peer that stopped reading.
    int ret;
    (void)Drive(
        "shutdown", net::Clock::now() + std::chrono::seconds(1), &ret,
        [](SSL* ssl, void*) { return SSL_shutdown(ssl) >= 0 ? 1 : -1; }, nullptr);
  }
  SSL_free(ssl_);
}

Status TlsTransport::Drive(const char* what, net::Deadline deadline, int* ret,
                           int (*call)(SSL*, void*), void* arg) {
  deadline_ = deadline;
  lower_status_ = Status::Ok();
  ERR_clear_error();
  *ret = call(ssl_, arg);
  if (*ret > 0) return Status::Ok();
  healthy_ = false;
  int err = SSL_get_error(ssl_, *ret);
  if (!lower_status_.ok()) {
    ERR_clear_error();  // OpenSSL only echoes the lower failure
    return lower_status_;
  }
  if (err == SSL_ERROR_ZERO_RETURN) return Status::Closed("EOF");
  if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return Status::Closed("EOF");
  return Status::Invalid(std::string(what) + ": " + OpenSslErrors());
}

Status TlsTransport::Accept(net::Deadline deadline) {
  int ret;
  SATRAP_RETURN_IF_ERROR(
      Drive("TLS handshake", deadline, &ret, [](SSL* ssl, void*) { return SSL_accept(ssl); },
            nullptr));
  healthy_ = true;
  return Status::Ok();
}

Status TlsTransport::Connect(net::Deadline deadline) {
  int ret;
  SATRAP_RETURN_IF_ERROR(
      Drive("TLS handshake", deadline, &ret, [](SSL* ssl, void*) { return SSL_connect(ssl); },
            nullptr));
  healthy_ = true;
  return Status::Ok();
}

Result<size_t> TlsTransport::Read(std::span<char> into, net::Deadline deadline) {
  if (into.empty()) return size_t{0};
  struct Args {
    std::span<char> into;
    size_t done = 0;
  } args{into};
  int ret;
  Status status = Drive(
      "TLS read", deadline, &ret,
      [](SSL* ssl, void* p) {
        auto* a = static_cast<Args*>(p);
        return SSL_read_ex(ssl, a->into.data(), a->into.size(), &a->done);
      },
      &args);
  if (status.Is(Code::kClosed) && status.message() == "EOF") return size_t{0};
  if (!status.ok()) return status;
  return args.done;
}

Status TlsTransport::Write(std::string_view from, net::Deadline deadline) {
  if (from.empty()) return Status::Ok();
  struct Args {
    std::string_view from;
    size_t done = 0;
  } args{from};
  int ret;
  // SSL_write_ex writes everything (no partial-write mode) because the BIO
  // below blocks until its deadline.
  return Drive(
      "TLS write", deadline, &ret,
      [](SSL* ssl, void* p) {
        auto* a = static_cast<Args*>(p);
        return SSL_write_ex(ssl, a->from.data(), a->from.size(), &a->done);
      },
      &args);
}

Status TlsTransport::WriteV(std::span<const std::string_view> pieces, net::Deadline deadline) {
  constexpr size_t kRecord = 16 * 1024;
  std::string batch;
  for (std::string_view p : pieces) {
    if (batch.size() + p.size() > kRecord && !batch.empty()) {
      SATRAP_RETURN_IF_ERROR(Write(batch, deadline));
      batch.clear();
    }
    if (p.size() >= kRecord) {
      SATRAP_RETURN_IF_ERROR(Write(p, deadline));
    } else {
      batch.append(p);
    }
  }
  return Write(batch, deadline);
}

bool TlsTransport::HasPending() const { return SSL_has_pending(ssl_) == 1; }

int TlsTransport::fd() const { return lower_->fd(); }

TlsInfo TlsTransport::Info() const {
  TlsInfo info;
  info.protocol = SSL_get_version(ssl_);
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  if (cipher != nullptr) {
    info.cipher = SSL_CIPHER_get_name(cipher);
    info.bits = SSL_CIPHER_get_bits(cipher, &info.alg_bits);
  }
  info.resumed = SSL_session_reused(ssl_) == 1;
  X509* peer = SSL_get1_peer_certificate(ssl_);
  if (peer != nullptr) {
    info.peer_verified = SSL_get_verify_result(ssl_) == X509_V_OK;
    char* line = X509_NAME_oneline(X509_get_subject_name(peer), nullptr, 0);
    if (line != nullptr) info.peer_subject = line;
    OPENSSL_free(line);
    char cn[256];
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof(cn));
    if (n > 0) info.peer_cn.assign(cn, static_cast<size_t>(n));
    X509_free(peer);
  }
  return info;
}

std::string TlsInfo::ToString() const {
  std::string out = protocol + " with cipher " + cipher + " (" + std::to_string(bits) + "/" +
                    std::to_string(alg_bits) + " bits " + (resumed ? "reused" : "new") + ") ";
  if (peer_verified && !peer_cn.empty()) return out + "authenticated as " + peer_cn;
  return out + "no authentication";
}

std::string TlsTransport::SessionDer() const {
  SSL_SESSION* session = SSL_get1_session(ssl_);
  if (session == nullptr) return "";
  std::string der;
  if (SSL_SESSION_is_resumable(session) == 1) {
    int len = i2d_SSL_SESSION(session, nullptr);
    if (len > 0) {
      der.resize(static_cast<size_t>(len));
      auto* p = reinterpret_cast<unsigned char*>(der.data());
      i2d_SSL_SESSION(session, &p);
    }
  }
  SSL_SESSION_free(session);
  return der;
}

const TlsTransport* AsTls(const net::Transport& transport) {
  return dynamic_cast<const TlsTransport*>(&transport);
}

}  // namespace satrap::tls
