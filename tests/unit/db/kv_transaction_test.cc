// Transactions: RAII abort, commit visibility, isolation from another
// process, and RunTransaction()'s retry rules, including a real deadlock
// between two processes.
#include <gtest/gtest.h>
#include <csignal>
#include <unistd.h>

#include <string>

#include "db/kv.h"
#include "db_test_util.h"

namespace satrap::db {
namespace {

using testing::ForkChild;
using testing::ScratchDir;
using testing::TestOptions;
using testing::WaitChild;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    db_.reset();
    env_.reset();
    auto env = Environment::Open(scratch_.Sub("db"), TestOptions());
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
    auto db = env_->OpenDatabase("t.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    env_.reset();
  }

  ScratchDir scratch_;
  std::unique_ptr<Environment> env_;
  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, DestroyingAnUncommittedTransactionAbortsIt) {
  ASSERT_TRUE(db_->Put(nullptr, "kept", "old").ok());
  {
    auto txn = env_->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db_->Put(txn->get(), "new", "v").ok());
    ASSERT_TRUE(db_->Put(txn->get(), "kept", "changed").ok());
    ASSERT_TRUE(db_->Delete(txn->get(), "kept").ok());
    // Inside the transaction its own writes are visible.
    EXPECT_EQ(db_->Get(txn->get(), "new").value_or(""), "v");
  }
  EXPECT_TRUE(db_->Get(nullptr, "new").status().Is(Code::kNotFound));
  EXPECT_EQ(db_->Get(nullptr, "kept").value_or(""), "old");
}

TEST_F(TransactionTest, ExplicitAbortDiscardsAndIsIdempotent) {
  auto txn = env_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(db_->Put(txn->get(), "k", "v").ok());
  (*txn)->Abort();
  (*txn)->Abort();
  txn->reset();
  EXPECT_TRUE(db_->Get(nullptr, "k").status().Is(Code::kNotFound));
}

