#include "sasl_fixture.h"

#include <gtest/gtest.h>
#include <sasl/sasl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "auth/sasl_init.h"
#include "base/check.h"
#include "config/imapd_config.h"

namespace satrap::auth::testing {
namespace {

bool AddUserTo(const std::string& sasldb, std::string_view user, std::string_view password,
               std::string_view realm = kRealm);

struct Environment {
  std::string dir;
  std::string sasldb;
  bool client_ready = false;
};

Environment& Env() {
  static Environment* env = [] {
    auto* e = new Environment();
    char tmpl[] = "/tmp/satrap-auth-XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr) << "mkdtemp failed";
    e->dir = tmpl;
    e->sasldb = e->dir + "/sasldb2";
    std::atexit([] { std::filesystem::remove_all(Env().dir); });
    // The sasldb plugin only accepts a database that exists at init.
    for (const char* user : kUsers) CHECK(AddUserTo(e->sasldb, user, PasswordOf(user))) << user;
    return e;
  }();
  return *env;
}

std::string ShellQuote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  return quoted + "'";
}

// Client callbacks read the credentials of the run in progress; the secret
// lives in the context until the client connection is gone.
struct ClientContext {
  const Credentials* credentials;
  std::vector<unsigned char> secret;
};

int ClientSimple(void* context, int id, const char** result, unsigned* len) {
  const Credentials* credentials = static_cast<ClientContext*>(context)->credentials;
  const std::string* value = nullptr;
  if (id == SASL_CB_USER) value = &credentials->authzid;
  else if (id == SASL_CB_AUTHNAME) value = &credentials->authid;
  else return SASL_BADPARAM;
  *result = value->c_str();
  if (len != nullptr) *len = static_cast<unsigned>(value->size());
  return SASL_OK;
}

int ClientPassword(sasl_conn_t* conn, void* context, int id, sasl_secret_t** secret) {
  auto* client = static_cast<ClientContext*>(context);
  const std::string& password = client->credentials->password;
  client->secret.assign(sizeof(sasl_secret_t) + password.size() + 1, 0);
  auto* buffer = reinterpret_cast<sasl_secret_t*>(client->secret.data());
  buffer->len = password.size();
  memcpy(buffer->data, password.data(), password.size());
  *secret = buffer;
  return SASL_OK;
}

int ClientRealm(void* context, int id, const char** available, const char** result) {
  *result = (available != nullptr && available[0] != nullptr) ? available[0] : kRealm;
  return SASL_OK;
}

template <typename Function>
int (*AsCallback(Function* function))() {
  return reinterpret_cast<int (*)()>(reinterpret_cast<void (*)()>(function));
}

void InitClient() {
  if (Env().client_ready) return;
  ASSERT_EQ(sasl_client_init(nullptr), SASL_OK);
  Env().client_ready = true;
}

}  // namespace

std::string PasswordOf(std::string_view user) { return std::string(user) + "-secret"; }

void ClientEndedBySaslDone() { Env().client_ready = false; }

const std::string& TestDir() { return Env().dir; }
const std::string& SasldbPath() { return Env().sasldb; }

bool AddSasldbUser(std::string_view user, std::string_view password, std::string_view realm) {
  return AddUserTo(Env().sasldb, user, password, realm);
}

