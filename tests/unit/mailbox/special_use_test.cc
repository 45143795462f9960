// Special-use attributes (RFC 6154): parsing, who may set them, and that
// they live in the mailboxes.db entry (follow RENAME, go with DELETE,
// survive a reopen, absent from entries written without them).
#include "mailbox/special_use.h"

#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

// RFC 6154 §6: use-attr = "\All" / "\Archive" / "\Drafts" / "\Flagged" /
// "\Junk" / "\Sent" / "\Trash" / use-attr-ext
TEST(SpecialUseParse, KnownAndUnknownNames) {
  struct Case {
    std::vector<std::string> names;
    bool ok;
    uint32_t uses;
  };
  const Case cases[] = {
      {{}, true, 0},
      {{"\\Sent"}, true, kUseSent},
      {{"\\sent", "\\TRASH"}, true, kUseSent | kUseTrash},
      {{"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"}, true, kUseMask},
      {{"\\Important"}, false, 0},  // RFC 8457, not supported
      {{"Sent"}, false, 0},         // no backslash
      {{"\\Sent", ""}, false, 0},
      {{"\\Sentx"}, false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.names.empty() ? "(none)" : c.names[0]);
    Result<uint32_t> uses = ParseSpecialUse(c.names);
    EXPECT_EQ(uses.ok(), c.ok);
    if (c.ok && uses.ok()) {
      EXPECT_EQ(*uses, c.uses);
    }
    if (!c.ok) {
      EXPECT_TRUE(uses.status().Is(Code::kInvalid));
    }
  }
  EXPECT_EQ(SpecialUseNames(kUseTrash | kUseAll), (std::vector<std::string>{"\\All", "\\Trash"}));
  EXPECT_TRUE(SpecialUseNames(0).empty());
}

TEST(SpecialUseType, BitsLeaveTheRestOfTheTypeAlone) {
  EXPECT_EQ(SpecialUseOfType(0), 0u);
  EXPECT_EQ(SpecialUseOfType(kTypeReserved), 0u);
  uint32_t type = TypeWithSpecialUse(kTypeReserved, kUseSent);
  EXPECT_EQ(type & kTypeReserved, kTypeReserved);
  EXPECT_EQ(SpecialUseOfType(type), kUseSent);
  EXPECT_EQ(SpecialUseOfType(TypeWithSpecialUse(type, 0)), 0u);
  EXPECT_EQ(TypeWithSpecialUse(type, 0), kTypeReserved);
}

class SpecialUseTest : public StoreTest {
 protected:
  uint32_t UsesOf(const std::string& name) {
    Result<MailboxEntry> entry = store_->mboxlist().Lookup(nullptr, name);
    EXPECT_TRUE(entry.ok()) << name;
    return entry.ok() ? SpecialUseOfType(entry->type) : 0xffffffffu;
  }
  uint32_t ListedUses(const acl::Identity& who, const std::string& pattern) {
    Result<std::vector<ListEntry>> found = store_->List(who, pattern);
    EXPECT_TRUE(found.ok() && found->size() == 1) << pattern;
    return found.ok() && found->size() == 1 ? (*found)[0].special_use : 0xffffffffu;
  }
};

