// Tests for acl/rights.h: RFC 4314 §2.1 letters, the §2.1.1 obsolete c and d
// (as Cyrus maps them), SETACL modifiers (§3.1) and LISTRIGHTS groups (§3.7).
#include "acl/rights.h"

#include <gtest/gtest.h>

namespace satrap::acl {
namespace {

TEST(Rights, ParsesEveryLetter) {
  struct Row {
    char letter;
    Rights right;
  };
  const Row rows[] = {{'l', kLookup},        {'r', kRead},           {'s', kSeen},
                      {'w', kWrite},         {'i', kInsert},         {'p', kPost},
                      {'k', kCreateMailbox}, {'x', kDeleteMailbox},  {'t', kDeleteMessage},
                      {'e', kExpunge},       {'a', kAdmin},          {'n', kAnnotate},
                      {'0', UserRight(0)},   {'9', UserRight(9)}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.letter);
    Result<Rights> rights = ParseRights(std::string(1, row.letter));
    ASSERT_TRUE(rights.ok());
    EXPECT_EQ(*rights, row.right);
  }
  EXPECT_EQ(*ParseRights(""), Rights());
}

// RFC 4314 §2.1.1 and Cyrus deleteright: c = kx, d = te (delete_right 'c');
// a macro is ignored when one of its members is also given.
TEST(Rights, LegacyCreateAndDelete) {
  struct Row {
    const char* in;
    char delete_right;
    const char* canonical;
  };
  const Row rows[] = {
      {"c", 'c', "kxc"},          {"d", 'c', "ted"},          {"cd", 'c', "kxtecd"},
      {"kc", 'c', "kc"},          {"xc", 'c', "xc"},          {"td", 'c', "td"},
      {"lrswipcda", 'c', "lrswipkxtecda"},
      {"lrswipkxtecda", 'c', "lrswipkxtecda"},
      {"c", 'd', "kc"},           {"d", 'd', "xted"},         {"x", 'd', "xd"},
      {"l", 'c', "l"},            {"lrswipkxtecdan0123456789", 'c', "lrswipkxtecdan0123456789"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.in);
    RightsSyntax syntax{row.delete_right};
    Result<Rights> rights = ParseRights(row.in, syntax);
    ASSERT_TRUE(rights.ok());
    EXPECT_EQ(FormatRights(*rights, syntax), row.canonical);
  }
}

TEST(Rights, CanonicalOrder) {
  EXPECT_EQ(FormatRights(*ParseRights("anetxkpiwsrl")), "lrswipkxtecdan");
  EXPECT_EQ(FormatRights(*ParseRights("9l0")), "l09");
  EXPECT_EQ(FormatRights(Rights()), "");
  EXPECT_EQ(FormatRights(kAllRights), "lrswipkxtecdan0123456789");
}

TEST(Rights, RejectsUnknownLetters) {
  const char* bad[] = {"q", "lrq", "L", "+", "-", "lr+", "lr-w", " ", "l r", "b", "f", "\xff"};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseRights(text).code(), Code::kInvalid);
  }
}

TEST(Rights, Modifiers) {
  Rights current = *ParseRights("lrs");
  struct Row {
    const char* change;
    const char* result;
  };
  const Row rows[] = {{"+w", "lrsw"}, {"-s", "lr"},     {"i", "i"},  {"", ""},
                      {"+", "lrs"},   {"-", "lrs"},     {"-lrs", ""}, {"+c", "lrskxc"},
                      {"-c", "lrs"},  {"-d", "lrs"}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.change);
    Result<RightsChange> change = ParseRightsChange(row.change);
    ASSERT_TRUE(change.ok());
    EXPECT_EQ(FormatRights(ApplyChange(current, *change)), row.result);
  }
  EXPECT_EQ(ParseRightsChange("+-l").code(), Code::kInvalid);
  EXPECT_EQ(ParseRightsChange("--l").code(), Code::kInvalid);
  EXPECT_EQ(ParseRightsChange("+lq").code(), Code::kInvalid);
}

// RFC 4314 §3.7: "LISTRIGHTS" ... rights *(SP rights): required first.
TEST(Rights, ListRightsGroups) {
  std::vector<std::string> groups = ListRightsGroups(kLookup | kAdmin);
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(groups[0], "la");
  std::vector<std::string> expected = {"la", "r", "s", "w", "i", "p", "k", "x", "t", "e", "n",
                                       "0",  "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  EXPECT_EQ(groups, expected);
  EXPECT_EQ(ListRightsGroups(Rights())[0], "");
  EXPECT_EQ(ListRightsGroups(Rights()).size(), 23u);
}

// The Cyrus admin guide's "ACL Shortcuts" table.
TEST(Rights, CyradmShortcuts) {
  struct Row {
    const char* name;
    const char* canonical;
  };
  const Row rows[] = {{"none", ""},         {"read", "lrs"},
                      {"post", "lrsp"},     {"append", "lrsip"},
                      {"write", "lrswipkxtecd"}, {"all", "lrswipkxtecda"}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    std::optional<std::string_view> letters = RightsShortcut(row.name);
    ASSERT_TRUE(letters.has_value());
    EXPECT_EQ(FormatRights(*ParseRights(*letters)), row.canonical);
  }
  EXPECT_FALSE(RightsShortcut("everything").has_value());
}

}  // namespace
}  // namespace satrap::acl