namespace {

bool AddUserTo(const std::string& sasldb, std::string_view user, std::string_view password,
               std::string_view realm) {
  std::string command = "saslpasswd2 -f " + ShellQuote(sasldb) + " -u " + ShellQuote(realm) +
                        " -c -p " + ShellQuote(user);
  FILE* pipe = popen(command.c_str(), "w");
  if (pipe == nullptr) return false;
  fwrite(password.data(), 1, password.size(), pipe);
  int status = pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

void UseConfig(std::string_view extra) {
  std::string text = "servername: " + std::string(kRealm) + "\n" +
                     "sasl_pwcheck_method: auxprop\n"
                     "sasl_auxprop_plugin: sasldb\n"
                     "sasl_sasldb_path: " + Env().sasldb + "\n" +
                     std::string(extra);
  // Tests take no pauses unless they ask for some.
  if (extra.find("failedloginpause:") == std::string_view::npos) text += "failedloginpause: 0\n";
  Result<config::Config> config = config::Config::Parse(text, "test-imapd.conf");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Status status = Init(*config);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

std::vector<std::string> ClientMechanisms() {
  InitClient();
  std::vector<std::string> names;
  const char** list = sasl_global_listmech();
  for (; list != nullptr && *list != nullptr; ++list) names.emplace_back(*list);
  return names;
}

ClientRun RunClient(AuthSession& session, const std::string& mechanism,
                    const Credentials& credentials, bool initial_response) {
  InitClient();
  ClientRun run;
  ClientContext client{&credentials, {}};
  ClientContext* context = &client;
  sasl_callback_t callbacks[] = {
      {SASL_CB_USER, AsCallback(&ClientSimple), context},
      {SASL_CB_AUTHNAME, AsCallback(&ClientSimple), context},
      {SASL_CB_PASS, AsCallback(&ClientPassword), context},
      {SASL_CB_GETREALM, AsCallback(&ClientRealm), context},
      {SASL_CB_LIST_END, nullptr, nullptr},
  };
  sasl_conn_t* conn = nullptr;
  CHECK(sasl_client_new("imap", kRealm, nullptr, nullptr, callbacks, 0, &conn) == SASL_OK);
  sasl_security_properties_t props{};
  props.max_ssf = 0;  // Satrap negotiates no security layer
  sasl_setprop(conn, SASL_SEC_PROPS, &props);

  const char* out = nullptr;
  unsigned out_length = 0;
  const char* chosen = nullptr;
  sasl_interact_t* interact = nullptr;
  int result = sasl_client_start(conn, mechanism.c_str(), &interact, &out, &out_length, &chosen);
  if (result != SASL_OK && result != SASL_CONTINUE) {
    run.client_error = sasl_errdetail(conn);
    sasl_dispose(&conn);
    return run;
  }
  std::optional<std::string> first;
  if (out != nullptr) first = std::string(out, out_length);
  if (initial_response) {
    run.last = session.Start(mechanism, first);
    first.reset();
  } else {
    run.last = session.Start(mechanism, std::nullopt);
  }
  while (run.last.state == AuthStep::State::kContinue && run.rounds < 20) {
    ++run.rounds;
    std::string response;
    if (first && run.last.data.empty()) {
      response = *first;  // the client had spoken first; the server asked for it
      first.reset();
    } else {
      result = sasl_client_step(conn, run.last.data.data(), static_cast<unsigned>(run.last.data.size()),
                                &interact, &out, &out_length);
      if (result != SASL_OK && result != SASL_CONTINUE) {
        run.client_error = sasl_errdetail(conn);
        run.client_verified = false;
        session.Cancel();
        break;
      }
      response = out != nullptr ? std::string(out, out_length) : std::string();
    }
    run.last = session.Step(response);
  }
  if (run.last.state == AuthStep::State::kDone && !run.last.data.empty()) {
    result = sasl_client_step(conn, run.last.data.data(), static_cast<unsigned>(run.last.data.size()),
                              &interact, &out, &out_length);
    run.client_verified = result == SASL_OK;
    if (result != SASL_OK) run.client_error = sasl_errdetail(conn);
  }
  sasl_dispose(&conn);
  return run;
}

struct SaslClient::State {
  Credentials credentials;
  ClientContext context{&credentials, {}};
  sasl_callback_t callbacks[5] = {
      {SASL_CB_USER, AsCallback(&ClientSimple), &context},
      {SASL_CB_AUTHNAME, AsCallback(&ClientSimple), &context},
      {SASL_CB_PASS, AsCallback(&ClientPassword), &context},
      {SASL_CB_GETREALM, AsCallback(&ClientRealm), &context},
      {SASL_CB_LIST_END, nullptr, nullptr},
  };
  sasl_conn_t* conn = nullptr;
};

SaslClient::SaslClient(const std::string& mechanism, Credentials credentials)
    : state_(std::make_unique<State>()) {
  InitClient();
  state_->credentials = std::move(credentials);
  CHECK(sasl_client_new("imap", kRealm, nullptr, nullptr, state_->callbacks, 0, &state_->conn) ==
        SASL_OK);
  sasl_security_properties_t props{};
  props.max_ssf = 0;  // Satrap negotiates no security layer
  sasl_setprop(state_->conn, SASL_SEC_PROPS, &props);
  const char* out = nullptr;
  unsigned out_length = 0;
  const char* chosen = nullptr;
  sasl_interact_t* interact = nullptr;
  int result = sasl_client_start(state_->conn, mechanism.c_str(), &interact, &out, &out_length,
                                 &chosen);
  started_ = result == SASL_OK || result == SASL_CONTINUE;
  if (started_ && out != nullptr) initial_ = std::string(out, out_length);
}

SaslClient::~SaslClient() { sasl_dispose(&state_->conn); }

std::optional<std::string> SaslClient::Step(std::string_view challenge) {
  const char* out = nullptr;
  unsigned out_length = 0;
  sasl_interact_t* interact = nullptr;
  int result = sasl_client_step(state_->conn, challenge.data(),
                                static_cast<unsigned>(challenge.size()), &interact, &out,
                                &out_length);
  if (result != SASL_OK && result != SASL_CONTINUE) return std::nullopt;
  return out != nullptr ? std::string(out, out_length) : std::string();
}

void TableGroupResolver::Set(std::string user, std::vector<std::string> groups) {
  table_.emplace_back(std::move(user), std::move(groups));
}

Result<std::vector<std::string>> TableGroupResolver::GroupsOf(std::string_view userid) {
  ++lookups_;
  if (!failing_.empty() && userid == failing_) return Status::TempFail("directory unreachable");
  for (const auto& [user, groups] : table_) {
    if (user == userid) return groups;
  }
  return std::vector<std::string>{};
}

}  // namespace satrap::auth::testing
