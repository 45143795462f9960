#include "protocol/imap_parser.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/check.h"
#include "base/strings.h"
#include "protocol/mutf7.h"

namespace satrap::protocol {
namespace {

// Enough to hold "~{4294967295+}" with room to spare.
constexpr size_t kSkipTailBytes = 32;
constexpr uint64_t kMaxLiteralSize = 0xFFFFFFFFu;  // number = 32 bits, RFC 3501 §9

ImapArg MakeArg(ImapArgType type) {
  ImapArg arg;
  arg.type = type;
  return arg;
}

bool IsCtlOrSpace(unsigned char c) { return c <= 0x20 || c >= 0x7f; }

// tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR = ATOM-CHAR / "]".
bool IsTagChar(unsigned char c) {
  if (IsCtlOrSpace(c)) return false;
  switch (c) {
    case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case '+':
      return false;
    default:
      return true;
  }
}

// ATOM-CHAR: any CHAR except atom-specials (RFC 3501 §9), for command names.
bool IsStrictAtomChar(unsigned char c) { return IsTagChar(c) || c == '+'; }

// Atoms in arguments also carry flags (\Seen), list-wildcards (% *), "]" of
// astrings and "[" of mailbox names; quoted-specials other than "\" and the
// structural characters still end or break them.
bool IsArgAtomChar(unsigned char c) {
  if (IsCtlOrSpace(c)) return false;
  return c != '(' && c != ')' && c != '{' && c != '"';
}

bool IsSectionPrefix(std::string_view atom) {
  static constexpr std::string_view kPrefixes[] = {"BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK",
                                                   "BINARY.SIZE"};
  for (std::string_view prefix : kPrefixes) {
    if (EqualsIgnoreCase(atom, prefix)) return true;
  }
  return false;
}

bool IsSectionSpecChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
         c == '-';
}

// The size of a non-synchronising literal announced at the very end of `line`
// ("... {12+}" or "~{12+}"), whose bytes follow whatever we answer.
std::optional<uint64_t> TrailingNonSyncLiteral(std::string_view line) {
  if (line.size() < 4 || line.substr(line.size() - 2) != "+}") return std::nullopt;
  size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  return ParseUint64(line.substr(open + 1, line.size() - open - 3));
}

}  // namespace

ImapParser::ImapParser(ImapLimits limits) : limits_(limits) { ResetCommand(); }

void ImapParser::ResetCommand() {
  have_name_ = false;
  need_separator_ = false;
  tag_.clear();
  name_.clear();
  stack_.clear();
  stack_.push_back(Frame{FrameKind::kTop, MakeArg(ImapArgType::kList)});
  arg_count_ = 0;
  command_bytes_ = 0;
  pending_ = PendingLiteral{};
  literal_data_.clear();
}

const std::vector<ImapArg>& ImapParser::args_so_far() const { return stack_.front().arg.list; }

size_t ImapParser::Feed(std::string_view data) {
  CHECK(state_ == State::kNeedMore) << "Feed() in a state that needs the caller first";
  size_t used = 0;
  while (used < data.size() && state_ == State::kNeedMore) {
    std::string_view rest = data.substr(used);
    switch (phase_) {
      case Phase::kLine: used += FeedLine(rest); break;
      case Phase::kLiteralData: used += FeedLiteralData(rest); break;
      case Phase::kDiscardLiteral: used += FeedDiscard(rest); break;
      case Phase::kSkipLine: used += FeedSkipLine(rest); break;
    }
  }
  return used;
}

size_t ImapParser::FeedLine(std::string_view data) {
  size_t lf = data.find('\n');
  size_t take = lf == std::string_view::npos ? data.size() : lf;
  line_.append(data.substr(0, take));
  // One byte of slack for the CR that belongs to the line ending.
  if (line_.size() > limits_.max_line + 1) {
    if (!have_name_) {
      size_t sp = line_.find(' ');
      std::string_view tag = std::string_view(line_).substr(0, sp);
      if (sp != std::string::npos && !tag.empty() &&
          std::all_of(tag.begin(), tag.end(), [](char c) { return IsTagChar(c); })) {
        tag_ = std::string(tag);
      }
    }
    Fail("Command line too long");
    skip_tail_ = line_.substr(line_.size() - std::min(line_.size(), kSkipTailBytes));
    line_.clear();
    phase_ = Phase::kSkipLine;
    state_ = State::kError;
    // The LF itself, if present, belongs to the skipped line.
    return take;
  }
  if (lf == std::string_view::npos) return take;

  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  command_bytes_ += line.size() + 2;
  LineResult result;
  if (command_bytes_ > limits_.max_command) {
    Fail("Command too long");
    result = LineResult::kError;
  } else {
    result = ParseLine(line);
  }
  switch (result) {
    case LineResult::kCommand: state_ = State::kCommand; break;
    case LineResult::kLiteral: state_ = State::kLiteral; break;
    case LineResult::kError:
      StartSkipping(line);
      state_ = State::kError;
      break;
  }
  return take + 1;
}

