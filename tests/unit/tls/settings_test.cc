// SettingsFor(): imapd.conf keys, their other spellings and per-service
// overrides, as Cyrus reads them (imapd.conf(5)).
#include "tls/settings.h"

#include <gtest/gtest.h>

namespace satrap::tls {
namespace {

struct SettingsCase {
  const char* name;
  const char* conf;
  const char* service;
  std::function<void(const TlsSettings&)> check;
};

TEST(TlsSettings, FromImapdConf) {
  const SettingsCase cases[] = {
      {"defaults", "configdirectory: /var/lib/imap\n", "imap",
       [](const TlsSettings& s) {
         EXPECT_FALSE(s.enabled());
         EXPECT_EQ(s.cipher_list, "DEFAULT");
         EXPECT_EQ(s.versions, (std::vector<std::string>{"tls1_2", "tls1_3"}));
         EXPECT_EQ(s.client_certs, ClientCerts::kOptional);
         EXPECT_EQ(s.session_timeout, std::chrono::hours(24));
         EXPECT_EQ(s.session_id_context, "satrap/imap");
       }},
      {"seed 001 (Cyrus 2 spellings)",
       "tls_cert_file: /etc/ssl/imap.pem\ntls_key_file: /etc/ssl/imap.key\n"
       "tls_ca_file: /etc/ssl/ca.crt\ntls_session_timeout: 30\n"
       "tls_cipher_list: TLSv1+HIGH:!aNULL:@STRENGTH\n",
       "imaps",
       [](const TlsSettings& s) {
         EXPECT_TRUE(s.enabled());
         EXPECT_EQ(s.cert_file, "/etc/ssl/imap.pem");
         EXPECT_EQ(s.key_file, "/etc/ssl/imap.key");
         EXPECT_EQ(s.ca_file, "/etc/ssl/ca.crt");
         EXPECT_EQ(s.session_timeout, std::chrono::minutes(30));  // bare number: minutes
         EXPECT_EQ(s.cipher_list, "TLSv1+HIGH:!aNULL:@STRENGTH");
       }},
      {"Cyrus 3 spellings", "tls_server_cert: /c.pem\ntls_server_key: /k.pem\ntls_ciphers: HIGH\n",
       "imap",
       [](const TlsSettings& s) {
         EXPECT_EQ(s.cert_file, "/c.pem");
         EXPECT_EQ(s.key_file, "/k.pem");
         EXPECT_EQ(s.cipher_list, "HIGH");
       }},
      {"service override wins", "tls_cert_file: /all.pem\nimap_tls_cert_file: /imap.pem\n", "imap",
       [](const TlsSettings& s) { EXPECT_EQ(s.cert_file, "/imap.pem"); }},
      {"override is per service", "tls_cert_file: /all.pem\nimap_tls_cert_file: /imap.pem\n",
       "pop3", [](const TlsSettings& s) { EXPECT_EQ(s.cert_file, "/all.pem"); }},
      {"old override form disables", "tls_cert_file: /all.pem\ntls_pop3_cert_file: disabled\n",
       "pop3", [](const TlsSettings& s) { EXPECT_FALSE(s.enabled()); }},
      {"timeout capped at 24h", "tls_session_timeout: 100000\n", "imap",
       [](const TlsSettings& s) { EXPECT_EQ(s.session_timeout, kMaxSessionTimeout); }},
      {"timeout 0 turns the cache off", "tls_session_timeout: 0\n", "imap",
       [](const TlsSettings& s) { EXPECT_EQ(s.session_timeout.count(), 0); }},
      {"versions and client certs", "tls_versions: tls1_3\ntls_client_certs: require\n", "imap",
       [](const TlsSettings& s) {
         EXPECT_EQ(s.versions, (std::vector<std::string>{"tls1_3"}));
         EXPECT_EQ(s.client_certs, ClientCerts::kRequire);
       }},
      {"client certs off", "tls_client_certs: off\ntls_prefer_server_ciphers: yes\n", "imap",
       [](const TlsSettings& s) {
         EXPECT_EQ(s.client_certs, ClientCerts::kOff);
         EXPECT_TRUE(s.prefer_server_ciphers);
       }},
  };
  for (const SettingsCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<config::Config> config = config::Config::Parse(c.conf, "imapd.conf");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    c.check(SettingsFor(*config, c.service));
  }
}

TEST(TlsSettings, SessionDbPath) {
  auto config = config::Config::Parse("configdirectory: /var/lib/imap\n", "imapd.conf");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(SessionDbPath(*config), "/var/lib/imap/db/tls_sessions.db");
  config = config::Config::Parse("configdirectory: /v\ntlscache_db_path: /x/t.db\n", "imapd.conf");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(SessionDbPath(*config), "/x/t.db");
}

}  // namespace
}  // namespace satrap::tls
