// The store through its public API: create/delete/rename, ACL enforcement
// (003 seed "Calculating Access", RFC 4314 §4), quota roots, append, STORE,
// EXPUNGE and what another session's Refresh() sees (RFC 3501 §7.4.1).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "mailbox/cache_batches.h"
#include "mailbox/store_internal.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

TEST_F(StoreTest, CreateUserMakesTheHashedFolderAndFullRights) {
  ASSERT_TRUE(store_->CreateUser("julien").ok());
  EXPECT_TRUE(PathExists(dir_ + "/spool/j/user/julien/cyrus.index"));
  EXPECT_TRUE(PathExists(dir_ + "/spool/j/user/julien/cyrus.header"));
  acl::Identity julien = User("julien");
  ASSERT_TRUE(store_->Create(julien, "user.julien.Lists").ok());
  ASSERT_TRUE(store_->Create(julien, "user.julien.Lists.OpenSSL").ok());
  EXPECT_TRUE(PathExists(dir_ + "/spool/j/user/julien/Lists/OpenSSL/cyrus.index"));
  EXPECT_EQ(store_->Create(julien, "user.julien.Lists").code(), Code::kExists);
  Result<acl::Rights> rights = store_->RightsOn(julien, "user.julien.Lists.OpenSSL");
  ASSERT_TRUE(rights.ok());
  EXPECT_TRUE(rights->Has(acl::kRead | acl::kInsert | acl::kAdmin | acl::kExpunge));
  // The child inherited the INBOX's ACL.
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.julien.Lists.OpenSSL")->acl,
            store_->mboxlist().Lookup(nullptr, "user.julien")->acl);
}

TEST_F(StoreTest, NotFoundAndNoPermissionAreIndistinguishableWithoutLookup) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.private").ok());
  acl::Identity bob = User("bob");
  // Bob has no right at all: missing and forbidden look the same.
  EXPECT_EQ(store_->Open(bob, "user.alice.private", false).code(), Code::kNotFound);
  EXPECT_EQ(store_->Open(bob, "user.alice.nothere", false).code(), Code::kNotFound);
  EXPECT_EQ(store_->Delete(bob, "user.alice.private").code(), Code::kNotFound);
  // With `l` only, the mailbox exists for him but cannot be read.
  ASSERT_TRUE(store_->SetAcl(User("alice"), "user.alice.private", "bob", "l").ok());
  EXPECT_EQ(store_->Open(bob, "user.alice.private", false).code(), Code::kNoPermission);
  // Users cannot create top-level mailboxes or under others' INBOXes.
  EXPECT_EQ(store_->Create(bob, "shared").code(), Code::kNoPermission);
  EXPECT_EQ(store_->Create(bob, "user.alice.x").code(), Code::kNoPermission);
  // The admin always has l and a, but not r or c/x ("The IMAP administrative
  // account does NOT have the automatic access to delete mail folders").
  EXPECT_EQ(store_->Open(admin_, "user.alice.private", true).code(), Code::kNoPermission);
  EXPECT_TRUE(store_->GetAcl(admin_, "user.alice.private").ok());
  EXPECT_EQ(store_->Delete(admin_, "user.alice.private").code(), Code::kNoPermission);
}

TEST_F(StoreTest, NegativeRightsAndAnyone) {
  ASSERT_TRUE(store_->Create(admin_, "shared").ok());  // defaultacl: anyone lrs
  acl::Identity bob = User("bob");
  EXPECT_TRUE(store_->Open(bob, "shared", true).ok());
  ASSERT_TRUE(store_->SetAcl(admin_, "shared", "-bob", "r").ok());
  EXPECT_EQ(store_->Open(bob, "shared", true).code(), Code::kNoPermission);
  acl::Identity carol = User("carol");
  carol.groups = {"staff"};
  ASSERT_TRUE(store_->SetAcl(admin_, "shared", "group:staff", "lrswi").ok());
  EXPECT_NE(AppendOne(carol, "shared", "hi"), 0u);
  EXPECT_EQ(AppendOne(bob, "shared", "hi"), 0u);
}