void ImapParser::StartSkipping(std::string_view line_just_parsed) {
  std::optional<uint64_t> nonsync = TrailingNonSyncLiteral(line_just_parsed);
  if (nonsync.has_value()) {
    literal_remaining_ = *nonsync;
    phase_ = Phase::kDiscardLiteral;
  } else {
    phase_ = Phase::kLine;
  }
}

size_t ImapParser::FeedLiteralData(std::string_view data) {
  size_t take = static_cast<size_t>(std::min<uint64_t>(literal_remaining_, data.size()));
  literal_data_.append(data.substr(0, take));
  literal_remaining_ -= take;
  if (literal_remaining_ > 0) return take;

  phase_ = Phase::kLine;
  ImapArg arg = MakeArg(ImapArgType::kString);
  arg.literal = true;
  arg.literal8 = pending_.binary;
  arg.text = std::move(literal_data_);
  literal_data_.clear();
  // CHAR8 excludes NUL; only literal8 may carry it (RFC 3516 §4.2).
  bool bad_nul = !pending_.binary && arg.text.find('\0') != std::string::npos;
  if (bad_nul ? Fail("NUL in literal") : AddArg(std::move(arg))) return take;
  phase_ = Phase::kSkipLine;
  skip_tail_.clear();
  state_ = State::kError;
  return take;
}

size_t ImapParser::FeedDiscard(std::string_view data) {
  size_t take = static_cast<size_t>(std::min<uint64_t>(literal_remaining_, data.size()));
  literal_remaining_ -= take;
  if (literal_remaining_ == 0) {
    phase_ = Phase::kSkipLine;
    skip_tail_.clear();
  }
  return take;
}

size_t ImapParser::FeedSkipLine(std::string_view data) {
  size_t lf = data.find('\n');
  size_t take = lf == std::string_view::npos ? data.size() : lf;
  skip_tail_.append(data.substr(0, take));
  if (skip_tail_.size() > kSkipTailBytes) {
    skip_tail_.erase(0, skip_tail_.size() - kSkipTailBytes);
  }
  if (lf == std::string_view::npos) return take;
  std::string tail = std::move(skip_tail_);
  skip_tail_.clear();
  if (!tail.empty() && tail.back() == '\r') tail.pop_back();
  StartSkipping(tail);
  return take + 1;
}

bool ImapParser::LiteralFitsInMemory() const {
  return pending_.size <= limits_.max_literal &&
         command_bytes_ + pending_.size <= limits_.max_command;
}

Status ImapParser::AcceptLiteral() {
  CHECK(state_ == State::kLiteral);
  if (!LiteralFitsInMemory()) return Status::TooBig("literal larger than the in-memory limit");
  command_bytes_ += pending_.size;
  literal_data_.clear();
  literal_data_.reserve(pending_.size);
  literal_remaining_ = pending_.size;
  phase_ = Phase::kLiteralData;
  state_ = State::kNeedMore;
  if (pending_.size == 0) FeedLiteralData({});
  return Status::Ok();
}

void ImapParser::LiteralStreamed() {
  CHECK(state_ == State::kLiteral);
  ImapArg arg = MakeArg(ImapArgType::kStreamedLiteral);
  arg.literal = true;
  arg.literal8 = pending_.binary;
  arg.literal_size = pending_.size;
  state_ = State::kNeedMore;
  phase_ = Phase::kLine;
  if (!AddArg(std::move(arg))) {
    phase_ = Phase::kSkipLine;
    skip_tail_.clear();
    state_ = State::kError;
  }
}

void ImapParser::RejectLiteral() {
  CHECK(state_ == State::kLiteral);
  bool synchronizing = pending_.synchronizing;
  uint64_t size = pending_.size;
  ResetCommand();
  state_ = State::kNeedMore;
  if (synchronizing) {
    // The client waits for "+" that never comes; it sends nothing more of
    // this command (RFC 3501 §7.5).
    phase_ = Phase::kLine;
  } else {
    literal_remaining_ = size;
    phase_ = Phase::kDiscardLiteral;
  }
}

ImapCommand ImapParser::TakeCommand() {
  CHECK(state_ == State::kCommand);
  ImapCommand command{std::move(tag_), std::move(name_), std::move(stack_.front().arg.list)};
  ResetCommand();
  state_ = State::kNeedMore;
  return command;
}

ImapParseError ImapParser::TakeError() {
  CHECK(state_ == State::kError);
  ImapParseError error = std::move(error_);
  error_ = ImapParseError{};
  ResetCommand();
  state_ = State::kNeedMore;
  return error;
}

