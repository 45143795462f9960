// TlsServerContext: start-up errors, handshakes over real sockets with a real
// OpenSSL client, data both ways, STARTTLS, client certificates, timeouts.
#include <unistd.h>

#include <atomic>

#include "tls_fixture.h"

namespace satrap::tls::testing {
namespace {

using std::chrono::seconds;

// ---- Start-up errors name the option and the file.

struct BadSetup {
  const char* name;
  std::function<void(TlsSettings*, const TlsTest&)> edit;
  const char* want_in_message;
};

class TlsStartupTest : public TlsTest {};

TEST_F(TlsStartupTest, BadConfigurationIsAClearError) {
  std::string garbage = Write("garbage.pem", "this is not PEM\n");
  const BadSetup cases[] = {
      {"missing cert", [](TlsSettings* s, const TlsTest&) { s->cert_file = "/nonexistent/c.pem"; },
       "tls_cert_file /nonexistent/c.pem: No such file or directory"},
      {"missing key", [](TlsSettings* s, const TlsTest&) { s->key_file = "/nonexistent/k.pem"; },
       "tls_key_file /nonexistent/k.pem: No such file or directory"},
      {"cert not PEM", [&](TlsSettings* s, const TlsTest&) { s->cert_file = garbage; },
       "tls_cert_file " },
      {"key not PEM", [&](TlsSettings* s, const TlsTest&) { s->key_file = garbage; },
       "tls_key_file "},
      {"wrong key", [](TlsSettings* s, const TlsTest& t) { s->key_file = t.other_key_; },
       "does not match tls_cert_file"},
      {"bad cipher list", [](TlsSettings* s, const TlsTest&) { s->cipher_list = "NOSUCHCIPHER"; },
       "tls_cipher_list 'NOSUCHCIPHER'"},
      {"unknown version", [](TlsSettings* s, const TlsTest&) { s->versions = {"tls9"}; },
       "tls_versions: unknown version 'tls9'"},
      {"no version", [](TlsSettings* s, const TlsTest&) { s->versions = {}; },
       "tls_versions: no version enabled"},
      {"missing ca", [](TlsSettings* s, const TlsTest&) { s->ca_file = "/nonexistent/ca.pem"; },
       "tls_ca_file /nonexistent/ca.pem"},
      {"require without ca",
       [](TlsSettings* s, const TlsTest&) { s->client_certs = ClientCerts::kRequire; },
       "require needs tls_ca_file"},
      {"disabled", [](TlsSettings* s, const TlsTest&) { s->cert_file = "disabled"; },
       "not configured"},
  };
  for (const BadSetup& c : cases) {
    SCOPED_TRACE(c.name);
    TlsSettings settings = ServerSettings();
    c.edit(&settings, *this);
    Result<std::unique_ptr<TlsServerContext>> context = TlsServerContext::Create(settings);
    ASSERT_FALSE(context.ok());
    EXPECT_EQ(context.code(), Code::kInvalid);
    EXPECT_NE(context.status().message().find(c.want_in_message), std::string::npos)
        << context.status().message();
  }
}

TEST_F(TlsStartupTest, GoodConfigurationLoads) {
  TlsSettings settings = ServerSettings();
  // The cipher list from a real Cyrus imapd.conf (seed 001) still parses.
  settings.cipher_list = "TLSv1+HIGH:!aNULL:@STRENGTH";
  settings.ca_file = ca_file_;
  EXPECT_TRUE(TlsServerContext::Create(settings).ok());
  // Key and certificate in one file, key_file empty.
  settings.cert_file = Write("both.pem", *ReadFile(cert_file_) + *ReadFile(key_file_));
  settings.key_file = "";
  EXPECT_TRUE(TlsServerContext::Create(settings).ok());
}

// ---- Handshakes.

struct VersionCase {
  const char* client_max;
  const char* want_protocol;
};

class TlsHandshakeTest : public TlsTest {};

TEST_F(TlsHandshakeTest, RoundTripBothWays) {
  const VersionCase cases[] = {{"", "TLSv1.3"}, {"tls1_2", "TLSv1.2"}};
  std::string big(300 * 1024, 'b');  // several records, beyond socket buffers
  for (const VersionCase& vc : cases) {
    SCOPED_TRACE(vc.want_protocol);
    auto context = TlsServerContext::Create(ServerSettings());
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    TlsClientOptions options = ClientOptions();
    options.max_version = vc.client_max;
    std::string client_got, client_error;
    auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
      auto client = TlsClientContext::Create(options);
      auto tls = (*client)->Connect(std::move(t), Soon());
      if (!tls.ok()) {
        client_error = tls.status().ToString();
        return;
      }
      net::Connection conn(std::move(*tls), {});
      conn.Write("a1 NOOP\r\n");
      conn.Write(big);
      conn.Write("\r\n");
      Result<std::string> line = conn.ReadLine();
      client_got = line.ok() ? *line : line.status().ToString();
      std::string rest;
      if (conn.ReadExact(big.size(), &rest).ok() && rest == big) client_got += " +big";
    });
    TlsInfo info;
    auto transport = (*context)->Handshake(std::move(server_end), Soon(), &info);
    ASSERT_TRUE(transport.ok()) << transport.status().ToString();
    EXPECT_EQ(info.protocol, vc.want_protocol);
    EXPECT_FALSE(info.resumed);
    EXPECT_NE(info.ToString().find(" bits new) no authentication"), std::string::npos)
        << info.ToString();
    net::ConnectionLimits limits;
    limits.max_line = 1024 * 1024;
    net::Connection conn(std::move(*transport), limits);
    EXPECT_NE(AsTls(conn.transport()), nullptr);
    EXPECT_EQ(*conn.ReadLine(), "a1 NOOP");
    EXPECT_EQ(*conn.ReadLine(), big);
    conn.Write("a1 OK NOOP completed\r\n");
    conn.Write(big);
    ASSERT_TRUE(conn.Flush().ok());
    Join();
    EXPECT_EQ(client_error, "");
    EXPECT_EQ(client_got, "a1 OK NOOP completed +big");
  }
}

