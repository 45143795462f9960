#include "mailbox/glob.h"

#include <vector>

namespace satrap::mailbox {

namespace {

// Dynamic programming over (pattern position, name position); `partial`
// accepts when the name is exhausted at any pattern position that can still
// consume a separator (used for "could match below").
bool Match(std::string_view pattern, std::string_view name, char separator, bool partial) {
  const size_t p = pattern.size();
  const size_t n = name.size();
  // reach[i]: pattern prefix of length i matches the name prefix seen so far.
  std::vector<char> reach(p + 1, 0), next(p + 1, 0);
  reach[0] = 1;
  for (size_t i = 0; i < p && (pattern[i] == '*' || pattern[i] == '%'); ++i) reach[i + 1] = 1;
  for (size_t j = 0; j < n; ++j) {
    std::fill(next.begin(), next.end(), 0);
    const char c = name[j];
    for (size_t i = 0; i < p; ++i) {
      if (!reach[i]) continue;
      const char pc = pattern[i];
      if (pc == '*' || (pc == '%' && c != separator)) {
        next[i] = 1;  // the wildcard swallows c and stays
      } else if (pc == c) {
        next[i + 1] = 1;
      }
    }
    // Wildcards may also match nothing.
    for (size_t i = 0; i < p; ++i) {
      if (next[i] && (pattern[i] == '*' || pattern[i] == '%')) next[i + 1] = 1;
    }
    reach.swap(next);
  }
  if (!partial) return reach[p] != 0;
  for (size_t i = 0; i < p; ++i) {
    if (reach[i] && (pattern[i] == '*' || pattern[i] == separator)) return true;
  }
  return false;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name, char separator) {
  return Match(pattern, name, separator, false);
}

bool GlobCouldMatchBelow(std::string_view pattern, std::string_view prefix, char separator) {
  return Match(pattern, prefix, separator, true);
}

}  // namespace satrap::mailbox
