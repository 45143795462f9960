#include "base/check.h"

#include <syslog.h>

#include <cstdio>
#include <cstdlib>

namespace satrap::internal {

CheckFailure::CheckFailure(const char* condition, const char* file, int line) {
  stream_ << "panic: " << file << ":" << line << ": CHECK(" << condition << ") failed";
}

CheckFailure::~CheckFailure() {
  std::string text = stream_.str();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  syslog(LOG_CRIT, "%s", text.c_str());
  std::abort();
}

}  // namespace satrap::internal
