// Process-wide Cyrus SASL set-up for the servers (imapd, pop3d, lmtpd,
// timsieved): sasl_server_init() exactly once, under the application name
// "Cyrus" as Cyrus IMAP uses, so a site's SASL set-up keeps working.
//
// libsasl2 asks for its options through a callback; it gets imapd.conf's
// `sasl_*` family without the prefix, as Cyrus's mysasl_config does:
// `sasl_pwcheck_method` answers "pwcheck_method", `sasl_ldapdb_uri` answers
// "ldapdb_uri", and `sasl_PLUGIN_OPTION` wins over `sasl_OPTION` when the
// plugin asking is PLUGIN. libsasl2 log lines go to log:: (ERR as Error, FAIL
// and NOTE as Notice, WARN as Warning, the rest as Debug).
//
// Lifetime: Init() keeps its config (a cheap shared copy) for the life of the
// process. Calling Init() again swaps the config the callbacks answer from
// (tests; a worker re-reading imapd.conf). Strings handed to libsasl2 are
// never freed, since a plugin may keep them. What libsasl2 reads only at its
// first init (which plugins to load, `mech_list` filtering inside libsasl2)
// keeps its first value; AuthSession re-applies sasl_mech_list itself, so the
// advertised list always follows the current config.
//
// Not thread-safe; workers are single-threaded.
#pragma once

#include <string_view>

#include "base/status.h"
#include "config/imapd_config.h"

namespace satrap::auth {

// Initialises libsasl2's server side (first call) and makes `config` the one
// its callbacks read; `service` (the cyrus.conf service name this worker
// serves, "" for none) lets `SERVICE_sasl_KEY` override `sasl_KEY`.
// kInternal if libsasl2 cannot initialise (no plugins, wrong library
// version); the caller treats that as a startup failure.
Status Init(const config::Config& config, std::string_view service = {});

// True once Init() has succeeded.
bool Initialized();

// Gives libsasl2's state and loaded plugins back (sasl_done) if no
// AuthSession is open; the next AuthSession::Create() starts libsasl2 again
// with the latest Init()'s config. For workers whose client logged in and
// went quiet: a session never uses SASL after its login (no security layer
// is ever negotiated, auth_session.h), while the mechanism and auxprop
// plugins (and the libdb the sasldb plugin pulls in) hold some 70 KB of
// private memory in every idle worker. Not on every logout: starting
// libsasl2 again costs the next connection the plugins' dlopen.
void ReleaseWhileUnused();

namespace internal {
// AuthSession's bracket: starts libsasl2 again if released, counts open
// sessions so that ReleaseWhileUnused() never pulls it from under one.
Status OpenSession();
void CloseSession();
}  // namespace internal

// The config given to the latest Init(); CHECKs that Init() ran.
const config::Config& CurrentConfig();

// The answer to libsasl2's option callback for `option` asked by `plugin`
// (nullptr for the library itself), or nullptr. Exposed for tests and for
// the admin tools' diagnostics.
const char* SaslOption(const char* plugin, const char* option);

}  // namespace satrap::auth