TEST_F(StoreTest, AppendStoreExpungeAndAnotherSessionSeesIt) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_EQ(AppendOne(alice, "user.alice", "one"), 1u);
  ASSERT_EQ(AppendOne(alice, "user.alice", "two"), 2u);
  auto a = store_->Open(alice, "user.alice", false);
  auto b = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(a.ok() && b.ok());
  Mailbox& first = **a;
  Mailbox& second = **b;
  EXPECT_EQ(first.exists(), 2u);
  // The first read-write session claimed \Recent.
  EXPECT_EQ(first.recent_count(), 2u);
  EXPECT_EQ(second.recent_count(), 0u);
  Result<std::string> body = first.ReadMessage(2);
  ASSERT_TRUE(body.ok());
  EXPECT_NE(body->find("two"), std::string::npos);
  EXPECT_EQ(first.Record(2).size, body->size());
  Result<std::string> payload = first.CachePayload(1);
  ASSERT_TRUE(payload.ok());
  CacheRun run;
  ASSERT_TRUE(first.ReadCacheRun(1, 2, &run).ok());
  ASSERT_EQ(run.payloads.size(), 2u);
  EXPECT_EQ(run.payloads[0], *payload);

  FlagChange deleted{FlagOp::kAdd, kFlagDeleted, {"Junk"}, std::nullopt};
  uint32_t one = 1;
  Result<StoreOutcome> stored = first.StoreFlags(std::span<const uint32_t>(&one, 1), deleted);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->changed, std::vector<uint32_t>{1});
  EXPECT_EQ(first.keywords(), std::vector<std::string>{"Junk"});

  Result<RefreshChanges> seen = second.Refresh(false);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->flags_changed, std::vector<uint32_t>{1});
  EXPECT_TRUE(seen->keywords_changed);
  EXPECT_TRUE(second.Flags(1).system & kFlagDeleted);

  Result<RefreshChanges> expunged = first.Expunge(std::nullopt);
  ASSERT_TRUE(expunged.ok()) << expunged.status().ToString();
  EXPECT_EQ(expunged->expunged, std::vector<uint32_t>{1});
  EXPECT_EQ(first.exists(), 1u);
  // During FETCH/STORE/SEARCH the other view must not renumber...
  Result<RefreshChanges> quiet = second.Refresh(false);
  ASSERT_TRUE(quiet.ok());
  EXPECT_TRUE(quiet->expunged.empty());
  EXPECT_EQ(second.exists(), 2u);
  EXPECT_TRUE(second.IsExpungePending(1));
  EXPECT_EQ(second.ReadMessage(1).code(), Code::kNotFound);
  // ...until it may.
  Result<RefreshChanges> loud = second.Refresh(true);
  ASSERT_TRUE(loud.ok());
  EXPECT_EQ(loud->expunged, std::vector<uint32_t>{1});
  EXPECT_EQ(second.exists(), 1u);
  EXPECT_EQ(second.Uid(1), 2u);
  // New mail reaches both views with a new uid.
  ASSERT_EQ(AppendOne(alice, "user.alice", "three"), 3u);
  Result<RefreshChanges> more = second.Refresh(true);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->exists_changed);
  EXPECT_EQ(more->exists, 2u);
}

