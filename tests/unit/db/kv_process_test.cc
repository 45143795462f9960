// Many processes on one environment: concurrent writers, and a writer killed
// with SIGKILL in the middle of a transaction (FailCheck, Recover).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/file.h"
#include "db/kv.h"
#include "db_test_util.h"
#include "die_inside_library.h"
#include "log/log.h"

namespace satrap::db {
namespace {

using testing::ForkChild;
using testing::ScratchDir;
using testing::TestOptions;
using testing::WaitChild;

std::string KeyFor(int process, int i) {
  return "p" + std::to_string(process) + ".k" + std::to_string(i);
}

std::set<std::string> AllKeys(Database& db) {
  std::set<std::string> keys;
  Status status = db.ForEachWithPrefix(nullptr, "", [&](std::string_view k, std::string_view) {
    keys.insert(std::string(k));
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return keys;
}

TEST(ProcessTest, ConcurrentWritersLoseNothing) {
  constexpr int kProcesses = 4;
  constexpr int kKeysEach = 150;
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  // The first open creates the regions before the children race to join.
  ASSERT_TRUE(Environment::Recover(dir).ok());

  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(ForkChild([=] {
      log::Options log_options;
      log_options.to_stderr = true;
      log::Init(log_options);
      auto env = Environment::Open(dir, TestOptions());
      if (!env.ok()) return 100;
      auto db = (*env)->OpenDatabase("shared.db");
      if (!db.ok()) return 101;
      for (int i = 0; i < kKeysEach; ++i) {
        // Every other key through a transaction that also bumps a shared
        // counter: the hot-page case of concurrent deliveries.
        Status status = RunTransaction(**env, [&](Transaction& txn) {
          SATRAP_RETURN_IF_ERROR((*db)->Put(&txn, KeyFor(p, i), "v"));
          if (i % 2 != 0) return Status();
          Result<std::string> count = (*db)->GetForUpdate(txn, "counter");
          if (!count.ok() && !count.status().Is(Code::kNotFound)) return count.status();
          int n = count.ok() ? std::stoi(*count) : 0;
          return (*db)->Put(&txn, "counter", std::to_string(n + 1));
        });
        if (!status.ok()) {
          fprintf(stderr, "writer %d: %s\n", p, status.ToString().c_str());
          return 102;
        }
      }
      return 0;
    }));
  }
  for (pid_t child : children) EXPECT_EQ(WaitChild(child), 0);

  auto env = Environment::Open(dir, TestOptions());
  ASSERT_TRUE(env.ok());
  auto db = (*env)->OpenDatabase("shared.db");
  ASSERT_TRUE(db.ok());
  std::set<std::string> keys = AllKeys(**db);
  for (int p = 0; p < kProcesses; ++p) {
    for (int i = 0; i < kKeysEach; ++i) {
      EXPECT_TRUE(keys.count(KeyFor(p, i))) << KeyFor(p, i);
    }
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kProcesses * kKeysEach + 1));
  // No lost update on the counter: every increment was serialised.
  EXPECT_EQ((*db)->Get(nullptr, "counter").value_or("0"),
            std::to_string(kProcesses * kKeysEach / 2));
}

// A child commits kCommitted keys one transaction each, then writes
// kUncommitted keys in one transaction that it never finishes, tells the
// parent through a pipe, and waits to be killed.
constexpr int kCommitted = 20;
constexpr int kUncommitted = 20;

pid_t StartVictim(const std::string& dir, const EnvironmentOptions& options = TestOptions()) {
  int ready[2];
  CHECK(::pipe(ready) == 0);
  pid_t pid = ForkChild([&] {
    ::close(ready[0]);
    auto env = Environment::Open(dir, options);
    if (!env.ok()) return 100;
    auto db = (*env)->OpenDatabase("victim.db");
    if (!db.ok()) return 101;
    for (int i = 0; i < kCommitted; ++i) {
      if (!(*db)->Put(nullptr, "committed." + std::to_string(i), "v").ok()) return 102;
    }
    auto txn = (*env)->Begin();
    if (!txn.ok()) return 103;
    for (int i = 0; i < kUncommitted; ++i) {
      if (!(*db)->Put(txn->get(), "pending." + std::to_string(i), "v").ok()) return 104;
    }
    // The pending keys share pages with the committed ones, so the dead
    // transaction's write locks cover committed data too.
    char byte = 'r';
    if (::write(ready[1], &byte, 1) != 1) return 105;
    for (;;) ::pause();
  });
  ::close(ready[1]);
  char byte;
  ssize_t n = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  CHECK(n == 1) << "victim died before its transaction was open";
  return pid;
}

void KillVictim(pid_t pid) {
  ::kill(pid, SIGKILL);
  EXPECT_EQ(WaitChild(pid), 128 + SIGKILL);
}

void ExpectOnlyCommitted(const std::string& dir) {
  auto env = Environment::Open(dir, TestOptions());
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto db = (*env)->OpenDatabase("victim.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::set<std::string> keys = AllKeys(**db);
  for (int i = 0; i < kCommitted; ++i) {
    EXPECT_TRUE(keys.count("committed." + std::to_string(i))) << i;
  }
  for (int i = 0; i < kUncommitted; ++i) {
    EXPECT_FALSE(keys.count("pending." + std::to_string(i))) << i;
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kCommitted));
  // The pages are writable again: nothing still holds the dead locks.
  EXPECT_TRUE((*db)->Put(nullptr, "pending.0", "now").ok());
}

// Without recovery: the next Open() runs FailCheck, which aborts the dead
// transaction and frees its locks, so survivors do not wait forever.
TEST(ProcessTest, KilledWriterIsCleanedUpByTheNextOpen) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  KillVictim(StartVictim(dir));
  ExpectOnlyCommitted(dir);
}

// A process that already had the environment open gets kTempFail (lock
// timeout, expired by the lock watchdog) while the dead transaction holds its
// page, and succeeds once RunTransaction's FailCheck has freed it.
TEST(ProcessTest, RunTransactionRecoversFromAKilledLockHolder) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  EnvironmentOptions options = TestOptions();
  options.lock_timeout_ms = 200;
  auto env = Environment::Open(dir, options);
  ASSERT_TRUE(env.ok());
  auto db = (*env)->OpenDatabase("victim.db");
  ASSERT_TRUE(db.ok());
  // As an idle worker does: the lock watchdog stops, and must start again
  // with the next call (without it the Get below would wait forever).
  (*env)->ReleaseWhileIdle();
  KillVictim(StartVictim(dir, options));
  EXPECT_TRUE((*db)->Get(nullptr, "committed.0").status().Is(Code::kTempFail));
  int calls = 0;
  Status status = RunTransaction(**env, [&](Transaction& txn) {
    ++calls;
    return (*db)->Put(&txn, "committed.0", "rewritten");
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_GE(calls, 1);
  EXPECT_TRUE((*db)->Get(nullptr, "pending.0").status().Is(Code::kNotFound));
}

// The threads of this process (/proc/self/task).
size_t ThreadCount() {
  auto tasks = std::filesystem::directory_iterator("/proc/self/task");
  return static_cast<size_t>(std::distance(begin(tasks), end(tasks)));
}

// An idle worker's ReleaseWhileIdle() stops the lock watchdog's thread; the
// next database call starts it again.
TEST(ProcessTest, IdleReleaseStopsTheWatchdogThreadUntilTheNextCall) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  auto env = Environment::Open(dir, TestOptions());
  ASSERT_TRUE(env.ok());
  auto db = (*env)->OpenDatabase("idle.db");
  ASSERT_TRUE(db.ok());
  const size_t running = ThreadCount();
  (*env)->ReleaseWhileIdle();
  EXPECT_EQ(ThreadCount(), running - 1);
  EXPECT_TRUE((*db)->Put(nullptr, "key", "value").ok());
  EXPECT_EQ(ThreadCount(), running);
}

// At START nobody has the environment open: normal recovery rolls the dead
// transaction back from the log.
TEST(ProcessTest, RecoverRollsBackTheKilledTransaction) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  KillVictim(StartVictim(dir));
  Status status = Environment::Recover(dir);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ExpectOnlyCommitted(dir);
}

