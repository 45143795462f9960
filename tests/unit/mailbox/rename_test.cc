// RENAME beyond the simple case (store.h Rename): to another partition
// (Cyrus's RENAME partition argument), renaming one's INBOX (RFC 3501
// §6.3.5: messages move, INBOX stays), and crash safety: a child renaming is
// SIGKILLed at random moments and reconstruct -rf always ends with exactly
// one complete mailbox, under the old or the new name.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "db/kv.h"
#include "mailbox/reconstruct.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class RenameTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateUser("alice").ok());
    alice_ = User("alice");
    ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 100000, -1).ok());
  }
  // `name` with a child and three messages (flags 0, \Flagged, \Seen).
  void Fill(const std::string& name) {
    ASSERT_TRUE(store_->Create(alice_, name).ok());
    ASSERT_TRUE(store_->Create(alice_, name + ".Sub").ok());
    ASSERT_NE(AppendOne(alice_, name, "one"), 0u);
    ASSERT_NE(AppendOne(alice_, name, "two", kFlagFlagged), 0u);
    ASSERT_NE(AppendOne(alice_, name, "three", kFlagSeen), 0u);
    ASSERT_NE(AppendOne(alice_, name + ".Sub", "sub"), 0u);
  }
  void ExpectFilled(const std::string& name) {
    auto box = store_->Open(alice_, name, true);
    ASSERT_TRUE(box.ok()) << name << ": " << box.status().ToString();
    ASSERT_EQ((*box)->exists(), 3u);
    const uint32_t flags[] = {0, kFlagFlagged, kFlagSeen};
    const char* bodies[] = {"one", "two", "three"};
    for (uint32_t m = 1; m <= 3; ++m) {
      EXPECT_EQ((*box)->Flags(m).system, flags[m - 1]);
      EXPECT_NE((*box)->ReadMessage(m)->find(bodies[m - 1]), std::string::npos);
    }
    auto sub = store_->Open(alice_, name + ".Sub", true);
    ASSERT_TRUE(sub.ok()) << sub.status().ToString();
    EXPECT_EQ((*sub)->exists(), 1u);
  }
  uint64_t UsedMessages() { return store_->GetQuota(admin_, "user.alice")->used_messages; }
  acl::Identity alice_;
};

TEST_F(RenameTest, ToAnotherPartition) {
  Fill("user.alice.Proj");
  auto watcher = store_->Open(alice_, "user.alice.Proj", false);
  ASSERT_TRUE(watcher.ok());
  EXPECT_EQ(store_->Rename(alice_, "user.alice.Proj", "user.alice.Work", "other").code(),
            Code::kNoPermission);
  ASSERT_TRUE(store_->Create(alice_, "user.alice.Work2").ok());
  ASSERT_TRUE(store_->SetAcl(alice_, "user.alice.Proj", "cyrus", "lrswipkxtecda").ok());
  ASSERT_TRUE(store_->SetAcl(alice_, "user.alice", "cyrus", "lrswipkxtecda").ok());
  Status renamed = store_->Rename(admin_, "user.alice.Proj", "user.alice.Work", "other");
  ASSERT_TRUE(renamed.ok()) << renamed.ToString();
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Work")->partition, "other");
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Work.Sub")->partition, "other");
  EXPECT_TRUE(PathExists(dir_ + "/spool2/a/user/alice/Work/Sub/cyrus.index"));
  EXPECT_FALSE(PathExists(dir_ + "/spool/a/user/alice/Proj/cyrus.index"));
  EXPECT_FALSE(PathExists(dir_ + "/spool/a/user/alice/Proj/Sub"));
  ExpectFilled("user.alice.Work");
  EXPECT_EQ(UsedMessages(), 4u);
  // The session on the old mailbox sees it vanish.
  Result<RefreshChanges> gone = (*watcher)->Refresh(true);
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_TRUE(gone->mailbox_gone);
  // Same name, partition only: just that mailbox moves back.
  ASSERT_TRUE(store_->Rename(admin_, "user.alice.Work", "user.alice.Work", "default").ok());
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Work")->partition, "default");
  EXPECT_EQ(store_->mboxlist().Lookup(nullptr, "user.alice.Work.Sub")->partition, "other");
  ExpectFilled("user.alice.Work");
  EXPECT_TRUE(Reconstruct(*store_, {}, {false, true, true})->clean());
}