// Open mailboxes read records through a mapping of cyrus.index
// (index_map.h): another session's flag change shows through at once and is
// announced once by Refresh(); a session's own STORE is not announced back
// to it; a record damaged on disk is never served as if valid.
TEST_F(StoreTest, FlagsAreLiveAndADamagedRecordIsNotServed) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (const char* body : {"one", "two", "three"}) ASSERT_NE(AppendOne(alice, "user.alice", body), 0u);
  auto a = store_->Open(alice, "user.alice", false);
  auto b = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(a.ok() && b.ok());
  Mailbox& first = **a;
  Mailbox& second = **b;
  FlagChange flagged{FlagOp::kAdd, kFlagFlagged, {}, std::nullopt};
  uint32_t one = 1;
  ASSERT_TRUE(first.StoreFlags(std::span<const uint32_t>(&one, 1), flagged).ok());
  EXPECT_TRUE(second.Flags(1).system & kFlagFlagged);
  Result<RefreshChanges> theirs = second.Refresh(false);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->flags_changed, std::vector<uint32_t>{1});
  Result<RefreshChanges> again = second.Refresh(false);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->flags_changed.empty());
  Result<RefreshChanges> mine = first.Refresh(false);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->flags_changed.empty());

  // A change and an append in the same window: a refresh that looked only
  // at the appended records would miss the change.
  uint32_t three = 3;
  ASSERT_TRUE(first.StoreFlags(std::span<const uint32_t>(&three, 1), flagged).ok());
  ASSERT_NE(AppendOne(alice, "user.alice", "four"), 0u);
  Result<RefreshChanges> both = second.Refresh(false);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->flags_changed, std::vector<uint32_t>{3});
  EXPECT_EQ(both->exists, 4u);
  // Likewise an expunge and an append.
  FlagChange deleted{FlagOp::kAdd, kFlagDeleted, {}, std::nullopt};
  ASSERT_TRUE(first.StoreFlags(std::span<const uint32_t>(&three, 1), deleted).ok());
  ASSERT_TRUE(first.Expunge(std::nullopt).ok());
  ASSERT_NE(AppendOne(alice, "user.alice", "five"), 0u);
  Result<RefreshChanges> gone = second.Refresh(true);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->expunged, std::vector<uint32_t>{3});
  EXPECT_EQ(second.exists(), 4u);
  EXPECT_EQ(second.Uid(4), 5u);

  // Damage the flags of record 2 (uid 2) in the file, under both sessions.
  UniqueFd index(::openat(second.dir_fd(), kIndexFileName, O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(index.valid());
  const char garbage = 0x7f;
  ASSERT_EQ(::pwrite(index.get(), &garbage, 1, kIndexHeaderSize + kIndexRecordSize + 4), 1);
  EXPECT_EQ(second.Flags(2).system, 0u);
  EXPECT_EQ(second.Record(2).uid, 2u);
  EXPECT_TRUE(second.Flags(1).system & kFlagFlagged);
  // A new session checks every record and refuses the mailbox.
  EXPECT_EQ(store_->Open(alice, "user.alice", false).status().code(), Code::kCorrupt);
}

// A large mailbox's records are checked when a command first reads them
// (Mailbox::Verify), not all by SELECT: a damaged record far from what
// SELECT reads lets the mailbox open, is refused by the first command that
// reads it, and from then on by every command of that session.
TEST_F(StoreTest, LargeMailboxRefusesADamagedRecordWhenItIsRead) {
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  constexpr uint32_t kCount = 3 * kBlock + 10;
  constexpr uint32_t kDamaged = 2 * kBlock + 44;  // a position in the third block
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(AppendMany(alice, "user.alice", kCount));
  {
    auto opened = store_->Open(alice, "user.alice", true);
    ASSERT_TRUE(opened.ok());
    UniqueFd index(::openat((*opened)->dir_fd(), kIndexFileName, O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(index.valid());
    const char garbage = 0x7f;
    ASSERT_EQ(::pwrite(index.get(), &garbage, 1, kIndexHeaderSize + kDamaged * kIndexRecordSize + 9),
              1);
  }
  auto opened = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Mailbox& mb = **opened;
  EXPECT_EQ(mb.exists(), kCount);
  EXPECT_EQ(mb.recent_count(), kCount);
  EXPECT_EQ(*mb.FirstUnseen(), 1u);
  ASSERT_TRUE(mb.Verify(1, kBlock).ok());
  EXPECT_EQ(mb.Uid(kBlock), kBlock);
  // Messages on either side of the damage, far apart, pass on their own.
  const uint32_t sparse[] = {2, 1, kDamaged - 2 * kBlock, kCount};
  EXPECT_TRUE(mb.Verify(sparse).ok());
  EXPECT_EQ(mb.Verify(kDamaged - 5, kDamaged + 5).code(), Code::kCorrupt);
  // Refused from now on, even what read well before.
  EXPECT_EQ(mb.Verify(1, 1).code(), Code::kCorrupt);
  // Another session reads around the damage and is refused at it; POP3,
  // which reads every message at once, is refused at login.
  auto other = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE((*other)->Verify(kCount - 3, kCount).ok());
  EXPECT_EQ((*other)->Verify(1, kCount).code(), Code::kCorrupt);
  opened->reset();
  other->reset();
  MaildropOptions pop;
  EXPECT_EQ(store_->OpenMaildrop(alice, pop).status().code(), Code::kCorrupt);
}

// The view of a mailbox without expunged records is an identity (message n
// is record n - 1, \Recent a range); others' expunges and \Recent claims
// that break it turn it into a list without changing what it shows.
TEST_F(StoreTest, IdentityViewFollowsOthersChanges) {
  constexpr uint32_t kCount = 2 * IndexRecords::kCheckBlock + 44;
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(AppendMany(alice, "user.alice", kCount, /*seen=*/kCount - 7));
  auto a_opened = store_->Open(alice, "user.alice", false);
  auto b_opened = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(a_opened.ok() && b_opened.ok());
  Mailbox& a = **a_opened;
  Mailbox& b = **b_opened;
  EXPECT_EQ(a.recent_count(), kCount);
  EXPECT_EQ(b.recent_count(), 0u);
  EXPECT_EQ(*a.FirstUnseen(), kCount - 6);
  // An append claimed by a; then one claimed by b; then one by a again,
  // whose \Recent messages are no longer one run.
  ASSERT_EQ(AppendOne(alice, "user.alice", "x"), kCount + 1);
  ASSERT_TRUE(a.Refresh(false).ok());
  EXPECT_EQ(a.recent_count(), kCount + 1);
  ASSERT_EQ(AppendOne(alice, "user.alice", "y"), kCount + 2);
  ASSERT_TRUE(b.Refresh(false).ok());
  ASSERT_TRUE(a.Refresh(false).ok());
  EXPECT_EQ(b.recent_count(), 1u);
  EXPECT_TRUE(b.Flags(kCount + 2).recent);
  EXPECT_EQ(a.recent_count(), kCount + 1);
  EXPECT_FALSE(a.Flags(kCount + 2).recent);
  ASSERT_EQ(AppendOne(alice, "user.alice", "z"), kCount + 3);
  ASSERT_TRUE(a.Refresh(false).ok());
  EXPECT_EQ(a.recent_count(), kCount + 2);
  EXPECT_TRUE(a.Flags(kCount + 1).recent);
  EXPECT_FALSE(a.Flags(kCount + 2).recent);
  EXPECT_TRUE(a.Flags(kCount + 3).recent);
  // b expunges message 100: a keeps numbering it until told.
  uint32_t hundred = 100;
  FlagChange deleted{FlagOp::kAdd, kFlagDeleted, {}, std::nullopt};
  ASSERT_TRUE(b.StoreFlags(std::span<const uint32_t>(&hundred, 1), deleted).ok());
  ASSERT_TRUE(b.Expunge(std::nullopt).ok());
  EXPECT_EQ(b.exists(), kCount + 2);
  EXPECT_EQ(b.Uid(100), 101u);
  Result<RefreshChanges> quiet = a.Refresh(false);
  ASSERT_TRUE(quiet.ok());
  EXPECT_TRUE(quiet->expunged.empty());
  EXPECT_TRUE(a.IsExpungePending(100));
  EXPECT_EQ(a.exists(), kCount + 3);
  Result<RefreshChanges> told = a.Refresh(true);
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(told->expunged, std::vector<uint32_t>{100});
  EXPECT_EQ(a.exists(), kCount + 2);
  EXPECT_EQ(a.Uid(100), 101u);
  EXPECT_EQ(a.MsgnoOfUid(kCount + 3), kCount + 2);
  EXPECT_EQ(a.recent_count(), kCount + 1);
  // A new session after both closed: the compacted index is an identity again.
  a_opened->reset();
  b_opened->reset();
  auto c = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->exists(), kCount + 2);
  EXPECT_EQ((*c)->Uid(kCount + 2), kCount + 3);
  EXPECT_EQ((*c)->MsgnoOfUid(100), 0u);
  EXPECT_EQ((*c)->MsgnoOfUid(101), 100u);
}

// RFC 3501 §2.3.2: a read-only session (EXAMINE, STATUS) sees \Recent on
// the messages no read-write session has claimed, and leaves it for the
// next session.
TEST_F(StoreTest, ReadOnlySessionsSeeRecentWithoutClaimingIt) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (const char* body : {"one", "two", "three"}) ASSERT_NE(AppendOne(alice, "user.alice", body), 0u);
  auto examined = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(examined.ok());
  EXPECT_EQ((*examined)->recent_count(), 3u);
  EXPECT_TRUE((*examined)->Flags(1).recent);
  auto selected = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ((*selected)->recent_count(), 3u);
  auto later = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->recent_count(), 0u);
  ASSERT_EQ(AppendOne(alice, "user.alice", "four"), 4u);
  ASSERT_TRUE((*examined)->Refresh(false).ok());
  ASSERT_TRUE((*later)->Refresh(false).ok());
  EXPECT_EQ((*examined)->recent_count(), 4u);
  EXPECT_EQ((*later)->recent_count(), 1u);
  ASSERT_TRUE((*selected)->Refresh(false).ok());
  EXPECT_EQ((*selected)->recent_count(), 4u);
}

