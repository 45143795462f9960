#include "acl/rights.h"

#include "base/strings.h"

namespace satrap::acl {
namespace {

struct Letter {
  char letter;
  Rights right;
};

// Canonical order, without the legacy macros (placed after 'e').
constexpr Letter kLetters[] = {
    {'l', kLookup},        {'r', kRead},          {'s', kSeen},          {'w', kWrite},
    {'i', kInsert},        {'p', kPost},          {'k', kCreateMailbox}, {'x', kDeleteMailbox},
    {'t', kDeleteMessage}, {'e', kExpunge},       {'a', kAdmin},         {'n', kAnnotate},
};

Rights LegacyCreate(const RightsSyntax& syntax) {
  return syntax.delete_right == 'c' ? (kCreateMailbox | kDeleteMailbox) : kCreateMailbox;
}

Rights LegacyDelete(const RightsSyntax& syntax) {
  Rights members = kDeleteMessage | kExpunge;
  return syntax.delete_right == 'd' ? (members | kDeleteMailbox) : members;
}

std::optional<Rights> LetterRight(char c, const RightsSyntax& syntax) {
  for (const Letter& l : kLetters) {
    if (l.letter == c) return l.right;
  }
  if (c >= '0' && c <= '9') return UserRight(c - '0');
  if (c == syntax.delete_right && c != 'c' && c != 'd') return kDeleteMailbox;
  return std::nullopt;
}

}  // namespace

Result<Rights> ParseRights(std::string_view letters, const RightsSyntax& syntax) {
  Rights rights;
  Rights legacy_create;
  Rights legacy_delete;
  for (char c : letters) {
    if (c == 'c') {
      legacy_create = LegacyCreate(syntax);
    } else if (c == 'd') {
      legacy_delete = LegacyDelete(syntax);
    } else if (std::optional<Rights> right = LetterRight(c, syntax)) {
      rights |= *right;
    } else {
      return Status::Invalid(StringPrintf("unknown right '%c'", c));
    }
  }
  // RFC 4314 §2.1.1: the macro stands for its members unless the client
  // already spelled some of them out.
  if (!rights.HasAny(legacy_create)) rights |= legacy_create;
  if (!rights.HasAny(legacy_delete)) rights |= legacy_delete;
  return rights;
}

std::string FormatRights(Rights rights, const RightsSyntax& syntax) {
  std::string out;
  for (const Letter& l : kLetters) {
    if (l.letter == 'a') {
      if (rights.HasAny(LegacyCreate(syntax))) out.push_back('c');
      if (rights.HasAny(LegacyDelete(syntax))) out.push_back('d');
    }
    if (rights.Has(l.right)) out.push_back(l.letter);
  }
  for (int digit = 0; digit <= 9; ++digit) {
    if (rights.Has(UserRight(digit))) out.push_back(static_cast<char>('0' + digit));
  }
  return out;
}

Result<RightsChange> ParseRightsChange(std::string_view text, const RightsSyntax& syntax) {
  RightsChange change;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    change.mode = text[0] == '+' ? RightsChange::Mode::kAdd : RightsChange::Mode::kRemove;
    text.remove_prefix(1);
  }
  SATRAP_ASSIGN_OR_RETURN(change.rights, ParseRights(text, syntax));
  return change;
}

Rights ApplyChange(Rights current, const RightsChange& change) {
  switch (change.mode) {
    case RightsChange::Mode::kReplace: return change.rights;
    case RightsChange::Mode::kAdd: return current | change.rights;
    case RightsChange::Mode::kRemove: return current - change.rights;
  }
  return current;
}

std::vector<std::string> ListRightsGroups(Rights required, const RightsSyntax& syntax) {
  std::vector<std::string> groups = {FormatRights(required, syntax)};
  // The legacy macros are not separate rights; listing only real letters
  // keeps each group independent, as RFC 4314 §3.7 requires.
  for (const Letter& l : kLetters) {
    if (!required.Has(l.right)) groups.push_back(std::string(1, l.letter));
  }
  for (int digit = 0; digit <= 9; ++digit) {
    if (!required.Has(UserRight(digit))) groups.push_back(std::string(1, static_cast<char>('0' + digit)));
  }
  return groups;
}

std::optional<std::string_view> RightsShortcut(std::string_view name) {
  struct Shortcut {
    std::string_view name;
    std::string_view letters;
  };
  static constexpr Shortcut kShortcuts[] = {{"none", ""},        {"read", "lrs"},
                                            {"post", "lrsp"},    {"append", "lrsip"},
                                            {"write", "lrswipcd"}, {"all", "lrswipcda"}};
  for (const Shortcut& s : kShortcuts) {
    if (EqualsIgnoreCase(name, s.name)) return s.letters;
  }
  return std::nullopt;
}

}  // namespace satrap::acl
