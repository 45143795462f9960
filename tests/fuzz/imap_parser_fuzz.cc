// libFuzzer target for protocol/imap_parser.h: feeds arbitrary bytes in
// arbitrary pieces, answering literals in every way a server may, and checks
// that the parser's invariants hold and every byte is eventually consumed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "protocol/imap_date.h"
#include "protocol/imap_parser.h"
#include "protocol/mutf7.h"
#include "protocol/sequence_set.h"

using satrap::protocol::ImapArg;
using satrap::protocol::ImapLimits;
using satrap::protocol::ImapParser;

namespace {

namespace protocol = satrap::protocol;

// The value parsers that run on command arguments, with their round-trip
// properties: strict mUTF-7 is canonical, sets and dates re-parse to the same.
void CheckValue(std::string_view text) {
  if (auto utf8 = protocol::Mutf7ToUtf8(text); utf8.ok()) {
    auto back = protocol::Utf8ToMutf7(*utf8);
    CHECK(back.ok() && *back == text) << text;
  }
  if (auto set = protocol::SequenceSet::Parse(text, 100); set.ok()) {
    protocol::NumberSet resolved = set->Resolve(1000);
    auto again = protocol::SequenceSet::Parse(resolved.ToString());
    CHECK(resolved.empty() || (again.ok() && again->Resolve(1000) == resolved)) << text;
    (void)set->MatchUids(std::vector<uint32_t>{1, 5, 9, 1000});
  }
  if (auto dt = protocol::ParseImapDateTime(text); dt.ok()) {
    auto back = protocol::ParseImapDateTime(
        protocol::FormatImapDateTime(dt->unix_seconds, dt->offset_minutes));
    CHECK(back.ok() && *back == *dt) << text;
  }
  (void)protocol::ParseImapDate(text);
}

void CheckArgs(const std::vector<ImapArg>& args) {
  for (const ImapArg& arg : args) {
    (void)arg.ToWire();
    if (arg.type == protocol::ImapArgType::kAtom || arg.type == protocol::ImapArgType::kString) {
      CheckValue(arg.text);
    }
    CheckArgs(arg.list);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte chooses the piece size and how literals are answered.
  uint8_t control = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  ImapLimits limits;
  limits.max_line = 200;
  limits.max_literal = 64;
  limits.max_command = 1024;
  limits.max_args = 50;
  limits.max_depth = 4;
  limits.utf8_quoted = (control & 0x80) != 0;
  ImapParser parser(limits);
  size_t piece = (control & 0x0f) + 1;
  size_t pos = 0;
  unsigned literal_choice = control >> 4;
  for (int guard = 0; guard < 1000000; ++guard) {
    switch (parser.state()) {
      case ImapParser::State::kCommand: {
        auto command = parser.TakeCommand();
        CHECK(!command.tag.empty());
        CHECK(!command.name.empty());
        CheckArgs(command.args);
        continue;
      }
      case ImapParser::State::kError: {
        auto error = parser.TakeError();
        CHECK(!error.message.empty());
        continue;
      }
      case ImapParser::State::kLiteral: {
        switch (literal_choice++ % 3) {
          case 0:
            if (parser.AcceptLiteral().ok()) break;
            parser.RejectLiteral();
            break;
          case 1: {
            uint64_t want = parser.pending_literal().size;
            pos += static_cast<size_t>(std::min<uint64_t>(want, input.size() - pos));
            parser.LiteralStreamed();
            break;
          }
          default:
            parser.RejectLiteral();
            break;
        }
        continue;
      }
      case ImapParser::State::kNeedMore:
        break;
    }
    if (pos >= input.size()) return 0;
    std::string_view chunk = input.substr(pos, piece);
    size_t used = parser.Feed(chunk);
    CHECK(used <= chunk.size());
    CHECK(used == chunk.size() || parser.state() != ImapParser::State::kNeedMore);
    pos += used;
  }
  PANIC() << "parser made no progress";
  return 0;
}
