// The authentication rules imapd.conf sets, read once per session into a
// plain value: who is an admin, who may act for whom, what a user name
// canonicalises to, when plaintext and anonymous logins are allowed, and how
// long to pause after a failure. Pure functions of the options; no SASL here,
// so every rule is testable on its own.
//
// Options (each may be overridden per service, `imap_admins` over `admins`):
//   admins, proxyservers   userids or group:NAME entries
//   allowplaintext         PLAIN/LOGIN/USER+PASS on an unencrypted channel
//   allowanonymouslogin    the user "anonymous" and the ANONYMOUS mechanism
//   allowapop              POP3 APOP (when SASL can check it)
//   sasl_mech_list         mechanisms to offer (empty: all the plugins offer)
//   sasl_minimum_layer     SSF the channel must give before any login
//   failedloginpause       pause after the first failure; grows per failure
//   username_tolower, virtdomains, defaultdomain   canonical user names
//   loginrealms            realms whose user@realm ids may log in
//   servername             the SASL server name (and default realm)
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "config/imapd_config.h"

namespace satrap::auth {

// The identity RFC 4505 ANONYMOUS and "LOGIN anonymous x" log in as.
inline constexpr std::string_view kAnonymousUser = "anonymous";

// Pauses after failures grow linearly (1x, 2x, 3x failedloginpause) up to
// this many multiples, so a guessing client slows down but a typo costs little.
inline constexpr int kMaxPauseMultiple = 5;

struct AuthPolicy {
  std::vector<std::string> admins;
  std::vector<std::string> proxy_servers;
  std::vector<std::string> login_realms;  // lower case
  bool allow_plaintext = false;
  bool allow_anonymous = false;
  bool allow_apop = true;
  std::vector<std::string> mech_list;  // upper case; empty means no filter
  unsigned minimum_layer = 0;
  std::chrono::seconds failed_login_pause{3};
  bool username_tolower = true;
  bool virtdomains = false;
  std::string default_domain;
  std::string server_name;  // never empty: gethostname() when unset

  // Reads the options for the cyrus.conf service `service` ("" for none).
  static AuthPolicy FromConfig(const config::Config& config, std::string_view service);

  // True if the admins list names any group: deciding IsAdmin then needs
  // the user's groups.
  bool AdminsNameGroups() const;
  // True if admins lists `userid`, or "group:NAME" for one of its `groups`
  // (bare names, as GroupResolver gives them). The anonymous user is never an admin.
  bool IsAdmin(std::string_view userid, const std::vector<std::string>& groups) const;
  // True if `authid` (with its groups) may act as `authzid`: the same user, an
  // admin, or a proxyservers entry (Cyrus mysasl_proxy_policy).
  bool MayActAs(std::string_view authid, const std::vector<std::string>& authid_groups,
                std::string_view authzid) const;
  // Cyrus's cross-realm rule: an authentication id "user@realm" may log in
  // only if realm is in loginrealms, unless virtdomains is on and
  // loginrealms is empty (then the realm is the user's domain).
  bool LoginRealmAllowed(std::string_view authid) const;
  // The canonical form of a user name as typed by a client, Cyrus
  // canonify_userid style: "anonymous" in any case becomes "anonymous"; with
  // virtdomains, "user%domain" becomes "user@domain" and the default domain
  // is dropped; username_tolower lower-cases. Empty when the name cannot be
  // a userid (empty, control characters, a stray '@').
  std::string CanonicalUser(std::string_view user) const;
  // Is the mechanism allowed by sasl_mech_list? (Case-insensitive.)
  bool MechanismListed(std::string_view mechanism) const;
  // Plaintext logins on a channel of strength `ssf` (0: clear, >1: TLS or a
  // local socket): allowed when encrypted or allowplaintext says so.
  bool PlaintextAllowed(unsigned ssf) const;
  // Is the channel strong enough for any login (sasl_minimum_layer)?
  bool LayerSufficient(unsigned ssf) const { return ssf >= minimum_layer; }
  // The pause to take after the `failures`-th failure of a session.
  std::chrono::seconds PauseAfter(int failures) const;
};

bool IsAnonymousUser(std::string_view userid);

}  // namespace satrap::auth
