// SetUpServerTls(): the "-s needs a certificate" rule, certificate errors at
// start-up, and where tls_sessions.db is opened (the process's one shared
// environment unless tls_sessions_db_path puts it elsewhere).
#include "tls/server_setup.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "base/file.h"
#include "tls_fixture.h"

namespace satrap::tls {
namespace {

class ServerSetupTest : public testing::TlsTest {
 protected:
  void SetUp() override {
    TlsTest::SetUp();
    db_dir_ = JoinPath(JoinPath(dir_, "conf"), "db");
    ASSERT_TRUE(MakeDirectories(db_dir_, 0755).ok());
    Result<std::unique_ptr<db::Environment>> env = db::Environment::Open(db_dir_);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    shared_env_ = std::move(*env);
  }
  void TearDown() override {
    shared_env_.reset();
    TlsTest::TearDown();
  }

  // imapd.conf text: configdirectory, the server certificate and `extra`.
  std::string Conf(const std::string& extra) const {
    return "configdirectory: " + JoinPath(dir_, "conf") + "\ntls_server_cert: " + cert_file_ +
           "\ntls_server_key: " + key_file_ + "\n" + extra;
  }

  std::string db_dir_;
  std::unique_ptr<db::Environment> shared_env_;
};

struct SetupCase {
  const char* name;
  std::string conf;
  bool tls_from_start;
  bool pass_shared_env;
  Code code;  // kOk: SetUpServerTls succeeds and `check` runs
  std::function<void(const ServerTls&)> check;
};

TEST_F(ServerSetupTest, Table) {
  const std::string no_cert = "configdirectory: " + JoinPath(dir_, "conf") + "\n";
  const std::string elsewhere = JoinPath(dir_, "cache");
  ASSERT_TRUE(MakeDirectories(elsewhere, 0755).ok());
  const SetupCase cases[] = {
      {"no certificate: TLS off, nothing opened", no_cert, false, true, Code::kOk,
       [](const ServerTls& t) {
         EXPECT_EQ(t.context, nullptr);
         EXPECT_EQ(t.sessions, nullptr);
         EXPECT_EQ(t.own_env, nullptr);
       }},
      {"-s without a certificate", no_cert, true, true, Code::kInvalid, nullptr},
      {"-s with the certificate disabled", Conf("imaps_tls_cert_file: disabled\n"), true, true,
       Code::kInvalid, nullptr},
      {"cache in the shared environment", Conf(""), false, true, Code::kOk,
       [this](const ServerTls& t) {
         EXPECT_NE(t.context, nullptr);
         EXPECT_NE(t.sessions, nullptr);
         EXPECT_EQ(t.own_env, nullptr);
         EXPECT_TRUE(PathExists(JoinPath(db_dir_, "tls_sessions.db")));
       }},
      {"-s with a certificate", Conf(""), true, true, Code::kOk,
       [](const ServerTls& t) { EXPECT_NE(t.context, nullptr); }},
      {"cache elsewhere gets its own environment",
       Conf("tls_sessions_db_path: " + JoinPath(elsewhere, "t.db") + "\n"), false, true, Code::kOk,
       [&elsewhere](const ServerTls& t) {
         EXPECT_NE(t.sessions, nullptr);
         ASSERT_NE(t.own_env, nullptr);
         EXPECT_EQ(t.own_env->dir(), elsewhere);
         EXPECT_TRUE(PathExists(JoinPath(elsewhere, "t.db")));
       }},
      {"no shared environment: one of its own", Conf(""), false, false, Code::kOk,
       [this](const ServerTls& t) {
         EXPECT_NE(t.sessions, nullptr);
         ASSERT_NE(t.own_env, nullptr);
         EXPECT_EQ(t.own_env->dir(), db_dir_);
       }},
      {"session timeout 0: no cache", Conf("tls_session_timeout: 0\n"), false, true, Code::kOk,
       [](const ServerTls& t) {
         EXPECT_NE(t.context, nullptr);
         EXPECT_EQ(t.sessions, nullptr);
       }},
      {"unopenable cache: TLS without it",
       Conf("tls_sessions_db_path: " + JoinPath(key_file_, "t.db") + "\n"), false, true, Code::kOk,
       [](const ServerTls& t) {
         EXPECT_NE(t.context, nullptr);
         EXPECT_EQ(t.sessions, nullptr);
         EXPECT_EQ(t.own_env, nullptr);
       }},
      {"missing certificate file", Conf("imaps_tls_cert_file: " + JoinPath(dir_, "nope.pem") + "\n"),
       false, true, Code::kInvalid, nullptr},
      {"key does not match the certificate", Conf("imaps_tls_key_file: " + other_key_ + "\n"), false,
       true, Code::kInvalid, nullptr},
  };
  for (const SetupCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<config::Config> config = config::Config::Parse(c.conf, "imapd.conf");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Result<ServerTls> tls = SetUpServerTls(*config, "imaps", c.tls_from_start,
                                           c.pass_shared_env ? shared_env_.get() : nullptr);
    ASSERT_EQ(tls.code(), c.code) << tls.status().ToString();
    if (tls.ok()) c.check(*tls);
  }
}

TEST_F(ServerSetupTest, ErrorsNameTheProblem) {
  auto config = config::Config::Parse(
      "configdirectory: " + dir_ + "\ntls_server_cert: " + JoinPath(dir_, "nope.pem") + "\n",
      "imapd.conf");
  ASSERT_TRUE(config.ok());
  Result<ServerTls> tls = SetUpServerTls(*config, "imap", false, shared_env_.get());
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.status().message().find("nope.pem"), std::string::npos) << tls.status().message();
  config = config::Config::Parse("configdirectory: " + dir_ + "\n", "imapd.conf");
  ASSERT_TRUE(config.ok());
  tls = SetUpServerTls(*config, "imaps", true, shared_env_.get());
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.status().message().find("-s given"), std::string::npos);
}

}  // namespace
}  // namespace satrap::tls
