// reconstruct (mailbox/reconstruct.h): damaged cyrus.index files are refused
// with kCorrupt and repaired keeping every intact record's flags; files and
// records that disagree; uncommitted appends and leftovers of dead processes
// (cleanups, not repairs); interrupted CREATE,
// DELETE and RENAME; folders missing from mailboxes.db (-f); quota usage;
// cache records of an older format; and the dry run (-n) that changes
// nothing.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "../mime/test_util.h"
#include "base/file.h"
#include "mailbox/cache_file.h"
#include "mailbox/index_file.h"
#include "mailbox/names.h"
#include "mailbox/reconstruct.h"
#include "mailbox/store_internal.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class ReconstructTest : public StoreTest {
 protected:
  std::string Folder(const std::string& rel = "") {
    return dir_ + "/spool/a/user/alice" + (rel.empty() ? "" : "/" + rel);
  }
  ReconstructReport Run(std::vector<std::string> names, bool dry_run, bool recursive = false,
                        bool find = false) {
    ReconstructOptions options{recursive, find, dry_run};
    Result<ReconstructReport> report = Reconstruct(*store_, names, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : ReconstructReport();
  }
  static std::string Lines(const ReconstructReport& r) {
    std::string out;
    for (const std::string& c : r.changes) out += "change: " + c + "\n";
    for (const std::string& c : r.cleanups) out += "cleanup: " + c + "\n";
    for (const std::string& e : r.errors) out += "error: " + e + "\n";
    return out;
  }
  // Alice with three messages: 1 \Flagged + keyword $Work, 2 \Answered,
  // 3 \Seen \Draft.
  void ThreeMessages() {
    ASSERT_TRUE(store_->CreateUser("alice").ok());
    acl::Identity alice = User("alice");
    ASSERT_EQ(AppendOne(alice, "user.alice", "one", kFlagFlagged), 1u);
    ASSERT_EQ(AppendOne(alice, "user.alice", "two", kFlagAnswered), 2u);
    ASSERT_EQ(AppendOne(alice, "user.alice", "three", kFlagSeen | kFlagDraft), 3u);
    auto box = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(box.ok());
    uint32_t one = 1;
    FlagChange change{FlagOp::kAdd, 0, {"$Work"}, std::nullopt};
    ASSERT_TRUE((*box)->StoreFlags(std::span<const uint32_t>(&one, 1), change).ok());
  }
  std::string ReadIndexBytes() { return *ReadFile(Folder("cyrus.index")); }
  void WriteIndexBytes(const std::string& bytes) {
    ASSERT_TRUE(WriteFileAtomic(Folder("cyrus.index"), bytes, 0600).ok());
  }
};

TEST_F(ReconstructTest, ConsistentMailboxNeedsNothing) {
  ThreeMessages();
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Sent").ok());
  const std::string before = ReadIndexBytes();
  for (bool dry_run : {true, false}) {
    SCOPED_TRACE(dry_run ? "dry run" : "real run");
    ReconstructReport report = Run({}, dry_run);
    EXPECT_TRUE(report.clean()) << Lines(report);
    EXPECT_EQ(report.consistent, (std::vector<std::string>{"user.alice", "user.alice.Sent"}));
  }
  EXPECT_EQ(ReadIndexBytes(), before) << "a consistent index must not be rewritten";
}

// The unseen_lowwater hint may be anything up to the first unseen message
// (0 in indexes written before it existed): only one above it is wrong.
TEST_F(ReconstructTest, UnseenLowwaterAboveTheFirstUnseenIsCorrected) {
  ThreeMessages();  // 1 and 2 unseen
  for (uint32_t hint : {0u, 1u, 2u}) {
    SCOPED_TRACE(hint);
    std::string bytes = ReadIndexBytes();
    Result<IndexHeader> header = DecodeIndexHeader(bytes);
    ASSERT_TRUE(header.ok());
    header->unseen_lowwater = hint;
    bytes.replace(0, kIndexHeaderSize, EncodeIndexHeader(*header));
    WriteIndexBytes(bytes);
    ReconstructReport report = Run({"user.alice"}, false);
    if (hint <= 1) {
      EXPECT_TRUE(report.clean()) << Lines(report);
      EXPECT_EQ(DecodeIndexHeader(ReadIndexBytes())->unseen_lowwater, hint);
    } else {
      EXPECT_FALSE(report.changes.empty()) << Lines(report);
      EXPECT_EQ(DecodeIndexHeader(ReadIndexBytes())->unseen_lowwater, 1u);
    }
  }
}

