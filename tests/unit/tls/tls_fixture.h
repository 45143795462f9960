// Shared set-up for the TLS tests: a temp dir holding a CA, a server
// certificate for "localhost", a client certificate for "alice", an
// unrelated key, and a socketpair per connection with the client side run in
// a thread.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <functional>
#include <thread>

#include "base/file.h"
#include "net/connection.h"
#include "test_pki.h"
#include "tls/client_context.h"
#include "tls/server_context.h"

namespace satrap::tls::testing {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Result<KeyAndCert> ca = MakeCertificate("Satrap Test CA", nullptr, true);
    ASSERT_TRUE(ca.ok());
    Result<KeyAndCert> server = MakeCertificate("localhost", &*ca, false);
    Result<KeyAndCert> client = MakeCertificate("alice", &*ca, false);
    Result<KeyAndCert> stranger = MakeCertificate("mallory", nullptr, false);
    Result<std::string> other_key = MakeKey();
    ASSERT_TRUE(server.ok() && client.ok() && stranger.ok() && other_key.ok());
    ca_file_ = Write("ca.pem", ca->cert_pem);
    cert_file_ = Write("server.pem", server->cert_pem);
    key_file_ = Write("server.key", server->key_pem);
    client_cert_ = Write("alice.pem", client->cert_pem + client->key_pem);
    stranger_cert_ = Write("mallory.pem", stranger->cert_pem + stranger->key_pem);
    other_key_ = Write("other.key", *other_key);
  }
  void TearDown() override { ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0); }

  std::string Write(const std::string& name, const std::string& data) {
    std::string path = JoinPath(dir_, name);
    EXPECT_TRUE(WriteFileAtomic(path, data).ok());
    return path;
  }

  TlsSettings ServerSettings() const {
    TlsSettings s;
    s.cert_file = cert_file_;
    s.key_file = key_file_;
    return s;
  }

  TlsClientOptions ClientOptions() const {
    TlsClientOptions o;
    o.ca_file = ca_file_;
    o.verify_peer = true;
    o.server_name = "localhost";
    return o;
  }

  // Runs `client` on one end of a fresh socketpair in a thread while the
  // caller uses the returned server end; Join() waits for the client.
  net::Deadline Soon() const { return net::Clock::now() + std::chrono::seconds(10); }

  std::unique_ptr<net::Transport> StartClient(std::function<void(std::unique_ptr<net::Transport>)> client) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    auto client_end = net::MakeSocketTransport(UniqueFd(fds[1]));
    client_thread_ = std::thread(
        [client, t = std::move(client_end)]() mutable { client(std::move(t)); });
    return net::MakeSocketTransport(UniqueFd(fds[0]));
  }
  void Join() {
    if (client_thread_.joinable()) client_thread_.join();
  }

  // Public: the table-driven tests read them from lambdas.
 public:
  std::string dir_, ca_file_, cert_file_, key_file_, client_cert_, stranger_cert_, other_key_;
  std::thread client_thread_;
};

}  // namespace satrap::tls::testing
