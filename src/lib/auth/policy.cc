#include "auth/policy.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>

#include "auth/groups.h"
#include "base/strings.h"

namespace satrap::auth {
namespace {

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// True if `list` names `userid`, or names as "group:NAME" one of `groups`
// (bare group names).
bool Listed(const std::vector<std::string>& list, std::string_view userid,
            const std::vector<std::string>& groups) {
  for (const std::string& entry : list) {
    if (entry == userid) return true;
    if (entry.size() > kGroupPrefix.size() && StartsWithIgnoreCase(entry, kGroupPrefix)) {
      std::string_view group = std::string_view(entry).substr(kGroupPrefix.size());
      if (std::find(groups.begin(), groups.end(), group) != groups.end()) return true;
    }
  }
  return false;
}

bool ValidUserChar(unsigned char c) { return c >= 0x20 && c != 0x7F; }

}  // namespace

bool IsAnonymousUser(std::string_view userid) { return EqualsIgnoreCase(userid, kAnonymousUser); }

AuthPolicy AuthPolicy::FromConfig(const config::Config& config, std::string_view service) {
  AuthPolicy policy;
  policy.admins = config.GetList(service, "admins");
  policy.proxy_servers = config.GetList(service, "proxyservers");
  for (const std::string& realm : config.GetList(service, "loginrealms")) {
    policy.login_realms.push_back(AsciiLower(realm));
  }
  policy.allow_plaintext = config.GetBool(service, "allowplaintext");
  policy.allow_anonymous = config.GetBool(service, "allowanonymouslogin");
  policy.allow_apop = config.GetBool(service, "allowapop");
  // sasl_mech_list belongs to the sasl_ family (libsasl2 reads it too), not
  // to the option table; commas separate as well as spaces, as in libsasl2.
  std::map<std::string, std::string> sasl = config.Family(service, "sasl_");
  if (auto it = sasl.find("mech_list"); it != sasl.end()) {
    std::string words = it->second;
    std::replace(words.begin(), words.end(), ',', ' ');
    for (std::string_view mech : SplitWhitespace(words)) policy.mech_list.push_back(AsciiUpper(mech));
  }
  int64_t layer = config.GetInt(service, "sasl_minimum_layer");
  policy.minimum_layer = static_cast<unsigned>(std::clamp<int64_t>(layer, 0, 65535));
  int64_t pause = config.GetDuration(service, "failedloginpause");
  policy.failed_login_pause = std::chrono::seconds(std::clamp<int64_t>(pause, 0, 3600));
  policy.username_tolower = config.GetBool(service, "username_tolower");
  policy.virtdomains = config.GetString(service, "virtdomains") != "off";
  policy.default_domain = AsciiLower(config.GetString(service, "defaultdomain"));
  policy.server_name = config.GetString(service, "servername");
  if (policy.server_name.empty()) policy.server_name = HostName();
  return policy;
}

bool AuthPolicy::AdminsNameGroups() const {
  return std::any_of(admins.begin(), admins.end(),
                     [](const std::string& entry) {
                       return entry.size() > kGroupPrefix.size() &&
                              StartsWithIgnoreCase(entry, kGroupPrefix);
                     });
}

bool AuthPolicy::IsAdmin(std::string_view userid, const std::vector<std::string>& groups) const {
  if (IsAnonymousUser(userid)) return false;
  return Listed(admins, userid, groups);
}

bool AuthPolicy::MayActAs(std::string_view authid, const std::vector<std::string>& authid_groups,
                          std::string_view authzid) const {
  if (authid == authzid) return true;
  if (IsAnonymousUser(authid)) return false;
  return Listed(admins, authid, authid_groups) || Listed(proxy_servers, authid, authid_groups);
}

bool AuthPolicy::LoginRealmAllowed(std::string_view authid) const {
  if (virtdomains && login_realms.empty()) return true;
  size_t at = authid.find('@');
  if (at == std::string_view::npos) return true;
  std::string realm = AsciiLower(authid.substr(at + 1));
  return std::find(login_realms.begin(), login_realms.end(), realm) != login_realms.end();
}

std::string AuthPolicy::CanonicalUser(std::string_view user) const {
  if (user.empty()) return "";
  for (char c : user) {
    if (!ValidUserChar(static_cast<unsigned char>(c))) return "";
  }
  std::string local(user);
  std::string domain;
  if (virtdomains) {
    size_t at = local.find_last_of("@%");
    if (at != std::string::npos) {
      domain = AsciiLower(local.substr(at + 1));
      local.resize(at);
      if (local.empty() || domain.empty()) return "";
    }
  }
  if (IsAnonymousUser(local)) return std::string(kAnonymousUser);
  if (username_tolower) local = AsciiLower(local);
  if (domain.empty() || domain == default_domain) return local;
  return local + "@" + domain;
}

bool AuthPolicy::MechanismListed(std::string_view mechanism) const {
  if (mech_list.empty()) return true;
  return std::any_of(mech_list.begin(), mech_list.end(),
                     [&](const std::string& listed) { return EqualsIgnoreCase(listed, mechanism); });
}

bool AuthPolicy::PlaintextAllowed(unsigned ssf) const {
  if (!LayerSufficient(ssf)) return false;
  return allow_plaintext || ssf > 1;
}

std::chrono::seconds AuthPolicy::PauseAfter(int failures) const {
  if (failures <= 0) return std::chrono::seconds(0);
  return failed_login_pause * std::min(failures, kMaxPauseMultiple);
}

}  // namespace satrap::auth