// SELECT looks for the first unseen message from the index's
// unseen_lowwater hint, and raises it; clearing \Seen lowers it.
TEST_F(StoreTest, FirstUnseenKeepsTheLowwaterHint) {
  constexpr uint32_t kCount = 2 * IndexRecords::kCheckBlock + 44;
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(AppendMany(alice, "user.alice", kCount, /*seen=*/kCount - 10));
  auto lowwater = [](Mailbox& mb) {
    auto index = IndexFile::Open(mb.dir_fd());
    EXPECT_TRUE(index.ok());
    Result<IndexHeader> header = (*index)->ReadHeader();
    EXPECT_TRUE(header.ok());
    return header.ok() ? header->unseen_lowwater : 0;
  };
  {
    auto mb = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(mb.ok());
    EXPECT_EQ(*(*mb)->FirstUnseen(), kCount - 9);
    EXPECT_EQ(lowwater(**mb), kCount - 9);
    // The hint changed nothing the session must be told about.
    Result<RefreshChanges> changes = (*mb)->Refresh(true);
    ASSERT_TRUE(changes.ok());
    EXPECT_FALSE(changes->exists_changed);
    EXPECT_TRUE(changes->flags_changed.empty());
  }
  auto mb = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(mb.ok());
  EXPECT_EQ(*(*mb)->FirstUnseen(), kCount - 9);
  // Clearing \Seen below the hint lowers it.
  uint32_t five = 5;
  FlagChange unseen{FlagOp::kRemove, kFlagSeen, {}, std::nullopt};
  ASSERT_TRUE((*mb)->StoreFlags(std::span<const uint32_t>(&five, 1), unseen).ok());
  EXPECT_EQ(lowwater(**mb), 5u);
  auto other = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*(*other)->FirstUnseen(), 5u);
  // All seen: the hint moves past the last message.
  std::vector<uint32_t> all(kCount);
  for (uint32_t i = 0; i < kCount; ++i) all[i] = i + 1;
  FlagChange seen{FlagOp::kAdd, kFlagSeen, {}, std::nullopt};
  ASSERT_TRUE((*mb)->StoreFlags(all, seen).ok());
  ASSERT_TRUE((*mb)->Refresh(true).ok());
  EXPECT_EQ(*(*mb)->FirstUnseen(), 0u);
  EXPECT_EQ(lowwater(**mb), kCount + 1);
  // Setting \Seen leaves the hint low; a read-only session does not raise it.
  ASSERT_TRUE((*mb)->StoreFlags(std::span<const uint32_t>(&five, 1), unseen).ok());
  ASSERT_TRUE((*mb)->StoreFlags(std::span<const uint32_t>(&five, 1), seen).ok());
  EXPECT_EQ(lowwater(**mb), 5u);
  auto examined = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(examined.ok());
  EXPECT_EQ(*(*examined)->FirstUnseen(), 0u);
  EXPECT_EQ(lowwater(**mb), 5u);
}