// A store written before cache record version 3 (BODY and BODYSTRUCTURE
// stored): its records are served as they are, and reconstruct rewrites them
// in the current, smaller format, as a cleanup.
TEST_F(ReconstructTest, OlderCacheRecordsAreServedThenRewritten) {
  ThreeMessages();
  int fd = ::open(Folder().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  UniqueFd dir(fd);
  const std::string cache = *ReadFile(Folder(kCacheFileName));
  IndexSnapshot old;
  {
    Result<std::unique_ptr<IndexFile>> index = IndexFile::Open(dir.get());
    ASSERT_TRUE(index.ok());
    Result<IndexHeader> header = (*index)->Begin();
    ASSERT_TRUE(header.ok());
    Result<std::vector<IndexRecord>> records = (*index)->ReadRecords(0, header->num_records);
    (*index)->Abort();
    ASSERT_TRUE(records.ok());
    old.header = *header;
    old.records = *records;
  }
  std::string v2_cache;
  for (IndexRecord& r : old.records) {
    Result<std::string_view> payload =
        DecodeCacheRecord(std::string_view(cache).substr(r.cache_offset, r.cache_length), r.uid);
    ASSERT_TRUE(payload.ok());
    std::string record = EncodeCacheRecord(r.uid, mime::testing::VersionTwoRecord(*payload));
    r.cache_offset = v2_cache.size();
    r.cache_length = static_cast<uint32_t>(record.size());
    v2_cache += record;
  }
  ASSERT_TRUE(WriteFileAtomic(Folder(kCacheFileName), v2_cache, 0600).ok());
  ASSERT_TRUE(IndexFile::WriteWhole(dir.get(), old, 0600).ok());

  auto payload_version = [&](uint32_t msgno) -> int {
    auto box = store_->Open(User("alice"), "user.alice", true);
    if (!box.ok()) return -1;
    Result<std::string> payload = (*box)->CachePayload(msgno);
    if (!payload.ok()) return -1;
    Result<mime::CacheRecordView> view = mime::ViewCacheRecord(*payload);
    return view.ok() ? view->version : -1;
  };
  EXPECT_EQ(payload_version(2), 2) << "an older record is served, not rebuilt";

  ReconstructReport report = Run({"user.alice"}, false);
  EXPECT_TRUE(report.clean()) << Lines(report);
  EXPECT_NE(Lines(report).find("cleanup: user.alice: 3 cache records rebuilt"), std::string::npos)
      << Lines(report);
  EXPECT_EQ(payload_version(2), mime::kCacheRecordVersion);
  EXPECT_LT(ReadFile(Folder(kCacheFileName))->size(), v2_cache.size());
  EXPECT_TRUE(Run({"user.alice"}, false).clean());
}

// Each damage is refused with kCorrupt, then repaired. `intact` lists the
// uids whose records survive (their flags come back).
struct Damage {
  const char* what;
  std::function<void(std::string&)> apply;
  std::vector<uint32_t> intact;
};

TEST_F(ReconstructTest, DamagedIndexIsRefusedThenRepaired) {
  const size_t h = kIndexHeaderSize, r = kIndexRecordSize;
  const Damage damages[] = {
      {"truncated to nothing", [](std::string& b) { b.clear(); }, {}},
      {"truncated inside the header", [](std::string& b) { b.resize(60); }, {}},
      {"truncated after the header", [&](std::string& b) { b.resize(h); }, {}},
      {"truncated inside record 2", [&](std::string& b) { b.resize(h + r + 40); }, {1}},
      {"last record cut short", [&](std::string& b) { b.resize(b.size() - 1); }, {1, 2}},
      {"bit flipped in the magic", [](std::string& b) { b[0] ^= 0x01; }, {1, 2, 3}},
      {"bit flipped in uidnext", [](std::string& b) { b[37] ^= 0x10; }, {1, 2, 3}},
      {"bit flipped in the header CRC", [](std::string& b) { b[125] ^= 0x80; }, {1, 2, 3}},
      {"bit flipped in record 2's flags", [&](std::string& b) { b[h + r + 4] ^= 0x08; }, {1, 3}},
      {"bit flipped in record 3's CRC", [&](std::string& b) { b[h + 2 * r + 93] ^= 0x01; }, {1, 2}},
  };
  const uint32_t flags[] = {0, kFlagFlagged, kFlagAnswered, kFlagSeen | kFlagDraft};
  for (const Damage& d : damages) {
    SCOPED_TRACE(d.what);
    TearDown();
    SetUp();
    ThreeMessages();
    std::string bytes = ReadIndexBytes();
    d.apply(bytes);
    WriteIndexBytes(bytes);
    acl::Identity alice = User("alice");
    EXPECT_EQ(store_->Open(alice, "user.alice", false).code(), Code::kCorrupt);
    // A dry run reports and leaves the damage alone.
    ReconstructReport dry = Run({"user.alice"}, true);
    EXPECT_FALSE(dry.changes.empty());
    EXPECT_EQ(ReadIndexBytes(), bytes);
    ReconstructReport fixed = Run({"user.alice"}, false);
    EXPECT_FALSE(fixed.changes.empty());
    EXPECT_TRUE(fixed.errors.empty()) << Lines(fixed);
    EXPECT_TRUE(Run({"user.alice"}, true).clean()) << "still damaged after the repair";
    auto box = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(box.ok()) << box.status().ToString();
    ASSERT_EQ((*box)->exists(), 3u);
    EXPECT_EQ((*box)->uidnext(), 4u);
    const char* bodies[] = {"", "one", "two", "three"};
    for (uint32_t msgno = 1; msgno <= 3; ++msgno) {
      EXPECT_EQ((*box)->Uid(msgno), msgno);
      Result<std::string> body = (*box)->ReadMessage(msgno);
      ASSERT_TRUE(body.ok());
      EXPECT_NE(body->find(bodies[msgno]), std::string::npos);
      EXPECT_TRUE((*box)->CachePayload(msgno).ok());
      const bool intact = std::count(d.intact.begin(), d.intact.end(), msgno) > 0;
      EXPECT_EQ((*box)->Flags(msgno).system, intact ? flags[msgno] : 0u) << "uid " << msgno;
    }
    const bool keyword_kept = std::count(d.intact.begin(), d.intact.end(), 1u) > 0;
    EXPECT_EQ((*box)->Flags(1).keywords[0] & 1u, keyword_kept ? 1u : 0u);
  }
}

TEST_F(ReconstructTest, FilesAndRecordsThatDisagree) {
  ThreeMessages();
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 1000, -1).ok());
  acl::Identity alice = User("alice");
  ASSERT_NE(AppendOne(alice, "user.alice", "four", kFlagDeleted), 0u);
  // A second session keeps the expunged record from being compacted away.
  auto watcher = store_->Open(alice, "user.alice", false);
  ASSERT_TRUE(watcher.ok());
  {
    auto box = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(box.ok());
    ASSERT_TRUE((*box)->Expunge(std::nullopt).ok());
  }
  const std::string message = *ReadFile(Folder("2."));
  ASSERT_TRUE(WriteFileAtomic(Folder("4."), "Subject: back\r\n\r\nexpunged\r\n").ok());
  ASSERT_EQ(::unlink(Folder("2.").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(Folder("9."), message).ok());
  // A dead process's spool file goes; a live one's (ours) stays.
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
  const std::string dead_spool = Folder(".satrap-append-" + std::to_string(dead) + "-0");
  const std::string live_spool = Folder(".satrap-append-" + std::to_string(getpid()) + "-0");
  ASSERT_TRUE(WriteFileAtomic(dead_spool, "x").ok());
  ASSERT_TRUE(WriteFileAtomic(live_spool, "x").ok());

  ReconstructReport report = Run({"user.alice"}, false);
  // Quota usage drops with uid 2: too high is a cleanup (reconstruct.h).
  EXPECT_EQ(report.changes, std::vector<std::string>{
                                "user.alice: uid 2: message file missing: record dropped"})
      << Lines(report);
  const std::vector<std::string> cleanups = {
      "user.alice: uid 4: file of an expunged message removed",
      // uidnext is 5: 9. was never committed, so never acknowledged.
      "user.alice: uid 9: message file of an uncommitted append removed",
      "user.alice: leftover .satrap-append-" + std::to_string(dead) + "-0 of a dead process removed",
  };
  for (const std::string& line : cleanups) {
    EXPECT_NE(std::find(report.cleanups.begin(), report.cleanups.end(), line),
              report.cleanups.end())
        << "missing: " << line << "\n" << Lines(report);
  }
  EXPECT_FALSE(PathExists(Folder("4.")));
  EXPECT_FALSE(PathExists(Folder("9.")));
  EXPECT_FALSE(PathExists(dead_spool));
  EXPECT_TRUE(PathExists(live_spool));
  ::unlink(live_spool.c_str());
  // The open session follows the rebuilt index.
  Result<RefreshChanges> seen = (*watcher)->Refresh(true);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ((*watcher)->exists(), 2u);
  EXPECT_EQ((*watcher)->Uid(2), 3u);
  EXPECT_EQ((*watcher)->uidnext(), 5u);
  Result<quota::QuotaRoot> root = store_->GetQuota(admin_, "user.alice");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->used_messages, 2u);
  ReconstructReport after = Run({"user.alice"}, true);
  EXPECT_TRUE(after.clean()) << Lines(after);
  EXPECT_TRUE(after.cleanups.empty()) << Lines(after);
}

