// POP3 maildrops (store.h OpenMaildrop): the INBOX named from the userid,
// autocreate, the POP3 lock (RFC 1939 §8; RFC 2449 [IN-USE]) exclusive
// between POP3 sessions only and dropped by the kernel when pop3d dies,
// popminpoll ([LOGIN-DELAY]), popuseacl, popuseimapflags, no \Recent claimed,
// and the UPDATE-state expunge with quota following.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class MaildropTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateUser("alice").ok());
    alice_ = User("alice");
  }
  Result<std::unique_ptr<Mailbox>> Pop(MaildropOptions options = {}) {
    return store_->OpenMaildrop(alice_, options);
  }
  acl::Identity alice_;
};

TEST_F(MaildropTest, SecondPop3SessionIsInUseButImapAndDeliveryGoOn) {
  auto first = Pop();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->name(), "user.alice");
  EXPECT_EQ(Pop().code(), Code::kInUse);
  auto imap = store_->Open(alice_, "user.alice", false);
  EXPECT_TRUE(imap.ok());
  EXPECT_NE(AppendOne(alice_, "user.alice", "during pop"), 0u);
  first->reset();
  EXPECT_TRUE(Pop().ok()) << "the lock must go with the session";
}

TEST_F(MaildropTest, LockOfAKilledPop3dIsReleased) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(options_);
    if (!store.ok()) _exit(2);
    auto drop = (*store)->OpenMaildrop((*store)->MakeIdentity("alice"), {});
    if (!drop.ok()) _exit(3);
    if (write(ready[1], "x", 1) != 1) _exit(4);
    pause();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  EXPECT_EQ(Pop().code(), Code::kInUse);
  kill(pid, SIGKILL);
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
  EXPECT_TRUE(Pop().ok());
  close(ready[0]);
  close(ready[1]);
}

TEST_F(MaildropTest, Pop3DoesNotClaimRecent) {
  ASSERT_NE(AppendOne(alice_, "user.alice", "one"), 0u);
  ASSERT_NE(AppendOne(alice_, "user.alice", "two"), 0u);
  {
    auto drop = Pop();
    ASSERT_TRUE(drop.ok());
    EXPECT_EQ((*drop)->exists(), 2u);
    EXPECT_EQ((*drop)->recent_count(), 0u);
  }
  auto imap = store_->Open(alice_, "user.alice", false);
  ASSERT_TRUE(imap.ok());
  EXPECT_EQ((*imap)->recent_count(), 2u) << "RFC 3501 §2.3.2: the first IMAP session gets them";
}

TEST_F(MaildropTest, PopUseImapFlagsHidesDeleted) {
  ASSERT_NE(AppendOne(alice_, "user.alice", "one"), 0u);
  ASSERT_NE(AppendOne(alice_, "user.alice", "gone", kFlagDeleted), 0u);
  ASSERT_NE(AppendOne(alice_, "user.alice", "three"), 0u);
  struct Case {
    bool popuseimapflags;
    std::vector<uint32_t> uids;
  };
  for (const Case& c : {Case{false, {1, 2, 3}}, Case{true, {1, 3}}}) {
    SCOPED_TRACE(c.popuseimapflags ? "popuseimapflags: yes" : "popuseimapflags: no");
    MaildropOptions options;
    options.popuseimapflags = c.popuseimapflags;
    auto drop = Pop(options);
    ASSERT_TRUE(drop.ok());
    std::vector<uint32_t> uids;
    for (uint32_t m = 1; m <= (*drop)->exists(); ++m) uids.push_back((*drop)->Uid(m));
    EXPECT_EQ(uids, c.uids);
  }
}

TEST_F(MaildropTest, PopUseAcl) {
  ASSERT_NE(AppendOne(alice_, "user.alice", "one"), 0u);
  // Alice keeps only l r i on her own INBOX: no t, no e.
  ASSERT_TRUE(store_->SetAcl(alice_, "user.alice", "alice", "lri").ok());
  MaildropOptions use_acl;
  use_acl.popuseacl = true;
  {
    // popuseacl: no — the owner reads and deletes whatever the ACL says.
    auto drop = Pop();
    ASSERT_TRUE(drop.ok());
    EXPECT_TRUE((*drop)->ExpungeUids({1}).ok());
  }
  ASSERT_NE(AppendOne(alice_, "user.alice", "two"), 0u);
  {
    auto drop = Pop(use_acl);
    ASSERT_TRUE(drop.ok());
    EXPECT_EQ((*drop)->ExpungeUids({2}).code(), Code::kNoPermission) << "no t e";
  }
  ASSERT_TRUE(store_->SetAcl(admin_, "user.alice", "alice", "l").ok());
  EXPECT_EQ(Pop(use_acl).code(), Code::kNoPermission) << "no r";
  EXPECT_TRUE(Pop().ok());
}

TEST_F(MaildropTest, PopMinPollRefusesLoginsTooCloseTogether) {
  MaildropOptions options;
  options.popminpoll_seconds = 600;
  options.now = 100000;
  {
    auto drop = Pop(options);
    ASSERT_TRUE(drop.ok()) << "no login recorded yet";
    EXPECT_EQ((*drop)->pop3_last_login(), 0);
    ASSERT_TRUE((*drop)->SetPop3LastLogin(options.now).ok());
  }
  options.now += 300;
  Result<std::unique_ptr<Mailbox>> early = Pop(options);
  EXPECT_EQ(early.status().code(), Code::kRateLimited) << early.status().ToString();
  EXPECT_TRUE(Pop().ok()) << "a refused login leaves no lock behind";
  options.now += 300;
  auto later = Pop(options);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->pop3_last_login(), 100000);
}

TEST_F(MaildropTest, UpdateStateExpungesExactlyTheMarkedOnes) {
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 1000, -1).ok());
  for (const char* body : {"one", "two", "three"}) ASSERT_NE(AppendOne(alice_, "user.alice", body), 0u);
  auto drop = Pop();
  ASSERT_TRUE(drop.ok());
  ASSERT_TRUE((*drop)->ExpungeUids({1, 3}).ok());
  drop->reset();
  auto imap = store_->Open(alice_, "user.alice", true);
  ASSERT_TRUE(imap.ok());
  ASSERT_EQ((*imap)->exists(), 1u);
  EXPECT_EQ((*imap)->Uid(1), 2u);
  EXPECT_EQ(store_->GetQuota(admin_, "user.alice")->used_messages, 1u);
}

TEST_F(MaildropTest, InboxNameAutocreateAndFolders) {
  EXPECT_EQ(store_->OpenMaildrop(User("newbie"), {}).code(), Code::kNotFound);
  EXPECT_EQ(store_->OpenMaildrop(User("anonymous"), {}).code(), Code::kInvalid);
  ASSERT_TRUE(store_->Create(alice_, "user.alice.Lists").ok());
  MaildropOptions sub;
  sub.folder = "Lists";
  auto lists = Pop(sub);
  ASSERT_TRUE(lists.ok());
  EXPECT_EQ((*lists)->name(), "user.alice.Lists");
  options_.autocreate = true;
  options_.ns.virtdomains = true;
  Reopen();
  auto drop = store_->OpenMaildrop(User("bob@example.com"), {});
  ASSERT_TRUE(drop.ok()) << drop.status().ToString();
  EXPECT_EQ((*drop)->name(), "example.com!user.bob");
}

}  // namespace
}  // namespace satrap::mailbox
