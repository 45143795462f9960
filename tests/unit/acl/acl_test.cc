// Tests for acl/acl.h: the mailboxes.db ACL form and the evaluation rules of
// the Cyrus admin guide ("Access Control Lists", "Default and Inherited
// Access", "Calculating Access") and RFC 4314 §2.
#include "acl/acl.h"

#include <gtest/gtest.h>

namespace satrap::acl {
namespace {

Acl MustParse(std::string_view text) {
  Result<Acl> acl = Acl::Parse(text);
  EXPECT_TRUE(acl.ok()) << acl.status().ToString();
  return acl.ok() ? *acl : Acl();
}

Identity User(std::string userid, std::vector<std::string> groups = {}) {
  Identity who;
  who.userid = std::move(userid);
  who.groups = std::move(groups);
  return who;
}

Identity Anonymous() {
  Identity who;
  who.userid = "anonymous";
  who.anonymous = true;
  return who;
}

Identity Admin(std::string userid) {
  Identity who = User(std::move(userid));
  who.is_admin = true;
  return who;
}

TEST(Acl, DatabaseFormatRoundTrip) {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"", ""},
      {"anyone\tlrs\t", "anyone\tlrs\t"},
      {"anyone\tlrs", "anyone\tlrs\t"},
      // ctl_mboxlist -d in the admin guide: "user.awilliam default awilliam lrswipcda"
      {"awilliam\tlrswipcda\t", "awilliam\tlrswipkxtecda\t"},
      {"anyone\tlrs\tfred\tlrswipkxtecda\t-fred\tw\t", "anyone\tlrs\tfred\tlrswipkxtecda\t-fred\tw\t"},
      {"group:staff\tlr\tanonymous\tp\t", "group:staff\tlr\tanonymous\tp\t"},
      {"fred\tl\tfred\tr\t", "fred\tlr\t"},
      {"fred\t\t", ""},
      {"fred@example.com\tlrs\t", "fred@example.com\tlrs\t"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.in);
    Acl acl = MustParse(row.in);
    EXPECT_EQ(acl.Format(), row.out);
    EXPECT_EQ(MustParse(acl.Format()), acl);
  }
}

TEST(Acl, RejectsMalformedDatabaseForm) {
  const char* bad[] = {"anyone",   "anyone\t",  "anyone\tlrs\tfred",  "\tlrs\t",
                       "-\tlrs\t", "anyone\tlrq\t", "anyone\tl r\t", "anyone\tlrs\t\t",
                       "anyone\tlrs\t\tl\t"};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Acl::Parse(text).code(), Code::kInvalid);
  }
}

