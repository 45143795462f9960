// The one place where pop3d turns a Status into a "-ERR" line (RFC 1939 §3,
// with the RFC 2449 §8 / RFC 3206 response codes pop3d advertises in CAPA
// RESP-CODES and AUTH-RESP-CODE):
//   [IN-USE]       the maildrop is held by another POP3 session
//   [LOGIN-DELAY]  the user logged in more recently than popminpoll allows
//   [SYS/TEMP]     a transient failure: retrying later may work
//   [SYS/PERM]     a permanent failure: retrying will not help
//   [AUTH]         the credentials were not accepted
// The client never sees Status::message() (it is for the log); internal
// errors name the session so that an administrator can find the log line.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace satrap::pop3d {

// What went wrong opening the maildrop, reading or expunging messages:
// "-ERR [CODE] text\r\n"; kRateLimited is popminpoll's [LOGIN-DELAY]
// (RFC 2449 §8.1.1).
std::string ErrLine(const Status& status, std::string_view session_id);

// A message that cannot be read (RETR, TOP): kNotFound means another
// session (IMAP) expunged it after login; otherwise as ErrLine().
std::string MessageErrLine(const Status& status, std::string_view session_id);

// A failed USER/PASS, APOP or AUTH (see auth_session.h for the codes).
std::string AuthErrLine(const Status& status, std::string_view session_id);

// "-ERR [CODE] text\r\n", or "-ERR text\r\n" with an empty code.
std::string Err(std::string_view code, std::string_view text);

}  // namespace satrap::pop3d