bool ImapParser::Fail(std::string message) {
  error_ = ImapParseError{tag_, std::move(message)};
  return false;
}

void ImapParser::UntaggedFail(std::string message) {
  error_ = ImapParseError{"", std::move(message)};
}

ImapParser::LineResult ImapParser::ParseLine(std::string_view line) {
  size_t pos = 0;
  if (!have_name_) {
    if (line.empty()) {
      UntaggedFail("Null command");
      return LineResult::kError;
    }
    if (!ParseTagAndName(line, &pos)) return LineResult::kError;
  }
  return ParseArgs(line, pos);
}

// command = tag SP (command-any / command-auth / ...) CRLF (RFC 3501 §9).
bool ImapParser::ParseTagAndName(std::string_view line, size_t* pos) {
  size_t i = 0;
  while (i < line.size() && IsTagChar(line[i])) ++i;
  if (i == 0 || (i < line.size() && line[i] != ' ')) {
    UntaggedFail("Invalid tag");
    return false;
  }
  tag_ = std::string(line.substr(0, i));
  if (i == line.size()) return Fail("Missing command");
  size_t start = ++i;
  while (i < line.size() && IsStrictAtomChar(line[i])) ++i;
  if (i == start) return Fail("Missing command");
  if (i < line.size() && line[i] != ' ') return Fail("Invalid command name");
  name_ = AsciiUpper(line.substr(start, i - start));
  have_name_ = true;
  if (i < line.size()) {
    ++i;  // the SP before the first argument
    need_separator_ = false;
  } else {
    need_separator_ = true;
  }
  *pos = i;
  return true;
}

ImapParser::LineResult ImapParser::ParseArgs(std::string_view line, size_t pos) {
  while (true) {
    if (pos == line.size()) {
      if (!need_separator_) {
        Fail("Unexpected end of line");
        return LineResult::kError;
      }
      if (stack_.size() > 1) {
        Fail("Missing ')'");
        return LineResult::kError;
      }
      return LineResult::kCommand;
    }
    char c = line[pos];
    if (need_separator_) {
      if (c == ' ') {
        ++pos;
        need_separator_ = false;
        continue;
      }
      if (c == ')') {
        if (!CloseList(line, &pos)) return LineResult::kError;
        continue;
      }
      Fail("Missing space between arguments");
      return LineResult::kError;
    }
    // "()" is an empty list; "( )" and "(a )" are not (RFC 3501 §9).
    if (c == ')' && stack_.size() > 1 && stack_.back().arg.list.empty()) {
      if (!CloseList(line, &pos)) return LineResult::kError;
      continue;
    }
    if (c == '(') {
      if (stack_.size() > limits_.max_depth) {
        Fail("Lists nested too deeply");
        return LineResult::kError;
      }
      stack_.push_back(Frame{FrameKind::kList, MakeArg(ImapArgType::kList)});
      ++pos;
      continue;
    }
    bool literal_announced = false;
    if (!ParseOne(line, &pos, &literal_announced)) return LineResult::kError;
    if (literal_announced) return LineResult::kLiteral;
  }
}

bool ImapParser::ParseOne(std::string_view line, size_t* pos, bool* literal_announced) {
  char c = line[*pos];
  if (c == '"') return ParseQuoted(line, pos);
  if (c == '{' || (c == '~' && *pos + 1 < line.size() && line[*pos + 1] == '{')) {
    bool binary = c == '~';
    *pos += binary ? 2 : 1;
    if (!ParseLiteralAnnouncement(line, pos, binary)) return false;
    *literal_announced = true;
    return true;
  }
  return ParseAtomOrSection(line, pos);
}

// quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR = <any TEXT-CHAR except
// quoted-specials> / "\" quoted-specials (RFC 3501 §9).
bool ImapParser::ParseQuoted(std::string_view line, size_t* pos) {
  std::string value;
  size_t i = *pos + 1;
  while (true) {
    if (i >= line.size()) return Fail("Unterminated quoted string");
    unsigned char c = line[i];
    if (c == '"') break;
    if (c == '\\') {
      if (i + 1 >= line.size() || (line[i + 1] != '"' && line[i + 1] != '\\')) {
        return Fail("Invalid escape in quoted string");
      }
      value.push_back(line[i + 1]);
      i += 2;
      continue;
    }
    if (c == '\0' || c == '\r' || c == '\n') return Fail("Invalid character in quoted string");
    if (c >= 0x80 && !limits_.utf8_quoted) return Fail("8-bit character in quoted string");
    value.push_back(static_cast<char>(c));
    ++i;
  }
  // RFC 6855 §3: UTF-8 in a quoted string must be valid.
  if (limits_.utf8_quoted && !IsValidUtf8(value)) return Fail("Invalid UTF-8 in quoted string");
  *pos = i + 1;
  ImapArg arg = MakeArg(ImapArgType::kString);
  arg.text = std::move(value);
  return AddArg(std::move(arg));
}

