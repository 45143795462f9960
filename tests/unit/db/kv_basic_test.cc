// Single-process behaviour of kv.h on a real Berkeley DB environment:
// binary-safe keys and values, Insert/Delete codes, key order, prefix scans,
// name checks and persistence across a reopen.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "base/file.h"
#include "db/kv.h"
#include "db_test_util.h"

namespace satrap::db {
namespace {

using testing::ScratchDir;
using testing::TestOptions;
using namespace std::string_literals;

class KvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = Environment::Open(scratch_.Sub("db"), TestOptions());
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
    auto db = env_->OpenDatabase("test.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    env_.reset();
  }

  std::vector<std::pair<std::string, std::string>> Scan(std::string_view prefix,
                                                        Transaction* txn = nullptr) {
    std::vector<std::pair<std::string, std::string>> seen;
    Status status = db_->ForEachWithPrefix(txn, prefix, [&](std::string_view k,
                                                            std::string_view v) {
      seen.emplace_back(std::string(k), std::string(v));
      return true;
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return seen;
  }

  ScratchDir scratch_;
  std::unique_ptr<Environment> env_;
  std::unique_ptr<Database> db_;
};

TEST_F(KvTest, PutThenGetReturnsTheExactBytes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"user.alice", "1 default alice lrswipkxtecda"},
      {"k", ""},                                   // empty value
      {"\0"s, "nul key"},                          // a key that is one NUL
      {"a\0b"s, "v\0w\0"s},                        // NULs inside key and value
      {"\xff\xfe\x80", "\x01\x02\x00\x03"s},       // high bytes
      {std::string(2000, 'x'), std::string(100000, 'y')},  // overflow pages
  };
  for (const auto& [key, value] : cases) {
    SCOPED_TRACE(::testing::PrintToString(key.substr(0, 20)));
    ASSERT_TRUE(db_->Put(nullptr, key, value).ok());
    Result<std::string> got = db_->Get(nullptr, key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, value);
  }
  // "a\0b" and "a" are different keys: the length is part of the key.
  EXPECT_TRUE(db_->Get(nullptr, "a").status().Is(Code::kNotFound));
}

TEST_F(KvTest, PutReplacesAndInsertRefusesExisting) {
  ASSERT_TRUE(db_->Put(nullptr, "k", "one").ok());
  ASSERT_TRUE(db_->Put(nullptr, "k", "two").ok());
  EXPECT_EQ(db_->Get(nullptr, "k").value_or(""), "two");

  Status dup = db_->Insert(nullptr, "k", "three");
  EXPECT_TRUE(dup.Is(Code::kExists)) << dup.ToString();
  EXPECT_EQ(db_->Get(nullptr, "k").value_or(""), "two");

  EXPECT_TRUE(db_->Insert(nullptr, "new", "").ok());
  EXPECT_EQ(db_->Get(nullptr, "new").value_or("absent"), "");
}

TEST_F(KvTest, MissingKeysAreNotFound) {
  EXPECT_TRUE(db_->Get(nullptr, "nope").status().Is(Code::kNotFound));
  EXPECT_TRUE(db_->Get(nullptr, "").status().Is(Code::kNotFound));
  EXPECT_TRUE(db_->Delete(nullptr, "nope").Is(Code::kNotFound));

  ASSERT_TRUE(db_->Put(nullptr, "k", "v").ok());
  ASSERT_TRUE(db_->Delete(nullptr, "k").ok());
  EXPECT_TRUE(db_->Get(nullptr, "k").status().Is(Code::kNotFound));
  EXPECT_TRUE(db_->Delete(nullptr, "k").Is(Code::kNotFound));
}

TEST_F(KvTest, ScanIsInUnsignedByteOrderWithShorterKeysFirst) {
  // Inserted out of order on purpose.
  const std::vector<std::string> keys = {"b", "\x80", "a", "ab", "\x7f", "a\0"s, "", "A"};
  for (const std::string& key : keys) ASSERT_TRUE(db_->Put(nullptr, key, "v").ok());
  std::vector<std::string> order;
  for (const auto& [key, value] : Scan("")) order.push_back(key);
  EXPECT_EQ(order, (std::vector<std::string>{"", "A", "a", "a\0"s, "ab", "b", "\x7f", "\x80"}));
}

TEST_F(KvTest, PrefixScanStaysInsideThePrefix) {
  for (const char* key : {"user.a", "user.a.b", "user.ab", "user.b", "user-", "user/", "userx",
                          "use", "zzz"}) {
    ASSERT_TRUE(db_->Put(nullptr, key, std::string("v:") + key).ok());
  }
  struct Case {
    std::string prefix;
    std::vector<std::string> keys;
  };
  const std::vector<Case> cases = {
      {"user.a", {"user.a", "user.a.b", "user.ab"}},
      {"user.a.", {"user.a.b"}},
      {"user.", {"user.a", "user.a.b", "user.ab", "user.b"}},
      {"user", {"user-", "user.a", "user.a.b", "user.ab", "user.b", "user/", "userx"}},
      {"users", {}},
      {"zzzz", {}},
      {"\xff", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.prefix);
    std::vector<std::string> got;
    for (const auto& [key, value] : Scan(c.prefix)) {
      EXPECT_EQ(value, "v:" + key);
      got.push_back(key);
    }
    EXPECT_EQ(got, c.keys);
    auto txn = env_->Begin();
    ASSERT_TRUE(txn.ok());
    got.clear();
    for (const auto& [key, value] : Scan(c.prefix, txn->get())) got.push_back(key);
    EXPECT_EQ(got, c.keys) << "inside a transaction";
  }
}

TEST_F(KvTest, PrefixWithNulAndHighBytes) {
  ASSERT_TRUE(db_->Put(nullptr, "p\0a"s, "1").ok());
  ASSERT_TRUE(db_->Put(nullptr, "p\0\xff"s, "2").ok());
  ASSERT_TRUE(db_->Put(nullptr, "p\x01"s, "3").ok());
  ASSERT_TRUE(db_->Put(nullptr, "p", "4").ok());
  auto seen = Scan("p\0"s);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, "p\0a"s);
  EXPECT_EQ(seen[1].first, "p\0\xff"s);
}

