// Recipient resolution: the plus-addressing rules of the Cyrus FAQ (seed
// 002) and the lmtp_downcase_rcpt / virtdomains / postuser options.
#include "lmtpd/recipient.h"
#include "lmtpd/delivery.h"

#include <gtest/gtest.h>

namespace satrap::lmtpd {
namespace {

struct Case {
  const char* local;
  const char* domain;
  RecipientOptions options;
  Code code;
  Recipient::Kind kind;
  const char* userid;
  const char* inbox;
  const char* folder;
};

RecipientOptions Defaults() { return RecipientOptions{}; }
RecipientOptions Virt() {
  RecipientOptions o;
  o.virtdomains = true;
  o.defaultdomain = "example.org";
  return o;
}
RecipientOptions NoDowncase() {
  RecipientOptions o;
  o.downcase = false;
  return o;
}
RecipientOptions PostUser() {
  RecipientOptions o;
  o.postuser = "bb";
  return o;
}
RecipientOptions UnixSep() {
  RecipientOptions o;
  o.unixhierarchysep = true;
  return o;
}

TEST(ResolveAddress, Table) {
  using K = Recipient::Kind;
  const Case cases[] = {
      // "user" and "user@domain": the INBOX; without virtdomains the domain is ignored.
      {"alice", "", Defaults(), Code::kOk, K::kUser, "alice", "user.alice", ""},
      {"alice", "example.com", Defaults(), Code::kOk, K::kUser, "alice", "user.alice", ""},
      // lmtp_downcase_rcpt lower-cases the user part, never the detail.
      {"Alice+Lists", "x", Defaults(), Code::kOk, K::kUser, "alice", "user.alice",
       "user.alice.Lists"},
      {"Alice", "x", NoDowncase(), Code::kOk, K::kUser, "Alice", "user.Alice", ""},
      // user+detail: "username+mailfolder@domain ... INBOX.mailfolder" (FAQ).
      {"bob+work", "", Defaults(), Code::kOk, K::kUser, "bob", "user.bob", "user.bob.work"},
      {"bob+work.2024", "", Defaults(), Code::kOk, K::kUser, "bob", "user.bob",
       "user.bob.work.2024"},
      // An empty detail is plain INBOX delivery.
      {"bob+", "", Defaults(), Code::kOk, K::kUser, "bob", "user.bob", ""},
      // A detail that is no valid name falls back to INBOX.
      {"bob+..", "", Defaults(), Code::kOk, K::kUser, "bob", "user.bob", ""},
      {"bob+.hidden", "", Defaults(), Code::kOk, K::kUser, "bob", "user.bob", ""},
      // unixhierarchysep: '/' separates levels, '.' is stored as '^'.
      {"bob+a/b.c", "", UnixSep(), Code::kOk, K::kUser, "bob", "user.bob", "user.bob.a.b^c"},
      {"john.doe", "", UnixSep(), Code::kOk, K::kUser, "john.doe", "user.john^doe", ""},
      // virtdomains: user@domain, except the default domain.
      {"carol", "Example.COM", Virt(), Code::kOk, K::kUser, "carol@example.com",
       "example.com!user.carol", ""},
      {"carol", "example.org", Virt(), Code::kOk, K::kUser, "carol", "user.carol", ""},
      {"carol+x", "example.com", Virt(), Code::kOk, K::kUser, "carol@example.com",
       "example.com!user.carol", "example.com!user.carol.x"},
      // "+folder" and "postuser+folder": shared folders (bulletin boards).
      {"+news", "", Defaults(), Code::kOk, K::kShared, "", "", "news"},
      {"+news.local", "", Defaults(), Code::kOk, K::kShared, "", "", "news.local"},
      {"bb+news", "", PostUser(), Code::kOk, K::kShared, "", "", "news"},
      {"+news", "example.com", Virt(), Code::kOk, K::kShared, "", "", "example.com!news"},
      // With a postuser set, "other+x" is still a user's folder.
      {"other+x", "", PostUser(), Code::kOk, K::kUser, "other", "user.other", "user.other.x"},
      // Refused: no user, an empty shared folder, a shared name under user.
      {"+", "", Defaults(), Code::kInvalid, K::kShared, "", "", ""},
      {"+user.bob", "", Defaults(), Code::kInvalid, K::kShared, "", "", ""},
      {"+a..b", "", Defaults(), Code::kInvalid, K::kShared, "", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.local) + "@" + c.domain);
    protocol::MailPath path{c.local, c.domain};
    Result<Recipient> r = ResolveAddress(path, c.options);
    ASSERT_EQ(r.code(), c.code) << r.status().ToString();
    if (!r.ok()) continue;
    EXPECT_EQ(r->kind, c.kind);
    EXPECT_EQ(r->userid, c.userid);
    EXPECT_EQ(r->inbox, c.inbox);
    EXPECT_EQ(r->folder, c.folder);
  }
}

TEST(ResolveAddress, KeepsTheAddressAndDetailForLogsAndSieve) {
  Result<Recipient> r = ResolveAddress({"Bob+Work", "example.com"}, Defaults());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->address, "Bob+Work@example.com");
  EXPECT_EQ(r->detail, "Work");
}

TEST(ResolveAddress, ConfigOptions) {
  Result<config::Config> config = config::Config::Parse(
      "lmtp_downcase_rcpt: no\nvirtdomains: userid\ndefaultdomain: Example.org\n"
      "postuser: bb\nunixhierarchysep: yes\n",
      "imapd.conf");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  RecipientOptions o = RecipientOptions::FromConfig(*config);
  EXPECT_FALSE(o.downcase);
  EXPECT_TRUE(o.virtdomains);
  EXPECT_EQ(o.defaultdomain, "example.org");
  EXPECT_EQ(o.postuser, "bb");
  EXPECT_TRUE(o.unixhierarchysep);
}

TEST(DefaultActions, KeepFileIntoOrShared) {
  Recipient user = *ResolveAddress({"bob", ""}, Defaults());
  std::vector<Action> a = DefaultActions(user);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Action::Kind::kKeep);
  EXPECT_EQ(a[0].mailbox, "user.bob");

  Recipient plus = *ResolveAddress({"bob+x", ""}, Defaults());
  a = DefaultActions(plus);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Action::Kind::kFileInto);
  EXPECT_EQ(a[0].mailbox, "user.bob.x");
  EXPECT_TRUE(a[0].fallback_to_inbox);

  Recipient shared = *ResolveAddress({"+news", ""}, Defaults());
  a = DefaultActions(shared);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].mailbox, "news");
  EXPECT_FALSE(a[0].fallback_to_inbox);
}

}  // namespace
}  // namespace satrap::lmtpd