// reconstruct (or a compaction) renames a new cyrus.index over the old one
// while a session has the mailbox open: the session must notice, follow the
// new file and report what it dropped.
TEST_F(StoreTest, OpenSessionFollowsAReplacedIndex) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (const char* body : {"one", "two", "three"}) ASSERT_NE(AppendOne(alice, "user.alice", body), 0u);
  auto opened = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(opened.ok());
  Mailbox& mb = **opened;
  {
    auto index = IndexFile::Open(mb.dir_fd());
    ASSERT_TRUE(index.ok());
    Result<IndexSnapshot> snapshot = (*index)->Snapshot();
    ASSERT_TRUE(snapshot.ok());
    snapshot->records.erase(snapshot->records.begin() + 1);  // uid 2
    const IndexHeader old = snapshot->header;
    RecountHeader(snapshot->records, &snapshot->header);
    snapshot->header.uidnext = old.uidnext;
    snapshot->header.highestmodseq = old.highestmodseq;
    ASSERT_TRUE(IndexFile::WriteWhole(mb.dir_fd(), *snapshot, 0600).ok());
  }
  Result<RefreshChanges> changes = mb.Refresh(true);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  EXPECT_EQ(changes->expunged, std::vector<uint32_t>{2});
  EXPECT_EQ(mb.exists(), 2u);
  EXPECT_EQ(mb.Uid(2), 3u);
  EXPECT_EQ(mb.Record(2).uid, 3u);
}

