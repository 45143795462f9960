// Which libsasl2 plugin files a server needs to load.
//
// libsasl2 dlopens every plugin in its directory at sasl_server_init. Each
// one costs a worker its relocated pages, and several (DIGEST-MD5, SCRAM,
// NTLM, OTP) pull in a shared libcrypto whose relocations alone are ~400 KB of
// private memory per process. When `sasl_mech_list` names the mechanisms,
// plugins that offer none of them are never used, so they are not loaded.
// Files not recognised as a mechanism plugin (auxprop: sasldb, sql, ldapdb;
// canonuser; anything new) are always loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace satrap::auth {

// Whether the plugin at `path` (any directory; file name as installed, e.g.
// "libscram.so" or "libplain.so.2") must be loaded when the mechanisms in
// `mech_list` (upper case; empty: all allowed) are the only ones offered.
bool SaslPluginWanted(std::string_view path, const std::vector<std::string>& mech_list);

// sasl_mech_list's words, upper-cased (commas separate as well as spaces,
// as in libsasl2); empty when `value` is empty.
std::vector<std::string> ParseMechList(std::string_view value);

}  // namespace satrap::auth
