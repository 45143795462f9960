// Appending from a spool file descriptor (store.h NewMessage spool_fd): the
// message is never held in memory; a handed-over spool file on the same file
// system is hard-linked into place (same inode), anything else is copied;
// ranges inside a larger file; bad ranges refused.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class AppendSpoolTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateUser("alice").ok());
    ASSERT_TRUE(store_->Create(User("alice"), "user.alice.Other", "other").ok() ||
                store_->Create(admin_, "user.alice.Other", "other").ok());
  }
  // A spool file in the test folder (the partitions' file system) holding `text`.
  UniqueFd Spool(const std::string& text, bool tmpfile = false) {
    int fd = tmpfile ? ::open(dir_.c_str(), O_TMPFILE | O_RDWR, 0600)
                     : ::open((dir_ + "/spool-" + std::to_string(serial_++)).c_str(),
                              O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(WriteAll(fd, text).ok());
    return UniqueFd(fd);
  }
  Result<std::vector<Result<AppendResult>>> Append(const NewMessage& m,
                                                   std::vector<std::string> targets) {
    return store_->Append(User("alice"), std::span<const NewMessage>(&m, 1), targets, {});
  }
  std::string Stored(const std::string& mailbox, uint32_t msgno) {
    auto box = store_->Open(User("alice"), mailbox, true);
    EXPECT_TRUE(box.ok());
    if (!box.ok()) return "";
    EXPECT_EQ((*box)->Record(msgno).size, (*(*box)->ReadMessage(msgno)).size());
    EXPECT_TRUE((*box)->CachePayload(msgno).ok());
    return *(*box)->ReadMessage(msgno);
  }
  static ino_t Inode(int fd) {
    struct stat st;
    return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
  }
  static ino_t Inode(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
  }
  int serial_ = 0;
  const std::string text_ = "From: a@example.com\r\nSubject: spooled\r\n\r\nbody\r\n";
};

TEST_F(AppendSpoolTest, HandedOverSpoolIsLinkedNotCopied) {
  for (bool tmpfile : {false, true}) {
    SCOPED_TRACE(tmpfile ? "O_TMPFILE spool" : "named spool");
    UniqueFd spool = Spool(text_, tmpfile);
    NewMessage m;
    m.spool_fd = spool.get();
    m.spool_size = text_.size();
    m.spool_handoff = true;
    auto results = Append(m, {"user.alice"});
    ASSERT_TRUE(results.ok() && (*results)[0].ok());
    const uint32_t uid = (*results)[0]->uids[0];
    EXPECT_EQ(Inode(dir_ + "/spool/a/user/alice/" + std::to_string(uid) + "."), Inode(spool.get()))
        << "the spool file itself must become the message file";
    EXPECT_EQ(Stored("user.alice", uid), text_);
    // Linked straight in as "<uid>.": no named spool file that a process
    // killed mid-append would leave behind for reconstruct.
    DIR* folder = ::opendir((dir_ + "/spool/a/user/alice").c_str());
    ASSERT_NE(folder, nullptr);
    while (dirent* e = ::readdir(folder)) {
      EXPECT_NE(std::string(e->d_name).rfind(".satrap-", 0), 0u) << e->d_name;
    }
    ::closedir(folder);
  }
}

TEST_F(AppendSpoolTest, SpoolNotHandedOverIsCopiedAndMayBeReused) {
  UniqueFd spool = Spool(text_);
  NewMessage m;
  m.spool_fd = spool.get();
  m.spool_size = text_.size();
  auto results = Append(m, {"user.alice", "user.alice.Other"});
  ASSERT_TRUE(results.ok());
  ASSERT_TRUE((*results)[0].ok() && (*results)[1].ok());
  EXPECT_NE(Inode(dir_ + "/spool/a/user/alice/1."), Inode(spool.get()));
  // lmtpd's Reset(): the stored copies must not change.
  ASSERT_EQ(::ftruncate(spool.get(), 0), 0);
  EXPECT_EQ(Stored("user.alice", 1), text_);
  EXPECT_EQ(Stored("user.alice.Other", 1), text_);
}

TEST_F(AppendSpoolTest, RangesAndBadRanges) {
  const std::string file = "GARBAGE" + text_ + "TRAILER";
  UniqueFd spool = Spool(file);
  struct Case {
    const char* what;
    uint64_t offset, size;
    Code code;
  };
  const Case cases[] = {
      {"the message inside a larger file", 7, text_.size(), Code::kOk},
      {"past the end", 7, file.size(), Code::kInvalid},
      {"offset past the end", file.size() + 1, 0, Code::kInvalid},
      {"offset overflow", UINT64_MAX, 2, Code::kInvalid},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    NewMessage m;
    m.spool_fd = spool.get();
    m.spool_offset = c.offset;
    m.spool_size = c.size;
    m.spool_handoff = true;  // not the whole file: copied anyway
    auto results = Append(m, {"user.alice"});
    EXPECT_EQ(results.ok() ? (*results)[0].status().code() : results.status().code(), c.code);
    if (c.code == Code::kOk) {
      EXPECT_EQ(Stored("user.alice", (*results)[0]->uids[0]), text_);
    }
  }
}

TEST_F(AppendSpoolTest, LargeMessageFromSpool) {
  std::string big = "Subject: big\r\n\r\n";
  while (big.size() < 3 * 1024 * 1024) big += std::string(998, 'x') + "\r\n";
  UniqueFd spool = Spool(big);
  NewMessage m;
  m.spool_fd = spool.get();
  m.spool_size = big.size();
  auto results = Append(m, {"user.alice"});
  ASSERT_TRUE(results.ok() && (*results)[0].ok());
  EXPECT_EQ(Stored("user.alice", 1), big);
}

}  // namespace
}  // namespace satrap::mailbox
