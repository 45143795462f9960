// One LMTP connection (RFC 2033): LHLO, MAIL, RCPT, DATA with one reply per
// recipient after the final dot, BDAT (RFC 3030 CHUNKING), RSET, NOOP,
// VRFY, QUIT, and over TCP STARTTLS and AUTH (RFC 4954).
//
// The session only translates: recipients are resolved and messages filed
// by the Deliverer (delivery.h); every Status becomes a reply in reply.cc.
// Replies are queued on the connection and flushed before each blocking
// read, which is exactly what PIPELINING (RFC 2920) needs.
//
// Bounds: command lines (the connection's max_line), message size
// (maxmessagesize, SIZE=), recipients per transaction, bad commands per
// session, idle time. A message arrives in the session's Spool (spool.h),
// never whole in memory. A client that disconnects mid-message gets
// nothing stored.
//
// Lifetime: everything given to the constructor is borrowed for the
// session's life. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "acl/identity.h"
#include "lmtpd/delivery.h"
#include "lmtpd/reply.h"
#include "lmtpd/spool.h"
#include "net/connection.h"
#include "protocol/smtp.h"

namespace satrap::auth {
class AuthSession;
}
namespace satrap::tls {
class TlsServerContext;
}

namespace satrap::lmtpd {

struct SessionOptions {
  std::string server_name = "localhost";  // greeting and LHLO
  std::string session_id;                 // for logs and internal-error texts
  std::string peer;                       // "[127.0.0.1]" / "unix", for logs
  uint64_t max_message_size = 0;          // maxmessagesize; 0: no limit
  size_t max_recipients = 1000;
  int max_bad_commands = 20;
  bool reject8bit = false;
  bool munge8bit = true;
  bool strict_rfc2821 = true;  // lmtp_strict_rfc2821: refuse bare CR / LF
  // The unix socket, or TCP under `lmtpd -a`: trusted without AUTH. Over
  // TCP otherwise MAIL and VRFY need AUTH first, as in Cyrus.
  bool preauthenticated = false;
  // soft_noauth: refuse an unauthenticated MAIL with 430 4.7.0 (the MTA
  // queues the mail) rather than 530 5.7.0 (it bounces).
  bool soft_noauth = true;
  std::string temp_dir = "/tmp";
  ReplyOptions reply;
  // Longest message line accepted inside DATA (longer lines refuse the
  // message, 554 5.6.0); command lines use the connection's limit.
  size_t max_data_line = 1024 * 1024;
};

// Where the STARTTLS and AUTH extensions come from; both may be null (not
// offered). Borrowed.
struct SessionSecurity {
  tls::TlsServerContext* tls = nullptr;
  auth::AuthSession* auth = nullptr;
};

class Session {
 public:
  Session(net::Connection& conn, Deliverer& deliverer, SessionOptions options,
          SessionSecurity security = {});
  ~Session();

  // Greets and serves commands until QUIT, EOF, a timeout or too many
  // errors. Never throws; logs one line at the end.
  void Run();

 private:
  struct Transaction {
    bool active = false;                 // MAIL accepted
    protocol::MailFromArgs from;
    std::vector<Recipient> recipients;   // RCPTs answered 250
    bool chunking = false;               // a BDAT chunk has been received
  };
  enum class Next { kContinue, kQuit };

  Next Dispatch(const protocol::SmtpCommand& command);
  Next Lhlo(const protocol::SmtpCommand& command);
  Next Mail(const protocol::SmtpCommand& command);
  Next Rcpt(const protocol::SmtpCommand& command);
  Next Vrfy(const protocol::SmtpCommand& command);
  // session_data.cc
  Next Data(const protocol::SmtpCommand& command);
  Next Bdat(const protocol::SmtpCommand& command);
  // Reads the dot-stuffed DATA body into the spool; false when the client
  // went away (the session ends, nothing is stored).
  bool ReadDotStuffed();
  bool ReadChunk(uint64_t size);
  // After a refused BDAT command: reads its chunk and drops it, so that no
  // byte of the message is taken for a command. kQuit when the size cannot
  // be read (nothing can keep the session in step) or the client left.
  Next SkipChunk(const protocol::SmtpCommand& command);
  // Delivers the spooled message and answers once per recipient.
  void FinishMessage();
  // session_secure.cc
  Next StartTls(const protocol::SmtpCommand& command);
  Next Auth(const protocol::SmtpCommand& command);

  void Send(int code, std::string_view enhanced, std::string_view text);
  void Send(const Reply& reply);
  void ResetTransaction();
  // Opens this transaction's spool file (with the delivery headers) on
  // first use; false (and 451) on failure.
  bool Spooling();
  acl::Identity Poster() const;
  // False (and the 430/530 reply sent) when this TCP session still needs
  // AUTH before a transaction.
  bool MayTransact();

  net::Connection& conn_;
  Deliverer& deliverer_;
  SessionOptions options_;
  SessionSecurity security_;
  std::unique_ptr<Spool> spool_;
  Transaction txn_;
  bool greeted_ = false;  // LHLO done
  std::string lhlo_;      // the LHLO argument, for the Received field
  bool tls_active_ = false;
  int bad_commands_ = 0;
  uint64_t messages_ = 0;
};

}  // namespace satrap::lmtpd