TEST_F(TransactionTest, CommittedWritesAreVisibleAndDurable) {
  {
    auto txn = env_->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db_->Put(txn->get(), "a", "1").ok());
    ASSERT_TRUE(db_->Insert(txn->get(), "b", "2").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(db_->Get(nullptr, "a").value_or(""), "1");
  Reopen();
  EXPECT_EQ(db_->Get(nullptr, "a").value_or(""), "1");
  EXPECT_EQ(db_->Get(nullptr, "b").value_or(""), "2");
}

// The unsynced commit deliver.db uses must still be atomic and survive the
// death of the process that made it (the log sits in the shared region).
TEST_F(TransactionTest, UnsyncedCommitSurvivesTheCommittersDeath) {
  pid_t pid = ForkChild([&] {
    auto env = Environment::Open(scratch_.Sub("db"), TestOptions());
    if (!env.ok()) return 1;
    auto db = (*env)->OpenDatabase("t.db");
    if (!db.ok()) return 2;
    Status status = RunTransaction(
        **env,
        [&](Transaction& txn) {
          SATRAP_RETURN_IF_ERROR((*db)->Put(&txn, "dup1", "100"));
          return (*db)->Put(&txn, "dup2", "100");
        },
        16, Durability::kWithoutSync);
    if (!status.ok()) return 3;
    ::kill(::getpid(), SIGKILL);  // no orderly close, no flush
    return 4;
  });
  EXPECT_EQ(WaitChild(pid), 128 + SIGKILL);
  Reopen();
  EXPECT_EQ(db_->Get(nullptr, "dup1").value_or(""), "100");
  EXPECT_EQ(db_->Get(nullptr, "dup2").value_or(""), "100");
}

TEST_F(TransactionTest, UnsyncedCommitAppliesAllOrNothing) {
  auto txn = env_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(db_->Put(txn->get(), "x", "1").ok());
  ASSERT_TRUE((*txn)->CommitWithoutSync().ok());
  EXPECT_EQ(db_->Get(nullptr, "x").value_or(""), "1");
  EXPECT_TRUE(RunTransaction(
                  *env_, [&](Transaction& t) {
                    SATRAP_RETURN_IF_ERROR(db_->Put(&t, "y", "2"));
                    return Status::Invalid("body fails after a write");
                  },
                  16, Durability::kWithoutSync)
                  .Is(Code::kInvalid));
  EXPECT_TRUE(db_->Get(nullptr, "y").status().Is(Code::kNotFound));
}

TEST_F(TransactionTest, InsertInsideTransactionSeesItsOwnKeys) {
  auto txn = env_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(db_->Insert(txn->get(), "k", "1").ok());
  EXPECT_TRUE(db_->Insert(txn->get(), "k", "2").Is(Code::kExists));
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(db_->Get(nullptr, "k").value_or(""), "1");
}

// Another process must not read an uncommitted write: its read waits on our
// write lock, times out and reports kTempFail (degree-3 isolation).
TEST_F(TransactionTest, UncommittedWritesAreInvisibleToOtherProcesses) {
  auto txn = env_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(db_->Put(txn->get(), "pending", "v").ok());
  std::string dir = scratch_.Sub("db");
  pid_t child = ForkChild([&] {
    EnvironmentOptions options = TestOptions();
    options.lock_timeout_ms = 300;
    auto env = Environment::Open(dir, options);
    if (!env.ok()) return 10;
    auto db = (*env)->OpenDatabase("t.db");
    if (!db.ok()) return 11;
    Result<std::string> got = (*db)->Get(nullptr, "pending");
    if (got.ok()) return 12;
    return got.status().Is(Code::kTempFail) ? 0 : 13;
  });
  EXPECT_EQ(WaitChild(child), 0);
  ASSERT_TRUE((*txn)->Commit().ok());
}

TEST_F(TransactionTest, RunTransactionCommitsTheBody) {
  Status status = RunTransaction(*env_, [&](Transaction& txn) {
    return db_->Put(&txn, "k", "v");
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(db_->Get(nullptr, "k").value_or(""), "v");
}

TEST_F(TransactionTest, RunTransactionRetriesTempFailAndAbortsEachFailedTry) {
  int calls = 0;
  Status status = RunTransaction(*env_, [&](Transaction& txn) {
    ++calls;
    Status put = db_->Put(&txn, "attempt" + std::to_string(calls), "x");
    if (!put.ok()) return put;
    return calls < 3 ? Status::TempFail("simulated deadlock") : Status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(db_->Get(nullptr, "attempt1").status().Is(Code::kNotFound));
  EXPECT_TRUE(db_->Get(nullptr, "attempt2").status().Is(Code::kNotFound));
  EXPECT_TRUE(db_->Get(nullptr, "attempt3").ok());
}

TEST_F(TransactionTest, RunTransactionGivesUpAfterTheAttempts) {
  int calls = 0;
  Status status = RunTransaction(
      *env_, [&](Transaction&) { return ++calls, Status::TempFail("always"); }, 4);
  EXPECT_TRUE(status.Is(Code::kTempFail));
  EXPECT_NE(status.message().find("gave up after 4 attempts"), std::string::npos)
      << status.message();
  EXPECT_EQ(calls, 4);
}

TEST_F(TransactionTest, RunTransactionDoesNotRetryOtherErrors) {
  const Code codes[] = {Code::kNotFound, Code::kExists, Code::kInvalid, Code::kIoError};
  for (Code code : codes) {
    SCOPED_TRACE(std::string(CodeName(code)));
    int calls = 0;
    Status status = RunTransaction(*env_, [&](Transaction& txn) {
      ++calls;
      Status put = db_->Put(&txn, "k", "v");
      return put.ok() ? Status::Error(code, "body failed") : put;
    });
    EXPECT_TRUE(status.Is(code)) << status.ToString();
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(db_->Get(nullptr, "k").status().Is(Code::kNotFound));
  }
}

// Two processes lock two keys in opposite orders (the keys sit in two
// database files, so they are on different pages). The pipes make each wait
// until the other holds its first lock, so the second writes form a cycle;
// BDB's detector aborts one, RunTransaction retries it, and both commit.
// Each child exits with the number of attempts it needed.
TEST_F(TransactionTest, RunTransactionSurvivesARealDeadlock) {
  std::string dir = scratch_.Sub("db");
  db_.reset();
  env_.reset();
  int a_ready[2], b_ready[2];
  ASSERT_EQ(::pipe(a_ready), 0);
  ASSERT_EQ(::pipe(b_ready), 0);
  auto worker = [&](const char* first, const char* second, int tell_fd, int wait_fd,
                    const char* me) {
    return ForkChild([=] {
      auto env = Environment::Open(dir, TestOptions());
      if (!env.ok()) return 100;
      auto db1 = (*env)->OpenDatabase(first);
      auto db2 = (*env)->OpenDatabase(second);
      if (!db1.ok() || !db2.ok()) return 101;
      int attempts = 0;
      Status status = RunTransaction(**env, [&](Transaction& txn) {
        ++attempts;
        SATRAP_RETURN_IF_ERROR((*db1)->Put(&txn, "k", me));
        if (attempts == 1) {
          char byte = 'x';
          if (::write(tell_fd, &byte, 1) != 1 || ::read(wait_fd, &byte, 1) != 1) {
            return Status::Internal("pipe");
          }
        }
        return (*db2)->Put(&txn, "k", me);
      });
      return status.ok() ? attempts : 102;
    });
  };
  pid_t a = worker("one.db", "two.db", a_ready[1], b_ready[0], "a");
  pid_t b = worker("two.db", "one.db", b_ready[1], a_ready[0], "b");
  int a_attempts = WaitChild(a);
  int b_attempts = WaitChild(b);
  for (int fd : {a_ready[0], a_ready[1], b_ready[0], b_ready[1]}) ::close(fd);
  ASSERT_GE(a_attempts, 1);
  ASSERT_LT(a_attempts, 100);
  ASSERT_GE(b_attempts, 1);
  ASSERT_LT(b_attempts, 100);
  EXPECT_GE(a_attempts + b_attempts, 3) << "no deadlock happened";

  Reopen();
  auto one = env_->OpenDatabase("one.db");
  auto two = env_->OpenDatabase("two.db");
  ASSERT_TRUE(one.ok() && two.ok());
  // Both transactions committed whole and one after the other, so the last
  // writer owns both keys.
  std::string v1 = (*one)->Get(nullptr, "k").value_or("?");
  std::string v2 = (*two)->Get(nullptr, "k").value_or("!");
  EXPECT_EQ(v1, v2);
}

}  // namespace
}  // namespace satrap::db
