// Logging: syslog under `syslog_prefix/<service>` with the pid, and a copy on
// stderr when debugging (cyrmaster -D, tools run by hand, tests).
//
// One line per event: a sentence, then key=value fields
//   log::Notice("login: %s [%s] %s %s User logged in", host, ip, user, mech);
// Never log passwords, SASL exchanges or literal contents.
//
// Severity follows Postfix: Info/Notice for events, Warning for something the
// admin should look at, Error for a failed operation, Fatal for a startup or
// configuration problem that ends the process (exit code from sysexits.h).
// Bugs are not logged here; they CHECK() (base/check.h).
#pragma once

#include <string>
#include <string_view>

namespace satrap::log {

struct Options {
  std::string ident = "satrap";  // program or service name ("imapd", "cyrmaster")
  std::string prefix;            // imapd.conf syslog_prefix ("cyrus" -> "cyrus/imapd")
  int facility = 0;              // LOG_MAIL and friends; 0 means LOG_MAIL
  bool to_stderr = false;        // copy every line to stderr
  bool debug = false;            // let Debug() lines through
};

// Opens syslog. May be called again (after the config is read, after fork) to
// change the identity; the previous settings are replaced.
void Init(const Options& options);
const Options& CurrentOptions();

// Maps a syslog_facility value ("LOCAL6", "mail", ...) to LOG_*; -1 if unknown.
int FacilityFromName(std::string_view name);

void Debug(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Notice(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Error(const char* format, ...) __attribute__((format(printf, 1, 2)));
// Logs at LOG_CRIT, always copies to stderr, and exits with `exit_code`
// (EX_CONFIG, EX_TEMPFAIL, EX_OSERR, ... from <sysexits.h>).
[[noreturn]] void Fatal(int exit_code, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

}  // namespace satrap::log
