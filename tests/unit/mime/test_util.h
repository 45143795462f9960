// Helpers shared by the mime unit tests.
#pragma once

#include <string>
#include <string_view>

namespace satrap::mime::testing {

// Test messages are written with "\n" for readability; stored mail has CRLF.
inline std::string Crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace satrap::mime::testing