TEST_F(StoreTest, CompactionAfterLastClose) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (int i = 0; i < 3; ++i) ASSERT_NE(AppendOne(alice, "user.alice", "m", kFlagDeleted), 0u);
  {
    auto box = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(box.ok());
    ASSERT_TRUE((*box)->Expunge(std::nullopt).ok());
  }
  auto folder = OpenFolder(dir_ + "/spool/a/user/alice");
  ASSERT_TRUE(folder.ok());
  auto snapshot = ReadIndexOf(folder->get());
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->header.num_records, 0u);
  EXPECT_EQ(snapshot->header.uidnext, 4u);
  EXPECT_FALSE(PathExists(dir_ + "/spool/a/user/alice/1."));
}

TEST_F(StoreTest, QuotaRootsStrictAndDelivery) {
  ASSERT_TRUE(store_->CreateUser("adam").ok());
  acl::Identity adam = User("adam");
  ASSERT_TRUE(store_->Create(adam, "user.adam.subsys").ok());
  ASSERT_TRUE(store_->Create(adam, "user.adam.klug").ok());
  ASSERT_TRUE(store_->SetQuota(admin_, "user.adam", 1, -1).ok());  // 1 KiB
  ASSERT_TRUE(store_->SetQuota(admin_, "user.adam.subsys", -1, 1).ok());
  EXPECT_EQ(store_->SetQuota(adam, "user.adam", 100, -1).code(), Code::kNoPermission);
  std::string big(900, 'x');
  ASSERT_NE(AppendOne(adam, "user.adam.klug", big), 0u);
  // Strict: a second one would exceed 1 KiB.
  EXPECT_EQ(AppendOne(adam, "user.adam", big), 0u);
  // Delivery: still under the limit, so any size is accepted...
  std::string data = "Subject: x\r\n\r\n" + std::string(5000, 'y') + "\r\n";
  NewMessage m;
  m.data = data;
  std::string inbox[] = {"user.adam"};
  AppendPolicy lmtp;
  lmtp.quota_check = quota::QuotaCheck::kDelivery;
  lmtp.trusted_delivery = true;
  acl::Identity postman = User("");
  auto delivered = store_->Append(postman, std::span<const NewMessage>(&m, 1), inbox, lmtp);
  ASSERT_TRUE(delivered.ok());
  EXPECT_TRUE((*delivered)[0].ok());
  // ...and then the root is over: refused with kOverQuota.
  delivered = store_->Append(postman, std::span<const NewMessage>(&m, 1), inbox, lmtp);
  EXPECT_EQ((*delivered)[0].code(), Code::kOverQuota);
  // user.adam.subsys counts against its own root (1 message).
  ASSERT_NE(AppendOne(adam, "user.adam.subsys", "s"), 0u);
  EXPECT_EQ(AppendOne(adam, "user.adam.subsys", "s"), 0u);
  Result<quota::QuotaRoot> root = store_->GetQuota(adam, "user.adam");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->used_messages, 2u);
  EXPECT_EQ(store_->QuotaRootOf(adam, "user.adam.klug")->value().root, "user.adam");
  // quota -f finds nothing to fix when usage was kept exact.
  EXPECT_TRUE(store_->FixQuotas("")->empty());
}

