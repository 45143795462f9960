// The login and badlogin log lines, worded as Cyrus words them so that
// existing log watchers (fail2ban filters, reports) keep working:
//
//   login: localhost [127.0.0.1] alice PLAIN User logged in
//   login: localhost [127.0.0.1] alice plaintext+TLS User logged in
//   badlogin: localhost [127.0.0.1] PLAIN [SASL(-13): authentication failure: Password verification failed]
//   badlogin: localhost [127.0.0.1] plaintext alice SASL(-13): user not found: ...
//
// `peer` is the caller's description of the client, "host [address]".
// Anything a client chose (user names) is logged with control characters
// and spaces replaced by '?', so a client cannot forge log lines.
#pragma once

#include <string>
#include <string_view>

#include "auth/auth_session.h"
#include "base/status.h"

namespace satrap::auth {

// "login: <peer> <userid> <mechanism>[+TLS] User logged in", with
// " authid=<authid>" appended when an admin acted as another user.
std::string LoginLine(std::string_view peer, const Authenticated& who, bool tls);

// SASL mechanisms and APOP: "badlogin: <peer> <mechanism> [<detail>]".
// Plaintext logins (`mechanism` "plaintext", `user` given):
// "badlogin: <peer> plaintext <user> <detail>".
std::string BadLoginLine(std::string_view peer, std::string_view mechanism, std::string_view user,
                         const Status& failure);

// The same lines, logged at Notice.
void LogLogin(std::string_view peer, const Authenticated& who, bool tls);
void LogBadLogin(std::string_view peer, std::string_view mechanism, std::string_view user,
                 const Status& failure);

}  // namespace satrap::auth
