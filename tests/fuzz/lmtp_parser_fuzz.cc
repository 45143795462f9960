// libFuzzer target for protocol/smtp.h: every line of the input is parsed as
// an LMTP command, and MAIL / RCPT / BDAT arguments are parsed further. A path
// that parses must survive being written back with Address() and re-parsed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "base/strings.h"
#include "protocol/smtp.h"

namespace {

using namespace satrap::protocol;

void CheckPathRoundTrip(const MailPath& path) {
  if (path.IsNull()) return;
  std::string wire = "<" + path.Address() + ">";
  size_t used = 0;
  auto again = ParseMailPath(wire, false, DomainRule::kPostmasterOnly, &used);
  CHECK(again.ok()) << wire;
  CHECK(used == wire.size());
  CHECK(again->local_part == path.local_part) << wire;
  CHECK(again->domain == path.domain) << wire;
}

void ParseLine(std::string_view line) {
  auto command = ParseSmtpCommand(line);
  if (!command.ok()) return;
  switch (command->verb) {
    case SmtpVerb::kMail:
      if (auto args = ParseMailFrom(command->argument); args.ok()) CheckPathRoundTrip(args->path);
      break;
    case SmtpVerb::kRcpt:
      if (auto args = ParseRcptTo(command->argument); args.ok()) CheckPathRoundTrip(args->path);
      break;
    case SmtpVerb::kBdat:
      (void)ParseBdat(command->argument);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view line : satrap::Split(input, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ParseLine(line);
  }
  (void)IsEnhancedStatus(input.substr(0, 16));
  return 0;
}