// Append links <uid>. in under the index lock and then commits the header
// with uidnext past it; only then is the client told. A file at or past an
// intact header's uidnext is an append that died before its commit: it is
// removed, never added (the sender retries; adding it would deliver it
// twice). A file below uidnext without a record is a committed message
// whose record was lost: added back, a repair. With the header damaged
// uidnext is unknown and every file is added.
TEST_F(ReconstructTest, UncommittedAppendIsRemovedCommittedFileIsAdded) {
  struct Case {
    const char* what;
    bool damage_header;
    std::vector<std::string> changes;
    std::vector<std::string> cleanups;
    std::vector<uint32_t> uids;  // visible afterwards
  };
  const Case cases[] = {
      {"intact header",
       false,
       {"user.alice: uid 4: message file without a record: added"},
       {"user.alice: uid 6: message file of an uncommitted append removed",
        "user.alice: uid 7: message file of an uncommitted append removed"},
       {1, 2, 3, 4, 5}},
      {"damaged header",
       true,
       {"user.alice: index header unreadable (cyrus.index: header checksum mismatch): "
        "new uidvalidity",
        "user.alice: uid 4: message file without a record: added",
        "user.alice: uid 6: message file without a record: added",
        "user.alice: uid 7: message file without a record: added"},
       {},
       {1, 2, 3, 4, 5, 6, 7}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TearDown();
    SetUp();
    ThreeMessages();
    ASSERT_EQ(AppendOne(User("alice"), "user.alice", "four"), 4u);
    ASSERT_EQ(AppendOne(User("alice"), "user.alice", "five"), 5u);
    {
      // Record 4 lost; uidnext (6) kept.
      auto dir = OpenFolder(Folder());
      auto index = IndexFile::Open(dir->get());
      ASSERT_TRUE(index.ok());
      Result<IndexSnapshot> snapshot = (*index)->Snapshot();
      ASSERT_TRUE(snapshot.ok());
      snapshot->records.erase(snapshot->records.begin() + 3);
      const IndexHeader old = snapshot->header;
      RecountHeader(snapshot->records, &snapshot->header);
      snapshot->header.uidnext = old.uidnext;
      snapshot->header.highestmodseq = old.highestmodseq;
      ASSERT_TRUE(IndexFile::WriteWhole(dir->get(), *snapshot, 0600).ok());
    }
    const std::string message = *ReadFile(Folder("5."));
    ASSERT_TRUE(WriteFileAtomic(Folder("6."), message).ok());
    ASSERT_TRUE(WriteFileAtomic(Folder("7."), message).ok());
    if (c.damage_header) {
      std::string bytes = ReadIndexBytes();
      bytes[125] ^= 0x80;
      WriteIndexBytes(bytes);
    }
    ReconstructReport dry = Run({"user.alice"}, true);
    EXPECT_EQ(dry.changes, c.changes) << Lines(dry);
    EXPECT_EQ(dry.cleanups, c.cleanups) << Lines(dry);
    EXPECT_EQ(dry.clean(), c.changes.empty());
    EXPECT_TRUE(PathExists(Folder("6.")) && PathExists(Folder("7."))) << "a dry run removed files";
    ReconstructReport fixed = Run({"user.alice"}, false);
    EXPECT_EQ(fixed.changes, c.changes) << Lines(fixed);
    EXPECT_EQ(fixed.cleanups, c.cleanups) << Lines(fixed);
    const bool added = c.uids.size() == 7;
    EXPECT_EQ(PathExists(Folder("6.")), added);
    EXPECT_EQ(PathExists(Folder("7.")), added);
    auto box = store_->Open(User("alice"), "user.alice", false);
    ASSERT_TRUE(box.ok()) << box.status().ToString();
    std::vector<uint32_t> uids;
    for (uint32_t msgno = 1; msgno <= (*box)->exists(); ++msgno) uids.push_back((*box)->Uid(msgno));
    EXPECT_EQ(uids, c.uids);
    EXPECT_EQ((*box)->uidnext(), c.uids.back() + 1);
    ReconstructReport after = Run({"user.alice"}, true);
    EXPECT_TRUE(after.clean()) << Lines(after);
    EXPECT_TRUE(after.cleanups.empty()) << Lines(after);
  }
}

TEST_F(ReconstructTest, WrongQuotaUsageIsRecounted) {
  ThreeMessages();
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 1000, -1).ok());
  ASSERT_TRUE(store_->quotas().Apply(nullptr, "user.alice", 5000, 7).ok());
  // Too high: the charge of an append that died before its commit, a cleanup.
  ReconstructReport dry = Run({"user.alice"}, true);
  EXPECT_TRUE(dry.changes.empty()) << Lines(dry);
  ASSERT_EQ(dry.cleanups.size(), 1u) << Lines(dry);
  EXPECT_EQ(dry.cleanups[0].rfind("quota root user.alice: usage ", 0), 0u) << dry.cleanups[0];
  EXPECT_EQ(store_->GetQuota(admin_, "user.alice")->used_messages, 10u);
  Run({"user.alice"}, false);
  EXPECT_EQ(store_->GetQuota(admin_, "user.alice")->used_messages, 3u);
  // Too low would let alice past her limit: a repair.
  ASSERT_TRUE(store_->quotas().Apply(nullptr, "user.alice", -50, -2).ok());
  dry = Run({"user.alice"}, true);
  EXPECT_TRUE(dry.cleanups.empty()) << Lines(dry);
  ASSERT_EQ(dry.changes.size(), 1u) << Lines(dry);
  EXPECT_EQ(dry.changes[0].rfind("quota root user.alice: usage ", 0), 0u) << dry.changes[0];
  Run({"user.alice"}, false);
  EXPECT_EQ(store_->GetQuota(admin_, "user.alice")->used_messages, 3u);
  EXPECT_TRUE(Run({"user.alice"}, true).clean());
}

