// POP3 command-line parsing (command.h).
#include "command.h"

#include "base/strings.h"

namespace satrap::pop3d {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

Result<Command> ParseCommand(std::string_view line) {
  if (line.find('\0') != std::string_view::npos) return Status::Invalid("NUL in command line");
  size_t end = line.find_first_of(" \t");
  std::string_view keyword = line.substr(0, end);
  if (keyword.empty()) return Status::Invalid("empty command");
  if (keyword.size() > kMaxKeyword) return Status::Invalid("command keyword too long");
  for (char c : keyword) {
    if (!IsAsciiLetter(c)) return Status::Invalid("command keyword is not alphabetic");
  }
  Command command;
  command.keyword = AsciiUpper(keyword);
  if (end == std::string_view::npos) return command;
  command.rest = std::string(line.substr(end + 1));
  if (command.keyword != "PASS") {
    for (std::string_view arg : SplitWhitespace(line.substr(end + 1))) {
      command.args.emplace_back(arg);
    }
  }
  return command;
}

Result<uint32_t> ParseNumber(std::string_view text) {
  std::optional<uint64_t> value = ParseUint64(text);
  if (!value || *value > UINT32_MAX) return Status::Invalid("not a 32-bit decimal number");
  return static_cast<uint32_t>(*value);
}

}  // namespace satrap::pop3d