TEST(Acl, SetAndDelete) {
  Acl acl;
  ASSERT_TRUE(acl.Apply("fred", *ParseRightsChange("lrs")).ok());
  ASSERT_TRUE(acl.Apply("fred", *ParseRightsChange("+w")).ok());
  ASSERT_TRUE(acl.Apply("-fred", *ParseRightsChange("s")).ok());
  ASSERT_TRUE(acl.Apply("anyone", *ParseRightsChange("+l")).ok());
  EXPECT_EQ(acl.Format(), "fred\tlrsw\t-fred\ts\tanyone\tl\t");
  EXPECT_EQ(FormatRights(*acl.Get("fred")), "lrsw");
  EXPECT_EQ(FormatRights(*acl.Get("-fred")), "s");
  EXPECT_FALSE(acl.Get("bob").has_value());
  // Taking every right away removes the entry.
  ASSERT_TRUE(acl.Apply("fred", *ParseRightsChange("-lrsw")).ok());
  EXPECT_FALSE(acl.Get("fred").has_value());
  EXPECT_TRUE(acl.Remove("-fred"));
  EXPECT_FALSE(acl.Remove("-fred"));
  EXPECT_EQ(acl.Format(), "anyone\tl\t");
  for (const char* bad : {"", "-", "a\tb", "a\nb"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(acl.Apply(bad, *ParseRightsChange("l")).code(), Code::kInvalid);
  }
}

// "Calculating Access": start with anyone, add the user's rights, add the
// groups' rights, remove the sum of the negative rights of the user and groups.
TEST(Acl, CalculatingAccess) {
  Acl acl = MustParse(
      "anyone\tl\tfred\trs\tgroup:staff\twi\tgroup:sales\tp\t-group:sales\ts\t-fred\ti\t"
      "bob\tlrswipkxtecda\t-anyone\tx\t");
  struct Row {
    const char* name;
    Identity who;
    const char* rights;
  };
  const Row rows[] = {
      {"anyone only", User("carol"), "l"},
      {"user's own rights added", User("fred"), "lrs"},
      {"group rights added", User("carol", {"staff"}), "lwi"},
      {"user and groups, minus negatives", User("fred", {"staff", "sales"}), "lrwp"},
      {"negative through a group", User("carol", {"sales"}), "lp"},
      {"negative for anyone applies to all", User("bob"), "lrswipktecda"},
      {"groups not held do not count", User("carol", {"other"}), "l"},
      {"identifiers are exact", User("Fred"), "l"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(FormatRights(Evaluate(acl, row.who)), row.rights);
  }
}

// "Anonymous" is a non-authenticated connection: only the anonymous entry and
// (RFC 4314, Cyrus) anyone apply, never a user entry named like the login.
TEST(Acl, AnonymousAndAnyone) {
  Acl acl = MustParse("anyone\tl\tanonymous\tp\tfred\trs\t");
  EXPECT_EQ(FormatRights(Evaluate(acl, Anonymous())), "lp");
  EXPECT_EQ(FormatRights(Evaluate(acl, User("fred"))), "lrs");
  Identity anonymous_fred = Anonymous();
  anonymous_fred.userid = "fred";
  EXPECT_EQ(FormatRights(Evaluate(acl, anonymous_fred)), "lp");
  EvaluateOptions strict;
  strict.anyone_includes_anonymous = false;
  EXPECT_EQ(FormatRights(Evaluate(acl, Anonymous(), strict)), "p");
  // Bulletin board: "sam service anonymous p".
  Acl board = MustParse("anonymous\tp\t");
  EXPECT_TRUE(Evaluate(board, Anonymous()).Has(kPost));
  EXPECT_FALSE(Evaluate(board, User("carol")).Has(kPost));
}

// "Users specified by the admins directive have l and a on all folders", and
// nothing more: "cyrus does NOT have the automatic access to delete".
TEST(Acl, AdminsAlwaysHaveLookupAndAdmin) {
  Acl acl = MustParse("fred\tlrswipkxtecda\t-cyrus\tla\t");
  Rights rights = Evaluate(acl, Admin("cyrus"));
  EXPECT_EQ(FormatRights(rights), "la");
  EXPECT_FALSE(rights.Has(kDeleteMailbox));
  EXPECT_EQ(FormatRights(Evaluate(Acl(), Admin("cyrus"))), "la");
  // Granting itself c gives the admin delete.
  Acl granted = MustParse("cyrus\tc\t");
  EXPECT_TRUE(Evaluate(granted, Admin("cyrus")).Has(kDeleteMailbox));
}

// "Users always have l and a privileges to all folders beneath their INBOX";
// Cyrus implicit_owner_rights (default lkxan) generalises it.
TEST(Acl, OwnerImplicitRights) {
  Acl acl = MustParse("-fred\tlrswipkxtecdan\t");
  EvaluateOptions owner;
  owner.is_owner = true;
  EXPECT_EQ(FormatRights(Evaluate(acl, User("fred"), owner)), "lkxcan");
  owner.implicit_owner_rights = kLookup | kAdmin;
  EXPECT_EQ(FormatRights(Evaluate(acl, User("fred"), owner)), "la");
  EXPECT_EQ(FormatRights(Evaluate(acl, User("fred"))), "");
  EXPECT_EQ(FormatRights(Evaluate(Acl(), Anonymous(), owner)), "");
}

TEST(Acl, IdentifierMatching) {
  Identity fred = User("fred", {"staff"});
  EXPECT_TRUE(IdentifierMatches("anyone", fred));
  EXPECT_TRUE(IdentifierMatches("fred", fred));
  EXPECT_TRUE(IdentifierMatches("group:staff", fred));
  EXPECT_FALSE(IdentifierMatches("staff", fred));
  EXPECT_FALSE(IdentifierMatches("group:", fred));
  EXPECT_FALSE(IdentifierMatches("anonymous", fred));
  EXPECT_FALSE(IdentifierMatches("group:fred", fred));
}

}  // namespace
}  // namespace satrap::acl