#ifdef SATRAP_CTL_CYRUSDB
// The same through the START job, as cyrmaster runs it.
TEST(ProcessTest, CtlCyrusdbRecoverRollsBackTheKilledTransaction) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  std::string config = scratch.Sub("imapd.conf");
  ASSERT_TRUE(WriteFileAtomic(config, "configdirectory: " + scratch.path() + "\n").ok());
  ASSERT_EQ(testing::RunProgram({SATRAP_CTL_CYRUSDB, "-C", config, "-r"}), 0);
  KillVictim(StartVictim(dir));
  ASSERT_EQ(testing::RunProgram({SATRAP_CTL_CYRUSDB, "-C", config, "-r"}), 0);
  ExpectOnlyCommitted(dir);
}
#endif

int g_recovery_hook_calls = 0;
void CountRecoveryHook() { ++g_recovery_hook_calls; }

// A process killed inside the library while it held a region mutex: failchk
// in the next process to open the environment says it needs recovery, the
// recovery hook runs (a worker tells cyrmaster), and after Recover() with
// nobody else inside, everything committed before is there again.
TEST(ProcessTest, DeathInsideTheLibraryNeedsRecoveryAndRunsTheHook) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  {
    auto env = Environment::Open(dir, TestOptions());
    ASSERT_TRUE(env.ok());
    auto db = (*env)->OpenDatabase("kept.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put(nullptr, "before", "the crash").ok());
  }
  EXPECT_EQ(WaitChild(ForkChild([&] { return testing::DieInsideBerkeleyDb(dir); })),
            128 + SIGKILL);
  g_recovery_hook_calls = 0;
  SetRecoveryNeededHook(&CountRecoveryHook);
  auto broken = Environment::Open(dir, TestOptions());
  SetRecoveryNeededHook(nullptr);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Code::kTempFail);
  EXPECT_NE(broken.status().message().find("needs recovery"), std::string::npos)
      << broken.status().ToString();
  EXPECT_GE(g_recovery_hook_calls, 1);
  ASSERT_TRUE(Environment::Recover(dir).ok());
  auto env = Environment::Open(dir, TestOptions());
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto db = (*env)->OpenDatabase("kept.db");
  ASSERT_TRUE(db.ok());
  Result<std::string> value = (*db)->Get(nullptr, "before");
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(*value, "the crash");
}

TEST(ProcessTest, RecoverCreatesAMissingEnvironment) {
  ScratchDir scratch;
  std::string dir = scratch.Sub("deep/db");
  ASSERT_TRUE(Environment::Recover(dir).ok());
  EnvironmentOptions options = TestOptions();
  options.create = false;
  auto env = Environment::Open(dir, options);
  EXPECT_TRUE(env.ok()) << env.status().ToString();
}

// An inherited Environment destroyed in a child must leave the parent's
// handles working (it is recognised by pid and not closed).
TEST(ProcessTest, DestroyingAnInheritedEnvironmentInAChildIsHarmless) {
  ScratchDir scratch;
  auto env = Environment::Open(scratch.Sub("db"), TestOptions());
  ASSERT_TRUE(env.ok());
  auto db = (*env)->OpenDatabase("x.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Put(nullptr, "k", "v").ok());
  pid_t child = ForkChild([&] {
    db->reset();
    env->reset();
    return 0;
  });
  EXPECT_EQ(WaitChild(child), 0);
  EXPECT_EQ((*db)->Get(nullptr, "k").value_or(""), "v");
  EXPECT_TRUE((*db)->Put(nullptr, "k2", "v2").ok());
}

}  // namespace
}  // namespace satrap::db