// literal = "{" number ["+"] "}" CRLF *CHAR8 (RFC 3501 §9, RFC 7888 §8);
// literal8 = "~{" number ["+"] "}" CRLF *OCTET (RFC 3516 §4.2).
bool ImapParser::ParseLiteralAnnouncement(std::string_view line, size_t* pos, bool binary) {
  size_t i = *pos;
  size_t digits_start = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  std::optional<uint64_t> size = ParseUint64(line.substr(digits_start, i - digits_start));
  if (!size.has_value()) return Fail("Invalid literal size");
  if (*size > kMaxLiteralSize) return Fail("Literal size too large");
  bool synchronizing = true;
  if (i < line.size() && line[i] == '+') {
    synchronizing = false;
    ++i;
  }
  if (i >= line.size() || line[i] != '}') return Fail("Invalid literal");
  if (i + 1 != line.size()) return Fail("Literal must end the line");
  *pos = i + 1;
  pending_ = PendingLiteral{*size, synchronizing, binary};
  return true;
}

bool ImapParser::ParseAtomOrSection(std::string_view line, size_t* pos) {
  size_t start = *pos;
  size_t i = start;
  while (i < line.size() && IsArgAtomChar(line[i])) {
    if (line[i] == '[' && IsSectionPrefix(line.substr(start, i - start))) {
      ImapArg section = MakeArg(ImapArgType::kSection);
      section.text = std::string(line.substr(start, i - start));
      *pos = i + 1;
      return ParseSectionBody(line, pos, std::move(section));
    }
    ++i;
  }
  if (i == start) return Fail("Invalid character in command");
  if (i < line.size() && line[i] != ' ' && line[i] != ')') {
    return Fail("Invalid character in atom");
  }
  ImapArg arg = MakeArg(ImapArgType::kAtom);
  arg.text = std::string(line.substr(start, i - start));
  *pos = i;
  return AddArg(std::move(arg));
}

// section = "[" [section-spec] "]"; section-spec may end in
// header-list = "(" header-fld-name *(SP header-fld-name) ")" (RFC 3501 §9).
bool ImapParser::ParseSectionBody(std::string_view line, size_t* pos, ImapArg section) {
  size_t i = *pos;
  while (i < line.size() && IsSectionSpecChar(line[i])) ++i;
  section.section = std::string(line.substr(*pos, i - *pos));
  *pos = i;
  if (i < line.size() && line[i] == ']') return FinishSection(line, pos, std::move(section));
  if (i + 1 < line.size() && line[i] == ' ' && line[i + 1] == '(') {
    if (stack_.size() > limits_.max_depth) return Fail("Lists nested too deeply");
    section.has_header_list = true;
    stack_.push_back(Frame{FrameKind::kSectionList, std::move(section)});
    need_separator_ = false;
    *pos = i + 2;
    return true;
  }
  return Fail("Invalid section");
}

// After "]": ["<" number ["." nz-number] ">"] (RFC 3501 §9, fetch-att).
bool ImapParser::FinishSection(std::string_view line, size_t* pos, ImapArg section) {
  size_t i = *pos;
  if (i >= line.size() || line[i] != ']') return Fail("Invalid section");
  ++i;
  if (i < line.size() && line[i] == '<') {
    size_t close = line.find('>', i);
    if (close == std::string_view::npos) return Fail("Invalid partial");
    std::string_view partial = line.substr(i + 1, close - i - 1);
    size_t dot = partial.find('.');
    std::optional<uint64_t> offset = ParseUint64(partial.substr(0, dot));
    bool ok = offset.has_value() && *offset <= kMaxLiteralSize;
    if (ok && dot != std::string_view::npos) {
      std::optional<uint64_t> length = ParseUint64(partial.substr(dot + 1));
      ok = length.has_value() && *length > 0 && *length <= kMaxLiteralSize;
    }
    if (!ok) return Fail("Invalid partial");
    section.partial = std::string(partial);
    i = close + 1;
  }
  *pos = i;
  return AddArg(std::move(section));
}

bool ImapParser::CloseList(std::string_view line, size_t* pos) {
  if (stack_.size() == 1) return Fail("Unexpected ')'");
  ++*pos;
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  if (frame.kind == FrameKind::kSectionList) {
    return FinishSection(line, pos, std::move(frame.arg));
  }
  return AddArg(std::move(frame.arg));
}

bool ImapParser::AddArg(ImapArg arg) {
  if (++arg_count_ > limits_.max_args) return Fail("Too many arguments");
  stack_.back().arg.list.push_back(std::move(arg));
  need_separator_ = true;
  return true;
}

}  // namespace satrap::protocol