TEST_F(KvTest, VisitorReturningFalseStopsTheScan) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(db_->Put(nullptr, "k" + std::to_string(i), "").ok());
  int calls = 0;
  ASSERT_TRUE(db_->ForEachWithPrefix(nullptr, "k", [&](std::string_view, std::string_view) {
                   return ++calls < 3;
                 }).ok());
  EXPECT_EQ(calls, 3);
}

// Larger than one internal batch, so the resume-after-last-key path runs,
// and the visitor writes with autocommit while the scan is under way: that
// must neither deadlock on the scan's own page locks nor skip or repeat keys.
TEST_F(KvTest, UntransactedScanAllowsWritesFromTheVisitor) {
  constexpr int kKeys = 1500;
  for (int i = 0; i < kKeys; ++i) {
    char key[32];
    snprintf(key, sizeof(key), "m.%06d", i);
    ASSERT_TRUE(db_->Put(nullptr, key, std::string(300, 'x')).ok());
  }
  int visited = 0;
  std::string last;
  Status status = db_->ForEachWithPrefix(nullptr, "m.", [&](std::string_view k,
                                                            std::string_view) {
    EXPECT_LT(last, std::string(k));
    last = std::string(k);
    ++visited;
    return db_->Put(nullptr, "seen." + std::string(k), "1").ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(visited, kKeys);
  EXPECT_EQ(Scan("seen.").size(), static_cast<size_t>(kKeys));
}

TEST_F(KvTest, DatabaseNamesMustBePlainFileNames) {
  for (const char* bad : {"", ".", "..", "a/b", "/etc/passwd", "../x.db"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(env_->OpenDatabase(bad).status().Is(Code::kInvalid));
  }
  auto ok = env_->OpenDatabase("mailboxes.db");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(KvTest, DatabasesAreSeparate) {
  auto other = env_->OpenDatabase("other.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(db_->Put(nullptr, "k", "in test").ok());
  EXPECT_TRUE((*other)->Get(nullptr, "k").status().Is(Code::kNotFound));
  EXPECT_EQ((*other)->name(), "other.db");
}

TEST_F(KvTest, DataSurvivesCloseAndReopen) {
  ASSERT_TRUE(db_->Put(nullptr, "durable", "yes").ok());
  db_.reset();
  env_.reset();
  auto env = Environment::Open(scratch_.Sub("db"), TestOptions());
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto db = (*env)->OpenDatabase("test.db");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->Get(nullptr, "durable").value_or(""), "yes");
  EXPECT_EQ((*env)->dir(), scratch_.Sub("db"));
}

TEST(KvOpen, RefusesToCreateWhenAskedNotTo) {
  ScratchDir scratch;
  EnvironmentOptions options = TestOptions();
  options.create = false;
  auto env = Environment::Open(scratch.Sub("missing"), options);
  EXPECT_TRUE(env.status().Is(Code::kNotFound)) << env.status().ToString();
  EXPECT_FALSE(PathExists(scratch.Sub("missing")));
}

TEST(KvOpen, CheckpointAndLogRemovalWork) {
  ScratchDir scratch;
  auto env = Environment::Open(scratch.Sub("db"), TestOptions());
  ASSERT_TRUE(env.ok());
  {
    auto db = (*env)->OpenDatabase("x.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put(nullptr, "k", "v").ok());
  }
  EXPECT_TRUE((*env)->Checkpoint().ok());
  EXPECT_TRUE((*env)->RemoveUnusedLogs().ok());
}

}  // namespace
}  // namespace satrap::db
