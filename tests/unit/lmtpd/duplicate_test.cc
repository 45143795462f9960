// deliver.db: duplicate suppression records and cyr_expire -E pruning, on a
// real Berkeley DB environment.
#include "lmtpd/duplicate.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace satrap::lmtpd {
namespace {

class DuplicateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lmtpd-dup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto env = db::Environment::Open(dir_);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
    auto db = env_->OpenDatabase(kDeliverDb);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    env_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<db::Environment> env_;
  std::unique_ptr<db::Database> db_;
};

TEST_F(DuplicateDbTest, RecordsPerMessageIdAndMailbox) {
  DuplicateDb dups(env_.get(), db_.get());
  EXPECT_FALSE(dups.Seen("<a@x>", "user.alice"));
  ASSERT_TRUE(dups.Record("<a@x>", {"user.alice", "user.bob.work"}, 1000).ok());
  EXPECT_TRUE(dups.Seen("<a@x>", "user.alice"));
  EXPECT_TRUE(dups.Seen("<a@x>", "user.bob.work"));
  // Same id, other mailbox; other id, same mailbox: not duplicates.
  EXPECT_FALSE(dups.Seen("<a@x>", "user.bob"));
  EXPECT_FALSE(dups.Seen("<b@x>", "user.alice"));
  // The key separates id and mailbox, so no concatenation collides.
  EXPECT_FALSE(dups.Seen("<a@x>user", ".alice"));
}

TEST_F(DuplicateDbTest, PruneRemovesOnlyOldEntries) {
  DuplicateDb dups(env_.get(), db_.get());
  ASSERT_TRUE(dups.Record("<old@x>", {"user.a", "user.b"}, 100).ok());
  ASSERT_TRUE(dups.Record("<new@x>", {"user.a"}, 5000).ok());
  uint64_t kept = 0;
  Result<uint64_t> removed = dups.Prune(1000, &kept);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(kept, 1u);
  EXPECT_FALSE(dups.Seen("<old@x>", "user.a"));
  EXPECT_TRUE(dups.Seen("<new@x>", "user.a"));
}

TEST_F(DuplicateDbTest, PruneDropsUnreadableValues) {
  ASSERT_TRUE(db_->Put(nullptr, DuplicateDb::Key("<c@x>", "user.a"), "garbage").ok());
  DuplicateDb dups(env_.get(), db_.get());
  uint64_t kept = 0;
  Result<uint64_t> removed = dups.Prune(0, &kept);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(kept, 0u);
}

}  // namespace
}  // namespace satrap::lmtpd
