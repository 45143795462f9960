// External <-> internal names under altnamespace, unixhierarchysep and
// virtdomains (003 seed "altnamespace"; RFC 2342; RFC 3501 §5.1 INBOX).
#include "mailbox/namespace.h"

#include <gtest/gtest.h>

namespace satrap::mailbox {
namespace {

struct Case {
  bool alt;
  bool unix_sep;
  bool virtdomains;
  const char* userid;
  const char* external;  // canonical external spelling
  const char* internal;
};

// Every row must translate both ways.
const Case kRoundTrips[] = {
    {false, false, false, "alice", "INBOX", "user.alice"},
    {false, false, false, "alice", "INBOX.Sent", "user.alice.Sent"},
    {false, false, false, "alice", "INBOX.subsys.mail.mta.sendmail",
     "user.alice.subsys.mail.mta.sendmail"},
    {false, false, false, "alice", "user.bob.x", "user.bob.x"},
    {false, false, false, "alice", "user.bob", "user.bob"},
    {false, false, false, "alice", "news", "news"},
    {false, false, false, "", "user.bob", "user.bob"},
    {true, false, false, "adam", "INBOX", "user.adam"},
    {true, false, false, "adam", "klug", "user.adam.klug"},
    {true, false, false, "adam", "subsys.gnome", "user.adam.subsys.gnome"},
    {true, false, false, "adam", "Other Users.bob", "user.bob"},
    {true, false, false, "adam", "Other Users.bob.Sent", "user.bob.Sent"},
    {true, false, false, "adam", "Shared Folders.news", "news"},
    {false, true, false, "alice", "INBOX", "user.alice"},
    {false, true, false, "alice", "INBOX/Sent", "user.alice.Sent"},
    {false, true, false, "alice", "INBOX/v1.2", "user.alice.v1^2"},
    {false, true, false, "john.doe", "INBOX/x", "user.john^doe.x"},
    {false, true, false, "alice", "user/john.doe/x", "user.john^doe.x"},
    {true, true, false, "alice", "Lists/OpenSSL", "user.alice.Lists.OpenSSL"},
    {true, true, false, "alice", "Other Users/bob/Sent", "user.bob.Sent"},
    {true, true, false, "alice", "Shared Folders/a/b", "a.b"},
    {false, false, true, "alice@example.com", "INBOX", "example.com!user.alice"},
    {false, false, true, "alice@example.com", "INBOX.Sent", "example.com!user.alice.Sent"},
    {false, false, true, "alice@example.com", "user.bob", "example.com!user.bob"},
    {false, false, true, "alice@example.com", "news", "example.com!news"},
    {false, false, true, "admin", "user.bob@example.com", "example.com!user.bob"},
    {false, false, true, "admin", "user.bob.Sent@example.com", "example.com!user.bob.Sent"},
    {false, false, true, "admin", "user.bob", "user.bob"},
    {true, true, true, "alice@example.com", "Other Users/bob", "example.com!user.bob"},
};

Namespace Make(const Case& c) {
  NamespaceOptions options;
  options.altnamespace = c.alt;
  options.unixhierarchysep = c.unix_sep;
  options.virtdomains = c.virtdomains;
  return Namespace(options);
}

TEST(NamespaceTest, RoundTrips) {
  for (const Case& c : kRoundTrips) {
    SCOPED_TRACE(std::string(c.userid) + " " + c.external + " alt=" + std::to_string(c.alt) +
                 " unix=" + std::to_string(c.unix_sep));
    Namespace ns = Make(c);
    Result<std::string> internal = ns.ToInternal(c.external, c.userid);
    ASSERT_TRUE(internal.ok()) << internal.status().ToString();
    EXPECT_EQ(*internal, c.internal);
    Result<std::string> external = ns.ToExternal(c.internal, c.userid);
    ASSERT_TRUE(external.ok()) << external.status().ToString();
    EXPECT_EQ(*external, c.external);
  }
}

TEST(NamespaceTest, InboxIsCaseInsensitive) {
  Namespace ns;
  EXPECT_EQ(ns.ToInternal("inbox", "alice").value_or(""), "user.alice");
  EXPECT_EQ(ns.ToInternal("InBoX.Sent", "alice").value_or(""), "user.alice.Sent");
  // Only as a whole first level: "INBOXES" is an ordinary shared name.
  EXPECT_EQ(ns.ToInternal("INBOXES", "alice").value_or(""), "INBOXES");
  // In the standard namespace a user may also use the full name of her INBOX.
  EXPECT_EQ(ns.ToInternal("user.alice.Sent", "alice").value_or(""), "user.alice.Sent");
}

TEST(NamespaceTest, RejectsBadNames) {
  struct Bad {
    bool alt;
    bool unix_sep;
    const char* userid;
    const char* external;
  };
  const Bad cases[] = {
      {false, false, "alice", ""},
      {false, false, "alice", "INBOX..x"},
      {false, false, "alice", "INBOX."},
      {false, false, "", "INBOX"},  // anonymous has no INBOX
      {false, true, "alice", "INBOX/../../etc"},
      {false, true, "alice", "INBOX//x"},
      {false, true, "alice", "INBOX/a^b"},
      {false, true, "alice", "INBOX/.hidden"},
      {false, false, "alice", "user.bob/x"},
      {true, false, "alice", "Other Users"},
      {true, false, "alice", "Shared Folders"},
      {true, false, "", "Sent"},
      {false, false, "alice", "INBOX.caf\xc3\xa9"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.external);
    NamespaceOptions options;
    options.altnamespace = c.alt;
    options.unixhierarchysep = c.unix_sep;
    EXPECT_FALSE(Namespace(options).ToInternal(c.external, c.userid).ok());
  }
  EXPECT_EQ(Namespace().ToInternal(std::string(600, 'a'), "alice").code(), Code::kTooBig);
}

TEST(NamespaceTest, OtherDomainsAreHidden) {
  NamespaceOptions options;
  options.virtdomains = true;
  Namespace ns(options);
  EXPECT_EQ(ns.ToExternal("other.org!user.bob", "alice@example.com").code(), Code::kNotFound);
  EXPECT_EQ(ns.ToExternal("user.bob", "alice@example.com").code(), Code::kNotFound);
}

TEST(NamespaceTest, Prefixes) {
  // RFC 2342 §5 examples.
  NamespacePrefixes standard = Namespace().Prefixes();
  EXPECT_EQ(standard.personal, "INBOX.");
  EXPECT_EQ(standard.other_users, "user.");
  EXPECT_EQ(standard.shared, "");
  NamespaceOptions options;
  options.altnamespace = true;
  options.unixhierarchysep = true;
  NamespacePrefixes alt = Namespace(options).Prefixes();
  EXPECT_EQ(alt.personal, "");
  EXPECT_EQ(alt.other_users, "Other Users/");
  EXPECT_EQ(alt.shared, "Shared Folders/");
}

}  // namespace
}  // namespace satrap::mailbox
