#include "log/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/strings.h"

namespace satrap::log {

namespace {

Options& State() {
  static Options* options = new Options();
  return *options;
}

// openlog() keeps the pointer it is given, so the identity must outlive it.
std::string& SyslogIdent() {
  static std::string* ident = new std::string("satrap");
  return *ident;
}

void Emit(int priority, const char* format, va_list args, bool force_stderr) {
  char line[4096];
  std::vsnprintf(line, sizeof line, format, args);
  ::syslog(priority, "%s", line);
  const Options& options = State();
  if (options.to_stderr || force_stderr) {
    std::fprintf(stderr, "%s[%d]: %s\n", SyslogIdent().c_str(), static_cast<int>(::getpid()), line);
    std::fflush(stderr);
  }
}

}  // namespace

void Init(const Options& options) {
  State() = options;
  std::string ident = options.prefix.empty() ? options.ident : options.prefix + "/" + options.ident;
  ::closelog();
  SyslogIdent() = ident;
  ::openlog(SyslogIdent().c_str(), LOG_PID | LOG_NDELAY,
            options.facility ? options.facility : LOG_MAIL);
}

const Options& CurrentOptions() { return State(); }

int FacilityFromName(std::string_view name) {
  struct Entry {
    const char* name;
    int facility;
  };
  static const Entry kFacilities[] = {
      {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
      {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV}, {"news", LOG_NEWS},
      {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
      {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
      {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
  };
  for (const Entry& e : kFacilities) {
    if (EqualsIgnoreCase(name, e.name)) return e.facility;
  }
  return -1;
}

#define SATRAP_LOG_BODY(priority, force)  \
  va_list args;                           \
  va_start(args, format);                 \
  Emit(priority, format, args, force);    \
  va_end(args)

void Debug(const char* format, ...) {
  if (!State().debug) return;
  SATRAP_LOG_BODY(LOG_DEBUG, false);
}
void Info(const char* format, ...) { SATRAP_LOG_BODY(LOG_INFO, false); }
void Notice(const char* format, ...) { SATRAP_LOG_BODY(LOG_NOTICE, false); }
void Warning(const char* format, ...) { SATRAP_LOG_BODY(LOG_WARNING, false); }
void Error(const char* format, ...) { SATRAP_LOG_BODY(LOG_ERR, false); }

void Fatal(int exit_code, const char* format, ...) {
  SATRAP_LOG_BODY(LOG_CRIT, true);
  std::exit(exit_code);
}

}  // namespace satrap::log