TEST_F(TlsHandshakeTest, ClientThatNeverSpeaksTimesOut) {
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd client(fds[1]);
  auto start = net::Clock::now();
  auto transport = (*context)->Handshake(net::MakeSocketTransport(UniqueFd(fds[0])),
                                         start + std::chrono::milliseconds(200));
  EXPECT_EQ(transport.code(), Code::kTimeout);
  EXPECT_LT(net::Clock::now() - start, seconds(5));
}

TEST_F(TlsHandshakeTest, ClearTextClientIsRefused) {
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd client(fds[1]);
  ASSERT_EQ(write(client.get(), "a1 LOGIN alice secret\r\n", 23), 23);
  auto transport =
      (*context)->Handshake(net::MakeSocketTransport(UniqueFd(fds[0])), Soon());
  EXPECT_EQ(transport.code(), Code::kInvalid) << transport.status().ToString();
}

TEST_F(TlsHandshakeTest, ClientVerifiesTheServerName) {
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  TlsClientOptions options = ClientOptions();
  options.server_name = "mail.example.org";  // the certificate says localhost
  Status client_status;
  auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
    auto tls = (*TlsClientContext::Create(options))->Connect(std::move(t), Soon());
    client_status = tls.status();
  });
  auto transport = (*context)->Handshake(std::move(server_end), Soon());
  Join();
  EXPECT_FALSE(transport.ok());
  EXPECT_EQ(client_status.code(), Code::kInvalid) << client_status.ToString();
}

TEST_F(TlsHandshakeTest, DecodedBytesArePendingAndReadsTimeOut) {
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  std::atomic<bool> done{false};
  auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
    auto tls = (*TlsClientContext::Create(ClientOptions()))->Connect(std::move(t), Soon());
    if (!tls.ok()) return;
    // One record of 100 bytes, then silence until the server is done.
    (void)(*tls)->Write(std::string(100, 'p'), Soon());
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  auto transport = (*context)->Handshake(std::move(server_end), Soon());
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  char buf[10];
  Result<size_t> n = (*transport)->Read(buf, Soon());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 10u);
  // The rest of the record is decoded inside OpenSSL, not on the socket: a
  // server polling the descriptor (IDLE) must look here first.
  EXPECT_TRUE((*transport)->HasPending());
  net::Connection conn(std::move(*transport), {});
  EXPECT_TRUE(conn.HasBufferedInput());
  char rest[200];
  n = conn.ReadSome(rest);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 90u);
  EXPECT_FALSE(conn.HasBufferedInput());
  net::ConnectionLimits limits;
  limits.idle_timeout = std::chrono::seconds(0);
  conn.set_limits(limits);
  EXPECT_EQ(conn.ReadLine().code(), Code::kTimeout);
  EXPECT_EQ(conn.DisconnectReason(), "timeout");
  done = true;
  Join();
}

// ---- STARTTLS (RFC 3501 §6.2.1, RFC 2595).