TEST_F(ReconstructTest, DamagedHeaderFileIsRewritten) {
  ThreeMessages();
  ASSERT_TRUE(WriteFileAtomic(Folder("cyrus.header"), "garbage\n").ok());
  EXPECT_FALSE(store_->Open(User("alice"), "user.alice", false).ok());
  ReconstructReport report = Run({"user.alice"}, false);
  EXPECT_FALSE(report.changes.empty());
  auto box = store_->Open(User("alice"), "user.alice", false);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  EXPECT_EQ((*box)->exists(), 3u);
  EXPECT_EQ((*box)->Flags(1).system, kFlagFlagged);
  EXPECT_EQ((*box)->Flags(1).keywords[0], 0u) << "a keyword bit without a name";
}

TEST_F(ReconstructTest, InterruptedCreateIsRolledBack) {
  ThreeMessages();
  MailboxEntry stuck{"user.alice.Half", kTypeReserved, "default", NewUniqueId(), ""};
  ASSERT_TRUE(store_->mboxlist().Insert(nullptr, stuck).ok());
  ASSERT_TRUE(MakeDirectories(Folder("Half"), 0700).ok());
  auto dir = OpenFolder(Folder("Half"));
  ASSERT_TRUE(WriteMailboxHeader(dir->get(), {stuck.name, stuck.uniqueid, {}}, 0600).ok());
  ReconstructReport report = Run({}, false);
  EXPECT_EQ(report.changes,
            std::vector<std::string>{
                "user.alice.Half: entry left reserved by an interrupted CREATE: rolled back"});
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, stuck.name).code(), Code::kNotFound);
  EXPECT_FALSE(PathExists(Folder("Half")));
  // The name is free again.
  EXPECT_TRUE(store_->Create(User("alice"), "user.alice.Half").ok());
}