TEST_F(SpecialUseTest, CreateSetListRenameDelete) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->Create(alice, "user.alice.Sent", "", kUseSent).ok());
  ASSERT_TRUE(store_->Create(alice, "user.alice.Plain").ok());
  EXPECT_EQ(UsesOf("user.alice.Sent"), kUseSent);
  EXPECT_EQ(UsesOf("user.alice.Plain"), 0u);
  EXPECT_EQ(ListedUses(alice, "INBOX.Sent"), kUseSent);
  EXPECT_EQ(ListedUses(alice, "INBOX.Plain"), 0u);

  ASSERT_TRUE(store_->SetSpecialUse(alice, "user.alice.Plain", kUseTrash | kUseJunk).ok());
  Reopen();
  alice = User("alice");
  EXPECT_EQ(ListedUses(alice, "INBOX.Plain"), kUseTrash | kUseJunk);

  // RENAME carries them, with the children.
  ASSERT_TRUE(store_->Create(alice, "user.alice.Plain.Sub", "", kUseArchive).ok());
  ASSERT_TRUE(store_->Rename(alice, "user.alice.Plain", "user.alice.Bin").ok());
  EXPECT_EQ(UsesOf("user.alice.Bin"), kUseTrash | kUseJunk);
  EXPECT_EQ(UsesOf("user.alice.Bin.Sub"), kUseArchive);
  EXPECT_EQ(ListedUses(alice, "INBOX.Bin.Sub"), kUseArchive);

  // DELETE takes them; a new mailbox of the same name starts without.
  ASSERT_TRUE(store_->Delete(alice, "user.alice.Bin.Sub").ok());
  ASSERT_TRUE(store_->Create(alice, "user.alice.Bin.Sub").ok());
  EXPECT_EQ(UsesOf("user.alice.Bin.Sub"), 0u);

  // Clearing.
  ASSERT_TRUE(store_->SetSpecialUse(alice, "user.alice.Sent", 0).ok());
  EXPECT_EQ(UsesOf("user.alice.Sent"), 0u);
  EXPECT_TRUE(store_->SetSpecialUse(alice, "user.alice.Sent", 1u << 20).Is(Code::kInvalid));
}

TEST_F(SpecialUseTest, OnlyOwnerOrAdmin) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->CreateUser("bob").ok());
  acl::Identity alice = User("alice");
  acl::Identity bob = User("bob");
  ASSERT_TRUE(store_->Create(alice, "user.alice.Shared").ok());
  ASSERT_TRUE(store_->SetAcl(alice, "user.alice.Shared", "bob", "lrswipkxtecda").ok());
  // Bob has every right on it but does not own it.
  EXPECT_TRUE(store_->SetSpecialUse(bob, "user.alice.Shared", kUseSent).Is(Code::kNoPermission));
  EXPECT_TRUE(store_->Create(bob, "user.alice.Shared.Sub", "", kUseSent).Is(Code::kNoPermission));
  Result<MailboxEntry> not_made = store_->mboxlist().Lookup(nullptr, "user.alice.Shared.Sub");
  EXPECT_TRUE(not_made.status().Is(Code::kNotFound));
  // Invisible mailbox: not found, whatever the attribute.
  ASSERT_TRUE(store_->Create(alice, "user.alice.Private").ok());
  EXPECT_TRUE(store_->SetSpecialUse(bob, "user.alice.Private", kUseSent).Is(Code::kNotFound));
  EXPECT_TRUE(store_->SetSpecialUse(alice, "user.alice.Missing", kUseSent).Is(Code::kNotFound));
  // Shared mailboxes: admins only.
  ASSERT_TRUE(store_->Create(admin_, "shared").ok());
  ASSERT_TRUE(store_->SetAcl(admin_, "shared", "anyone", "lrswipkxtecda").ok());
  EXPECT_TRUE(store_->SetSpecialUse(alice, "shared", kUseArchive).Is(Code::kNoPermission));
  EXPECT_TRUE(store_->SetSpecialUse(admin_, "shared", kUseArchive).ok());
  EXPECT_TRUE(store_->SetSpecialUse(admin_, "user.alice.Shared", kUseDrafts).ok());
  EXPECT_EQ(UsesOf("shared"), kUseArchive);
  EXPECT_EQ(UsesOf("user.alice.Shared"), kUseDrafts);
}

// An entry written before special-use existed decodes with none.
TEST(SpecialUseCompat, OldEntryHasNone) {
  Result<MailboxEntry> e = DecodeMailboxEntry("user.a", "0 default abc123 a\tlrs\t");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(SpecialUseOfType(e->type), 0u);
  MailboxEntry with = *e;
  with.type = TypeWithSpecialUse(with.type, kUseSent);
  Result<MailboxEntry> back = DecodeMailboxEntry("user.a", EncodeMailboxEntry(with));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(SpecialUseOfType(back->type), kUseSent);
  EXPECT_EQ(back->type & kTypeReserved, 0u);
}

}  // namespace
}  // namespace satrap::mailbox