TEST_F(StoreTest, RenameKeepsIdentityQuotaAndSubscriptions) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->Create(alice, "user.alice.a").ok());
  ASSERT_TRUE(store_->Create(alice, "user.alice.a.b").ok());
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 1000, -1).ok());
  ASSERT_NE(AppendOne(alice, "user.alice.a.b", "x"), 0u);
  ASSERT_TRUE(store_->Subscribe(alice, "user.alice.a.b").ok());
  std::string uniqueid = store_->mboxlist().Lookup(nullptr, "user.alice.a.b")->uniqueid;
  ASSERT_TRUE(store_->Rename(alice, "user.alice.a", "user.alice.z").ok());
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.a.b").code(), Code::kNotFound);
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.z.b")->uniqueid, uniqueid);
  auto box = store_->Open(alice, "user.alice.z.b", true);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  EXPECT_EQ((*box)->exists(), 1u);
  EXPECT_EQ(*store_->Subscriptions(alice), std::vector<std::string>{"user.alice.z.b"});
  EXPECT_TRUE(store_->FixQuotas("")->empty());
  EXPECT_EQ(store_->Rename(alice, "user.alice.z", "user.alice.z.c").code(), Code::kInvalid);
  ASSERT_TRUE(store_->Create(alice, "user.alice.y").ok());
  EXPECT_EQ(store_->Rename(alice, "user.alice.z", "user.alice.y").code(), Code::kExists);
}

TEST_F(StoreTest, CopyLinksAndMoveExpunges) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->Create(alice, "user.alice.Archive").ok());
  ASSERT_NE(AppendOne(alice, "user.alice", "keep me"), 0u);
  auto box = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(box.ok());
  uint32_t one = 1;
  Result<CopyResult> copied =
      store_->Copy(alice, **box, std::span<const uint32_t>(&one, 1), "user.alice.Archive", true);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->uids, std::vector<uint32_t>{1});
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/spool/a/user/alice/Archive/1.").c_str(), &st), 0);
  Result<RefreshChanges> changes = (*box)->Refresh(true);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->expunged, std::vector<uint32_t>{1});
}