TEST_F(ReconstructTest, InterruptedDeleteIsFinished) {
  ThreeMessages();
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Trash").ok());
  ASSERT_NE(AppendOne(User("alice"), "user.alice.Trash", "junk"), 0u);
  {
    auto dir = OpenFolder(Folder("Trash"));
    auto index = IndexFile::Open(dir->get());
    auto header = (*index)->Begin();
    ASSERT_TRUE(header.ok());
    header->options |= kMailboxDeleted;
    ASSERT_TRUE((*index)->Commit(*header, false).ok());
  }
  ReconstructReport report = Run({"user.alice"}, false, /*recursive=*/true);
  EXPECT_NE(std::find(report.changes.begin(), report.changes.end(),
                      "user.alice.Trash: index marked deleted (interrupted DELETE): finished"),
            report.changes.end())
      << Lines(report);
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Trash").code(), Code::kNotFound);
  EXPECT_FALSE(PathExists(Folder("Trash")));
}

TEST_F(ReconstructTest, FindFoldersAddsBackWhatMailboxesDbLost) {
  ThreeMessages();
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Sent").ok());
  ASSERT_EQ(AppendOne(User("alice"), "user.alice.Sent", "sent", kFlagSeen), 1u);
  const MailboxEntry sent = *store_->mboxlist().Lookup(nullptr, "user.alice.Sent");
  ASSERT_TRUE(store_->mboxlist().Remove(nullptr, "user.alice.Sent").ok());
  // Without -f nothing knows about it.
  EXPECT_TRUE(Run({"user.alice"}, true, true).clean());
  ReconstructReport dry = Run({"user.alice"}, true, true, true);
  EXPECT_EQ(dry.changes,
            std::vector<std::string>{"user.alice.Sent: folder found on disk: added to mailboxes.db"});
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Sent").code(), Code::kNotFound);
  Run({"user.alice"}, false, true, true);
  Result<MailboxEntry> back = store_->mboxlist().Lookup(nullptr, "user.alice.Sent");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->uniqueid, sent.uniqueid);
  EXPECT_EQ(back->acl, sent.acl);
  auto box = store_->Open(User("alice"), "user.alice.Sent", false);
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->Flags(1).system, kFlagSeen);
}

