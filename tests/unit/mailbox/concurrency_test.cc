// Several processes append, store and expunge in one mailbox at once.
// Afterwards the index matches the files, uids are strictly increasing and
// unique, and the quota usage is exact.
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "mailbox/store_internal.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

constexpr int kProcesses = 4;
constexpr int kRounds = 25;

// One worker: its own Store (a BDB environment must not cross fork()).
int Work(const StoreOptions& options, int id) {
  auto store = Store::Open(options);
  if (!store.ok()) return 2;
  acl::Identity alice = (*store)->MakeIdentity("alice");
  for (int round = 0; round < kRounds; ++round) {
    std::string data = "Subject: p" + std::to_string(id) + "\r\n\r\nround " +
                       std::to_string(round) + "\r\n";
    NewMessage m;
    m.data = data;
    std::string targets[] = {"user.alice"};
    auto appended = (*store)->Append(alice, std::span<const NewMessage>(&m, 1), targets, {});
    if (!appended.ok() || !(*appended)[0].ok()) return 3;
    auto box = (*store)->Open(alice, "user.alice", false);
    if (!box.ok()) return 4;
    if ((*box)->exists() > 0) {
      uint32_t msgno = 1 + static_cast<uint32_t>((round * 7 + id) % (*box)->exists());
      FlagChange change{FlagOp::kAdd, round % 2 ? kFlagDeleted : kFlagFlagged, {}, std::nullopt};
      if (!(*box)->StoreFlags(std::span<const uint32_t>(&msgno, 1), change).ok()) return 5;
    }
    if (round % 5 == id % 5 && !(*box)->Expunge(std::nullopt).ok()) return 6;
    if (!(*box)->Refresh(true).ok()) return 7;
  }
  return 0;
}

TEST_F(StoreTest, ConcurrentAppendStoreExpunge) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 100000, -1).ok());
  std::vector<pid_t> children;
  for (int id = 0; id < kProcesses; ++id) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(Work(options_, id));
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  const std::string folder = dir_ + "/spool/a/user/alice";
  auto dir = OpenFolder(folder);
  ASSERT_TRUE(dir.ok());
  auto snapshot = ReadIndexOf(dir->get());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->header.uidnext, 1u + kProcesses * kRounds);
  std::set<std::string> expected_files;
  uint64_t bytes = 0;
  uint32_t previous = 0;
  for (const IndexRecord& r : snapshot->records) {
    EXPECT_GT(r.uid, previous);
    previous = r.uid;
    if (r.expunged()) continue;
    expected_files.insert(MessageFileName(r.uid));
    bytes += r.size;
  }
  std::set<std::string> files;
  DIR* d = opendir(folder.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (!name.empty() && name.back() == '.' && name != "." && name != "..") files.insert(name);
    EXPECT_EQ(name.find(".satrap-append"), std::string::npos) << "spool file left: " << name;
  }
  closedir(d);
  EXPECT_EQ(files, expected_files);
  EXPECT_EQ(snapshot->header.quota_used, bytes);
  EXPECT_EQ(snapshot->header.exists, expected_files.size());
  Result<quota::QuotaRoot> root = store_->GetQuota(admin_, "user.alice");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->used_bytes, bytes);
  EXPECT_EQ(root->used_messages, expected_files.size());
}

}  // namespace
}  // namespace satrap::mailbox
