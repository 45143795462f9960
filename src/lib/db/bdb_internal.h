// Berkeley DB 5.3 implementation of kv.h: shared between bdb_environment.cc
// and bdb_database.cc, never included outside src/lib/db.
//
// Lifetime: BdbEnvironment counts the Databases and Transactions it handed
// out and CHECKs at destruction that none is left, because closing a DB_ENV
// under open DB or DB_TXN handles corrupts BDB's per-process state.
#pragma once

#include <db.h>
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <pthread.h>

#include "base/result.h"
#include "base/status.h"
#include "db/kv.h"

namespace satrap::db::internal {

// Maps a BDB return code to a Status: DB_NOTFOUND -> kNotFound,
// DB_KEYEXIST -> kExists, DB_LOCK_DEADLOCK / DB_LOCK_NOTGRANTED -> kTempFail,
// DB_RUNRECOVERY -> kTempFail naming `ctl_cyrusdb -r`, corruption -> kCorrupt,
// errno values -> Status::FromErrno, anything else -> kIoError.
// `what` says what failed ("put mailboxes.db").
Status FromDbError(int ret, std::string_view what);

// BDB 5.3 checks lock timeouts only when its deadlock detector runs, which
// happens when some process blocks on or releases a lock. A process blocked
// on a lock held by a dead one would then wait until unrelated activity
// comes by, or forever on an idle system. The watchdog thread runs the
// detector in DB_LOCK_EXPIRE mode, but only while its process has been inside
// a database call for longer than the lock timeout, so it costs nothing in
// the normal case. It uses a DB_ENV handle of its own.
//
// The thread starts with the first call and stops at Park(), which an idle
// worker calls (Environment::ReleaseWhileIdle); its handle is opened only
// when a call has run past the timeout. Thread and handle were ~18 KB of
// private memory in every idle worker.
class LockWatchdog {
 public:
  // `open_handle` opens the handle the thread uses (owned by the watchdog).
  LockWatchdog(std::function<Result<DB_ENV*>()> open_handle, int lock_timeout_ms);
  ~LockWatchdog();  // Park()
  // Brackets a call that may wait on a lock (see CallGuard). Enter() starts
  // the thread if parked; if it cannot start, the call goes on unwatched
  // (logged).
  void Enter();
  void Leave();
  // Stops and joins the thread and closes its handle; not inside a call.
  void Park();

 private:
  void Start();
  static void* Main(void* self);
  void Run();

  std::function<Result<DB_ENV*>()> open_handle_;
  bool running_ = false;
  DB_ENV* env_ = nullptr;
  const int64_t timeout_ms_;
  std::atomic<int64_t> call_started_ms_{0};  // 0: not inside a call
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  // A raw thread on a small stack of our own, unmapped at Park(): glibc
  // would keep a std::thread's stack cached, dirty pages and all.
  pthread_t thread_{};
  void* stack_ = nullptr;
};

class BdbEnvironment final : public Environment {
 public:
  // Takes ownership of `env` (open) and `watchdog`.
  BdbEnvironment(DB_ENV* env, std::unique_ptr<LockWatchdog> watchdog, std::string dir,
                 int file_mode, int lock_timeout_ms);
  ~BdbEnvironment() override;

  Result<std::unique_ptr<Database>> OpenDatabase(const std::string& name) override;
  Result<std::unique_ptr<Transaction>> Begin() override;
  Status Checkpoint() override;
  Status RemoveUnusedLogs() override;
  Status Backup(const std::string& target_dir) override;
  Status FailCheck() override;
  const std::string& dir() const override { return dir_; }

  DB_ENV* handle() { return env_; }
  // False in a child after fork(): the handles must then be left alone.
  bool OwnedByThisProcess() const;
  void AddHandle() { ++open_handles_; }
  void DropHandle() { --open_handles_; }
  LockWatchdog& watchdog() { return *watchdog_; }
  void ReleaseWhileIdle() override;

 private:
  DB_ENV* env_;
  std::unique_ptr<LockWatchdog> watchdog_;
  std::string dir_;
  int file_mode_;
  db_timeout_t lock_timeout_us_;
  pid_t owner_pid_;
  int open_handles_ = 0;
};

// Marks a database call that may block on a lock, for the watchdog.
class CallGuard {
 public:
  explicit CallGuard(BdbEnvironment* env) : watchdog_(env->watchdog()) { watchdog_.Enter(); }
  ~CallGuard() { watchdog_.Leave(); }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

 private:
  LockWatchdog& watchdog_;
};

class BdbTransaction final : public Transaction {
 public:
  BdbTransaction(BdbEnvironment* env, DB_TXN* txn);
  ~BdbTransaction() override;
  Status Commit() override;
  Status CommitWithoutSync() override;
  void Abort() override;

  // The live DB_TXN; CHECKs that the transaction is neither committed nor
  // aborted, since using a finished DB_TXN is a use-after-free inside BDB.
  DB_TXN* handle();

 private:
  BdbEnvironment* env_;
  Status CommitWithFlags(uint32_t flags);

  DB_TXN* txn_;  // nullptr once committed or aborted
};

class BdbDatabase final : public Database {
 public:
  BdbDatabase(BdbEnvironment* env, DB* db, std::string name);
  ~BdbDatabase() override;

  Result<std::string> Get(Transaction* txn, std::string_view key) override;
  Result<std::string> GetForUpdate(Transaction& txn, std::string_view key) override;
  Status Put(Transaction* txn, std::string_view key, std::string_view value) override;
  Status Insert(Transaction* txn, std::string_view key, std::string_view value) override;
  Status Delete(Transaction* txn, std::string_view key) override;
  Status ForEachWithPrefix(
      Transaction* txn, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) override;
  const std::string& name() const override { return name_; }
  Environment& environment() override;

 private:
  Result<std::string> Read(DB_TXN* txn, std::string_view key, uint32_t flags);
  Status Write(Transaction* txn, std::string_view key, std::string_view value,
               uint32_t flags, const char* verb);
  Status ScanInTransaction(
      DB_TXN* txn, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& visit);
  Status ScanInBatches(std::string_view prefix,
                       const std::function<bool(std::string_view, std::string_view)>& visit);
  // One cursor move, marked for the watchdog since it may wait on a lock.
  int Step(DBC* cursor, DBT* key, DBT* value, uint32_t flag);
  std::string What(const char* verb) const { return std::string(verb) + " " + name_; }

  BdbEnvironment* env_;
  DB* db_;
  std::string name_;
};

}  // namespace satrap::db::internal
