// libFuzzer target for pop3d's pure protocol pieces (src/pop3d/command.h,
// dot_stuffer.h). Every line of the input is parsed as a POP3 command and its
// arguments as message numbers; the whole input is also streamed through the
// byte-stuffer as a message, split where the first byte says, and the result
// must be a well-formed multi-line body that unstuffs back to the input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/check.h"
#include "base/strings.h"
#include "pop3d/command.h"
#include "pop3d/dot_stuffer.h"

namespace {

using namespace satrap::pop3d;

void CheckCommand(std::string_view line) {
  satrap::Result<Command> command = ParseCommand(line);
  if (!command.ok()) return;
  CHECK(!command->keyword.empty() && command->keyword.size() <= kMaxKeyword);
  CHECK(command->keyword == satrap::AsciiUpper(command->keyword));
  for (const std::string& arg : command->args) {
    CHECK(!arg.empty());
    CHECK(arg.find_first_of(" \t") == std::string::npos);
    satrap::Result<uint32_t> n = ParseNumber(arg);
    if (n.ok()) {
      satrap::Result<uint32_t> again = ParseNumber(std::to_string(*n));
      CHECK(again.ok() && *again == *n) << arg;
    }
  }
}

// RETR: the stuffed body, without its final ".\r\n", unstuffed, is the
// message (plus the CRLF added to an unfinished last line).
void CheckRetr(std::string_view message, size_t chunk) {
  DotStuffer stuffer;
  std::string out;
  for (size_t pos = 0; pos < message.size(); pos += chunk) {
    CHECK(stuffer.Feed(message.substr(pos, chunk), &out));
  }
  stuffer.Finish(&out);
  CHECK(out.size() >= 3 && out.compare(out.size() - 3, 3, ".\r\n") == 0);
  std::string body = out.substr(0, out.size() - 3);
  CHECK(body.empty() || body.back() == '\n');
  std::string unstuffed;
  bool line_start = true;
  for (size_t i = 0; i < body.size(); ++i) {
    if (line_start && body[i] == '.') {
      // Every body line that starts with '.' must have been doubled, so the
      // terminator ".\r\n" can never appear inside.
      CHECK(i + 1 < body.size() && body[i + 1] == '.');
      ++i;
    }
    unstuffed.push_back(body[i]);
    line_start = body[i] == '\n';
  }
  std::string expected(message);
  if (!expected.empty() && expected.back() != '\n') expected += "\r\n";
  CHECK(unstuffed == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    std::string_view line = input.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    CheckCommand(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  size_t chunk = size > 0 ? static_cast<size_t>(data[0]) % 64 + 1 : 1;
  CheckRetr(input, chunk);
  // TOP with a line count from the second byte sends a prefix of what RETR
  // sends, ending at a line boundary.
  if (size > 1) {
    DotStuffer top(static_cast<uint32_t>(data[1] % 8));
    std::string out;
    top.Feed(input, &out);
    top.Finish(&out);
    DotStuffer retr;
    std::string all;
    retr.Feed(input, &all);
    retr.Finish(&all);
    std::string_view top_body = std::string_view(out).substr(0, out.size() - 3);
    CHECK(std::string_view(all).substr(0, top_body.size()) == top_body);
    CHECK(top_body.empty() || top_body.back() == '\n');
  }
  return 0;
}