// Store::Rename moves folders, then commits mailboxes.db, then rewrites the
// headers: a crash between any two steps is repaired by reconstruct -f.
TEST_F(ReconstructTest, FindFoldersRepairsAnInterruptedRename) {
  ThreeMessages();
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Old").ok());
  ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Old.Child").ok());
  ASSERT_NE(AppendOne(User("alice"), "user.alice.Old.Child", "kid"), 0u);
  // Died after moving the folder, before the commit: moved back.
  ASSERT_EQ(::rename(Folder("Old").c_str(), Folder("New").c_str()), 0);
  // mailboxes.db still has it: a missing folder is an I/O error, not "no such mailbox".
  Result<std::unique_ptr<Mailbox>> lost = store_->Open(User("alice"), "user.alice.Old.Child", false);
  EXPECT_EQ(lost.code(), Code::kIoError);
  EXPECT_TRUE(lost.status().IsMissingFile()) << lost.status().ToString();
  ReconstructReport report = Run({"user.alice"}, false, true, true);
  EXPECT_TRUE(report.errors.empty()) << Lines(report);
  EXPECT_TRUE(PathExists(Folder("Old/Child/2.")) || PathExists(Folder("Old/Child/1.")));
  auto child = store_->Open(User("alice"), "user.alice.Old.Child", false);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ((*child)->exists(), 1u);
  EXPECT_TRUE(Run({"user.alice"}, true, true, true).clean());
  // Died after the commit, before the headers were renamed: headers fixed.
  for (const char* name : {"user.alice.Old", "user.alice.Old.Child"}) {
    MailboxEntry e = *store_->mboxlist().Lookup(nullptr, name);
    ASSERT_TRUE(store_->mboxlist().Remove(nullptr, name).ok());
    e.name = ReplacePrefix(name, "user.alice.Old", "user.alice.New");
    ASSERT_TRUE(store_->mboxlist().Insert(nullptr, e).ok());
  }
  ASSERT_EQ(::rename(Folder("Old").c_str(), Folder("New").c_str()), 0);
  report = Run({"user.alice"}, false, true, true);
  EXPECT_NE(std::find(report.changes.begin(), report.changes.end(),
                      "user.alice.New.Child: cyrus.header named user.alice.Old.Child: renamed"),
            report.changes.end())
      << Lines(report);
  EXPECT_TRUE(Run({"user.alice"}, true, true, true).clean());
  EXPECT_EQ(ReadMailboxHeader(OpenFolder(Folder("New/Child"))->get())->name,
            "user.alice.New.Child");
}

}  // namespace
}  // namespace satrap::mailbox
