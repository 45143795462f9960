#include "auth/sasl_init.h"

#include <sasl/sasl.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/sasl_internal.h"
#include "auth/sasl_plugins.h"
#include "base/check.h"
#include "base/strings.h"
#include "log/log.h"

namespace satrap::auth {
namespace {

// One config and its `sasl_` family. Retired snapshots are kept, never freed:
// libsasl2 may hold a `const char*` we returned for as long as it likes.
struct Snapshot {
  config::Config config;
  std::map<std::string, std::string> sasl_options;
  std::vector<std::string> mech_list;  // sasl_mech_list, upper case
};

struct Global {
  bool initialized = false;  // Init() ran
  bool library_up = false;   // sasl_server_init() is in effect (not released)
  int open_sessions = 0;
  std::shared_ptr<const Snapshot> current;
  std::vector<std::shared_ptr<const Snapshot>> retired;
};

Global& State() {
  static Global* state = new Global();  // never destroyed: libsasl2 may call back at exit
  return *state;
}

const std::string* Find(const Snapshot& snapshot, const std::string& key) {
  auto it = snapshot.sasl_options.find(key);
  if (it == snapshot.sasl_options.end()) it = snapshot.sasl_options.find(AsciiLower(key));
  return it == snapshot.sasl_options.end() ? nullptr : &it->second;
}

int GetOptionCallback(void* context, const char* plugin, const char* option, const char** result,
                      unsigned* len) {
  const char* value = SaslOption(plugin, option);
  if (value == nullptr) return SASL_FAIL;
  *result = value;
  if (len != nullptr) *len = static_cast<unsigned>(strlen(value));
  return SASL_OK;
}

int LogCallback(void* context, int level, const char* message) {
  if (message == nullptr) return SASL_OK;
  switch (level) {
    case SASL_LOG_NONE: break;
    case SASL_LOG_ERR: log::Error("SASL: %s", message); break;
    case SASL_LOG_WARN: log::Warning("SASL: %s", message); break;
    case SASL_LOG_FAIL:
    case SASL_LOG_NOTE: log::Notice("SASL: %s", message); break;
    default: log::Debug("SASL: %s", message); break;
  }
  return SASL_OK;
}

// Plugins offering no listed mechanism are skipped before dlopen (see
// sasl_plugins.h); every other file libsasl2 asks about is fine.
int VerifyFileCallback(void* context, const char* file, sasl_verify_type_t type) {
  if (type != SASL_VRFY_PLUGIN || file == nullptr || !State().current) return SASL_OK;
  return SaslPluginWanted(file, State().current->mech_list) ? SASL_OK : SASL_CONTINUE;
}

const sasl_callback_t kCallbacks[] = {
    {SASL_CB_GETOPT, SaslFunction(&GetOptionCallback), nullptr},
    {SASL_CB_VERIFYFILE, SaslFunction(&VerifyFileCallback), nullptr},
    {SASL_CB_LOG, SaslFunction(&LogCallback), nullptr},
    {SASL_CB_LIST_END, nullptr, nullptr},
};

Status StartLibrary() {
  int result = sasl_server_init(kCallbacks, "Cyrus");
  if (result != SASL_OK) {
    return Status::Internal(
        StringPrintf("sasl_server_init: %s", sasl_errstring(result, nullptr, nullptr)));
  }
  State().library_up = true;
  return Status::Ok();
}

}  // namespace

Status Init(const config::Config& config, std::string_view service) {
  Global& state = State();
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->config = config;
  snapshot->sasl_options = config.Family(service, "sasl_");
  // Cyrus hands the Kerberos `srvtab` option to SASL under its own name.
  if (const std::string* srvtab = config.Raw("srvtab")) {
    snapshot->sasl_options.emplace("srvtab", *srvtab);
  }
  if (const std::string* mechs = Find(*snapshot, "mech_list")) {
    snapshot->mech_list = ParseMechList(*mechs);
  }
  if (state.current) state.retired.push_back(state.current);
  state.current = std::move(snapshot);
  if (state.library_up) return Status::Ok();
  SATRAP_RETURN_IF_ERROR(StartLibrary());
  state.initialized = true;
  return Status::Ok();
}

bool Initialized() { return State().initialized; }

void ReleaseWhileUnused() {
  Global& state = State();
  if (!state.library_up || state.open_sessions > 0) return;
  sasl_done();
  state.library_up = false;
}

namespace internal {

Status OpenSession() {
  Global& state = State();
  CHECK(state.initialized) << "auth::Init() must run before AuthSession::Create()";
  if (!state.library_up) SATRAP_RETURN_IF_ERROR(StartLibrary());
  ++state.open_sessions;
  return Status::Ok();
}

void CloseSession() { --State().open_sessions; }

}  // namespace internal

const config::Config& CurrentConfig() {
  CHECK(State().current) << "auth::Init() was not called";
  return State().current->config;
}

const char* SaslOption(const char* plugin, const char* option) {
  const Global& state = State();
  if (!state.current || option == nullptr) return nullptr;
  const Snapshot& snapshot = *state.current;
  if (plugin != nullptr && *plugin != '\0') {
    if (const std::string* value = Find(snapshot, std::string(plugin) + "_" + option)) {
      return value->c_str();
    }
  }
  const std::string* value = Find(snapshot, option);
  return value == nullptr ? nullptr : value->c_str();
}

}  // namespace satrap::auth