TEST_F(RenameTest, RenamingInboxMovesItsMessages) {
  ASSERT_NE(AppendOne(alice_, "user.alice", "one"), 0u);
  ASSERT_NE(AppendOne(alice_, "user.alice", "two", kFlagFlagged), 0u);
  ASSERT_NE(AppendOne(alice_, "user.alice", "three", kFlagSeen), 0u);
  ASSERT_TRUE(store_->Create(alice_, "user.alice.Keep").ok());
  EXPECT_EQ(store_->Rename(alice_, "user.alice", "shared.x").code(), Code::kNoPermission);
  Status renamed = store_->Rename(alice_, "user.alice", "user.alice.Old");
  ASSERT_TRUE(renamed.ok()) << renamed.ToString();
  auto inbox = store_->Open(alice_, "user.alice", true);
  ASSERT_TRUE(inbox.ok());
  EXPECT_EQ((*inbox)->exists(), 0u);
  auto old = store_->Open(alice_, "user.alice.Old", true);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ((*old)->exists(), 3u);
  EXPECT_EQ((*old)->Flags(2).system, kFlagFlagged);
  EXPECT_EQ((*old)->Flags(3).system, kFlagSeen);
  EXPECT_TRUE(store_->mboxlist().Lookup(nullptr, "user.alice.Keep").ok());
  EXPECT_EQ(UsedMessages(), 3u);
  EXPECT_EQ(store_->Rename(alice_, "user.alice", "user.alice.Old").code(), Code::kExists);
}

// One kill: a child renames `from` to `to` (to `partition`) and dies.
void RenameAndDie(const StoreOptions& options, const std::string& from, const std::string& to,
                  const std::string& partition) {
  auto store = Store::Open(options);
  if (!store.ok()) _exit(2);
  acl::Identity admin = (*store)->MakeIdentity("cyrus");
  Status s = (*store)->Rename(admin, from, to, partition);
  if (!s.ok()) {
    std::fprintf(stderr, "rename: %s\n", s.ToString().c_str());
  }
  _exit(s.ok() ? 0 : 3);
}

TEST_F(RenameTest, ReconstructRepairsARenameKilledAnywhere) {
  Fill("user.alice.A");
  for (const char* name : {"user.alice", "user.alice.A", "user.alice.A.Sub"}) {
    ASSERT_TRUE(store_->SetAcl(alice_, name, "cyrus", "lrswipkxtecda").ok());
  }
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::string current = "user.alice.A";
  int finished = 0;
  for (int iteration = 0; iteration < 24; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration) + " from " + current);
    const std::string next = current == "user.alice.A" ? "user.alice.B" : "user.alice.A";
    const std::string partition = iteration % 3 == 0 ? "" : (iteration % 2 ? "other" : "default");
    store_.reset();  // detached from BDB while the child may die inside it
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RenameAndDie(options_, current, next, partition);
    ::usleep(std::uniform_int_distribution<useconds_t>(0, 40000)(random));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0);
      ++finished;
    }
    ASSERT_TRUE(db::Environment::Recover(options_.config_directory + "/db").ok());
    Reopen();
    ReconstructReport fixed = *Reconstruct(*store_, std::vector<std::string>{"user.alice"},
                                           {true, true, false});
    EXPECT_TRUE(fixed.errors.empty()) << fixed.errors[0];
    const bool at_current = store_->mboxlist().Lookup(nullptr, current).ok();
    const bool at_next = store_->mboxlist().Lookup(nullptr, next).ok();
    ASSERT_NE(at_current, at_next) << "exactly one of the names must remain";
    if (at_next) current = next;
    ExpectFilled(current);
    EXPECT_EQ(UsedMessages(), 4u);
    ReconstructReport after = *Reconstruct(*store_, std::vector<std::string>{"user.alice"},
                                           {true, true, true});
    EXPECT_TRUE(after.clean()) << (after.changes.empty() ? after.errors[0] : after.changes[0]);
    if (HasFailure()) break;
  }
  std::printf("%d of 24 renames finished before the kill\n", finished);
}

}  // namespace
}  // namespace satrap::mailbox