TEST_F(StoreTest, DeleteAndList) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->Create(alice, "user.alice.Sent").ok());
  ASSERT_TRUE(store_->Create(alice, "user.alice.Sent.2024").ok());
  ASSERT_TRUE(store_->Create(admin_, "news").ok());
  Result<std::vector<ListEntry>> all = store_->List(alice, "*");
  ASSERT_TRUE(all.ok());
  std::vector<std::string> names;
  for (const ListEntry& e : *all) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"news", "user.alice", "user.alice.Sent",
                                             "user.alice.Sent.2024"}));
  Result<std::vector<ListEntry>> top = store_->List(alice, "inbox.%");
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_TRUE((*top)[0].has_children);
  ASSERT_TRUE(store_->Delete(alice, "user.alice.Sent.2024").ok());
  EXPECT_FALSE(PathExists(dir_ + "/spool/a/user/alice/Sent/2024"));
  // Seed: "To remove folders the cyrus administrator must first grant itself
  // the appropriate access: c".
  EXPECT_EQ(store_->Delete(admin_, "user.alice").code(), Code::kNoPermission);
  ASSERT_TRUE(store_->SetAcl(admin_, "user.alice", "cyrus", "+c").ok());
  ASSERT_TRUE(store_->Delete(admin_, "user.alice").ok());
  EXPECT_FALSE(PathExists(dir_ + "/spool/a/user/alice"));
  EXPECT_EQ(store_->List(admin_, "*")->size(), 1u);
}

// Cyrus: a new user INBOX gives its owner ACL_ALL ("lrswipkxtecdan", no
// user-defined 0-9); sub-folders inherit their parent's ACL.
TEST_F(StoreTest, NewUserInboxOwnerHasCyrusAclAll) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice")->acl, "alice\tlrswipkxtecdan\t");
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Sent").ok());
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Sent")->acl,
            "alice\tlrswipkxtecdan\t");
}

// Cyrus mboxlist_createmailboxcheck: an existing name the caller may see is
// IMAP_MAILBOX_EXISTS before any rights question (RFC 5530 [ALREADYEXISTS];
// offlineimap's "CREATE INBOX"); one she may not see stays unknowable.
TEST_F(StoreTest, CreateOfAVisibleExistingNameIsExistsBeforeRights) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.private").ok());
  acl::Identity alice = User("alice");
  acl::Identity bob = User("bob");
  struct Case {
    const acl::Identity& who;
    const char* name;
    Code want;
  };
  const Case cases[] = {
      {alice, "user.alice", Code::kExists},           // her INBOX: no `k` on "user"
      {alice, "user.alice.private", Code::kExists},
      {admin_, "user.alice", Code::kExists},
      {bob, "user.alice.private", Code::kNoPermission},  // no right at all: not kExists
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(store_->Create(c.who, c.name).code(), c.want);
  }
  ASSERT_TRUE(store_->SetAcl(alice, "user.alice.private", "bob", "l").ok());
  EXPECT_EQ(store_->Create(bob, "user.alice.private").code(), Code::kExists);
}

// Cyrus cmd_getquotaroot: admins need no right on the mailbox (cyradm lqr),
// others need `r`; a missing mailbox is kNotFound for both.
TEST_F(StoreTest, QuotaRootOfNeedsNoRightForAdmins) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 100, -1).ok());
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.private").ok());
  ASSERT_TRUE(store_->DeleteAcl(User("alice"), "user.alice.private", "alice").ok());
  Result<std::optional<quota::QuotaRoot>> root = store_->QuotaRootOf(admin_, "user.alice.private");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  ASSERT_TRUE(root->has_value());
  EXPECT_EQ((*root)->root, "user.alice");
  EXPECT_EQ(store_->QuotaRootOf(admin_, "user.alice.nothere").code(), Code::kNotFound);
  EXPECT_EQ(store_->QuotaRootOf(User("bob"), "user.alice.private").code(), Code::kNotFound);
}

}  // namespace
}  // namespace satrap::mailbox