TEST_F(TlsHandshakeTest, StartTlsThenCommandsOverTls) {
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  std::string client_log;
  auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
    net::Connection plain(std::move(t), {});
    plain.Write("a STARTTLS\r\n");
    Result<std::string> ok = plain.ReadLine();  // flushes first
    client_log = ok.ok() ? *ok : ok.status().ToString();
    Status status = plain.PushTransport([&](std::unique_ptr<net::Transport> lower) {
      auto tls = (*TlsClientContext::Create(ClientOptions()))->Connect(std::move(lower), Soon());
      if (!tls.ok()) return Result<std::unique_ptr<net::Transport>>(tls.status());
      return Result<std::unique_ptr<net::Transport>>(std::move(*tls));
    });
    if (!status.ok()) {
      client_log += " " + status.ToString();
      return;
    }
    plain.Write("b NOOP\r\n");
    Result<std::string> reply = plain.ReadLine();
    client_log += " | " + (reply.ok() ? *reply : reply.status().ToString());
  });
  net::Connection conn(std::move(server_end), {});
  ASSERT_EQ(*conn.ReadLine(), "a STARTTLS");
  conn.Write("a OK Begin TLS negotiation now\r\n");
  TlsInfo info;
  Status status = StartTls(conn, **context, Soon(), &info);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(info.protocol, "TLSv1.3");
  ASSERT_EQ(*conn.ReadLine(), "b NOOP");
  EXPECT_NE(AsTls(conn.transport()), nullptr);
  conn.Write("b OK NOOP completed\r\n");
  ASSERT_TRUE(conn.Flush().ok());
  Join();
  EXPECT_EQ(client_log, "a OK Begin TLS negotiation now | b OK NOOP completed");
}

TEST_F(TlsHandshakeTest, StartTlsRefusesPipelinedClearText) {
  // CVE-2011-0411: the attacker's LOGIN must not execute inside TLS.
  auto context = TlsServerContext::Create(ServerSettings());
  ASSERT_TRUE(context.ok());
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  UniqueFd client(fds[1]);
  const char wire[] = "a STARTTLS\r\nb LOGIN alice secret\r\n";
  ASSERT_EQ(write(client.get(), wire, sizeof(wire) - 1), ssize_t(sizeof(wire) - 1));
  net::Connection conn(net::MakeSocketTransport(UniqueFd(fds[0])), {});
  ASSERT_EQ(*conn.ReadLine(), "a STARTTLS");
  Status status = StartTls(conn, **context, Soon());
  EXPECT_EQ(status.code(), Code::kInvalid);
  EXPECT_EQ(AsTls(conn.transport()), nullptr);  // still the plain transport
  EXPECT_TRUE(conn.status().ok());
}

// ---- Client certificates.

struct ClientCertCase {
  const char* name;
  ClientCerts mode;
  bool send_alice;     // CA-signed "alice"
  bool send_stranger;  // self-signed "mallory"
  bool want_ok;
  bool want_verified;
};

TEST_F(TlsHandshakeTest, ClientCertificatePolicies) {
  const ClientCertCase cases[] = {
      {"require + alice", ClientCerts::kRequire, true, false, true, true},
      {"require + none", ClientCerts::kRequire, false, false, false, false},
      {"require + stranger", ClientCerts::kRequire, false, true, false, false},
      {"optional + none", ClientCerts::kOptional, false, false, true, false},
      {"optional + alice", ClientCerts::kOptional, true, false, true, true},
      {"optional + stranger", ClientCerts::kOptional, false, true, true, false},
      {"off + alice", ClientCerts::kOff, true, false, true, false},
  };
  for (const ClientCertCase& c : cases) {
    SCOPED_TRACE(c.name);
    TlsSettings settings = ServerSettings();
    settings.ca_file = ca_file_;
    settings.client_certs = c.mode;
    auto context = TlsServerContext::Create(settings);
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    TlsClientOptions options = ClientOptions();
    if (c.send_alice) options.cert_file = client_cert_;
    if (c.send_stranger) options.cert_file = stranger_cert_;
    auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
      auto tls = (*TlsClientContext::Create(options))->Connect(std::move(t), Soon());
      if (!tls.ok()) return;
      // TLS 1.3: the server judges the certificate after the client's
      // Finished; a read shows the verdict to the client.
      net::Connection conn(std::move(*tls), {});
      (void)conn.ReadLine();
    });
    TlsInfo info;
    auto transport = (*context)->Handshake(std::move(server_end), Soon(), &info);
    EXPECT_EQ(transport.ok(), c.want_ok) << transport.status().ToString();
    if (transport.ok()) {
      EXPECT_EQ(info.peer_verified, c.want_verified);
      if (c.want_verified) {
        EXPECT_EQ(info.peer_cn, "alice");
        EXPECT_NE(info.ToString().find("authenticated as alice"), std::string::npos);
      }
      net::Connection conn(std::move(*transport), {});
      conn.Write("bye\r\n");
      (void)conn.Flush();
    }
    Join();
  }
}

}  // namespace
}  // namespace satrap::tls::testing
