// Test set-up shared by the auth tests: a real sasldb made with saslpasswd2
// in a temporary folder, a config pointing libsasl2 at it, and a real
// libsasl2 client driving an AuthSession.
//
// libsasl2 is initialised once per process. The sasldb plugin checks its
// file only at that first init, so the database is made before auth::Init();
// every test then swaps in the config it needs with UseConfig(), which the
// option callback and AuthSession::Create() read afresh.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_session.h"

namespace satrap::auth::testing {

inline constexpr const char* kRealm = "mail.test";

// The users in the test sasldb (password = user + "-secret").
inline constexpr const char* kUsers[] = {"alice", "bob", "admin", "proxy"};
std::string PasswordOf(std::string_view user);
// sasl_done() (auth::ReleaseWhileUnused) ends libsasl2's client side in this
// process too: the next client exchange starts it again.
void ClientEndedBySaslDone();

// The temporary folder (made on first use, removed at exit).
const std::string& TestDir();
const std::string& SasldbPath();

// Makes `extra` (imapd.conf lines) plus the sasldb settings the current
// config, initialising libsasl2 the first time. Fails the test on error.
void UseConfig(std::string_view extra);

// Adds or replaces a sasldb user of `realm` with saslpasswd2; true on success.
bool AddSasldbUser(std::string_view user, std::string_view password,
                   std::string_view realm = kRealm);

struct Credentials {
  std::string authid;
  std::string password;
  std::string authzid;  // empty: act as authid
};

struct ClientRun {
  AuthStep last;               // the server's final answer
  int rounds = 0;              // challenges answered
  bool client_verified = true; // the client accepted the server's final data
  std::string client_error;    // a client-side libsasl2 failure, if any
};

// Runs a whole exchange of `mechanism` between a real libsasl2 client with
// `credentials` and `session`. With `initial_response` false, the client's
// first message waits for the server's first (empty) challenge, as an IMAP
// client without SASL-IR does.
ClientRun RunClient(AuthSession& session, const std::string& mechanism,
                    const Credentials& credentials, bool initial_response = true);

// A real libsasl2 client for one exchange, stepped by the caller (the SASL
// exchange tests put it behind a protocol's framing). Not copyable: the
// client connection's callbacks point into it.
class SaslClient {
 public:
  SaslClient(const std::string& mechanism, Credentials credentials);
  ~SaslClient();
  SaslClient(const SaslClient&) = delete;
  SaslClient& operator=(const SaslClient&) = delete;

  // False when the client could not start the mechanism.
  bool started() const { return started_; }
  // The client's first message when the mechanism speaks first (PLAIN).
  const std::optional<std::string>& initial() const { return initial_; }
  // The client's answer to `challenge`; nullopt on a client-side failure.
  std::optional<std::string> Step(std::string_view challenge);

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool started_ = false;
  std::optional<std::string> initial_;
};

// Mechanisms the installed client plugins support (sasl_global_listmech).
std::vector<std::string> ClientMechanisms();

// A GroupResolver over a fixed table: the tests' stand-in for a directory.
class TableGroupResolver : public GroupResolver {
 public:
  void Set(std::string user, std::vector<std::string> groups);
  void FailFor(std::string user) { failing_ = std::move(user); }
  Result<std::vector<std::string>> GroupsOf(std::string_view userid) override;
  int lookups() const { return lookups_; }

 private:
  int lookups_ = 0;
  std::vector<std::pair<std::string, std::vector<std::string>>> table_;
  std::string failing_;
};

}  // namespace satrap::auth::testing
