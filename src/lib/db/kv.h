// The key-value layer: one Berkeley DB transactional environment in
// `configdirectory/db`, shared by every process, and the databases inside it
// (mailboxes.db, quota.db, deliver.db, tls_sessions.db, annotations.db).
//
// Keys and values are binary-safe byte strings. Every database is a BTREE, so
// iteration is in key order and ForEachWithPrefix() is a range scan.
//
// Transactions are RAII: a Transaction aborts on destruction unless Commit()
// succeeded, so an early `return status;` never leaves one open. Operations on
// a Database without a Transaction are single autocommitted operations.
// Commit() returns only once the log record is on disk (unless the environment
// was opened with `durable = false`, for tests of throughput only).
//
// Deadlocks: the environment runs deadlock detection on every conflict; the
// losing transaction gets kTempFail and must be retried from the start.
// RunTransaction() does that.
//
// Locking rule for callers (mailbox/): never start a transaction while holding
// a mailbox index lock that another process might hold while waiting for this
// database; take the database step first or after, not around.
//
// Inside a transaction, do every read and write of that unit of work through
// the same Transaction: an autocommitted (nullptr) write issued while your own
// transaction or a transactional cursor holds a lock on the same page waits on
// yourself until the lock timeout (kTempFail), because BDB sees two lockers.
// ForEachWithPrefix() without a transaction holds no lock while `visit` runs.
//
// Locks are page locks (BTREE): two transactions touching different keys of
// the same leaf page serialise. Keep write transactions short.
//
// Processes: every process joins the same shared regions (`__db.*` files).
// A process killed in the middle of a transaction leaves its locks behind;
// FailCheck() (run by Open() and by RunTransaction() before each retry) finds
// dead processes through their pid, aborts their transactions and frees their
// locks, so the others carry on. A process killed *inside* the library while
// it held a region mutex makes the environment need recovery: every call then
// fails with kTempFail naming `ctl_cyrusdb -r`, the process that finds out
// runs the recovery hook (SetRecoveryNeededHook), and under cyrmaster the
// master stops every process of the environment, runs `ctl_cyrusdb -r` and
// starts the services again.
// A waiting lock gives up after `lock_timeout_ms` with kTempFail, so a stuck
// lock defers a delivery instead of hanging it.
//
// fork(): an Environment (and its Databases and Transactions) belongs to the
// process that opened it. A child must not use it, commit or abort through
// it: open a fresh Environment in the child (or exec). Destroying an
// inherited Environment in the child is safe: it is detected by pid and the
// handles are dropped without touching the shared regions.
//
// Environment creation: the first Open() of a brand-new folder creates the
// regions; two processes must not create the same new environment at the
// same instant. `ctl_cyrusdb -r` at START creates it before any service runs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::db {

struct EnvironmentOptions {
  bool create = true;     // create the folder if missing (else kNotFound)
  bool durable = true;    // false: commits don't wait for the log to hit disk
  size_t cache_bytes = 8 * 1024 * 1024;
  int file_mode = 0600;
  // How long a lock wait lasts before it gets kTempFail. Transactions from
  // Begin() use this handle's value; autocommitted calls use the
  // environment-wide value, which the most recent Open() sets, so every
  // process should pass the same.
  int lock_timeout_ms = 10000;
};

enum class RecoveryMode {
  kNormal,        // replay the log from the last checkpoint (ctl_cyrusdb -r)
  kCatastrophic,  // replay every log file present (restoring a backup copy)
};

class Database;
class Transaction;

class Environment {
 public:
  // Joins (or creates) the environment in `dir`. Many processes may do this at
  // once. Fails with kTempFail if the environment needs recovery
  // (DB_RUNRECOVERY); run `ctl_cyrusdb -r` then.
  static Result<std::unique_ptr<Environment>> Open(const std::string& dir,
                                                   const EnvironmentOptions& options = {});
  // Runs normal recovery on `dir`. Only safe when no other process has the
  // environment open (START, before services listen): that is what
  // `ctl_cyrusdb -r` does.
  // Creates `dir` and an empty environment if missing. kTempFail if recovery
  // itself fails (the log is damaged: restore db.backup1).
  static Status Recover(const std::string& dir, RecoveryMode mode = RecoveryMode::kNormal);

  virtual ~Environment() = default;

  // Opens (creating if needed) the named database in this environment: a
  // plain file name ("mailboxes.db"), kInvalid for "", "." , ".." or a '/'.
  // The Database borrows the Environment, which must outlive it, as must
  // every Transaction from Begin().
  virtual Result<std::unique_ptr<Database>> OpenDatabase(const std::string& name) = 0;
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;

  // ctl_cyrusdb -c: checkpoint, then remove log files no longer needed.
  virtual Status Checkpoint() = 0;
  virtual Status RemoveUnusedLogs() = 0;
  // Hot backup into `target_dir` (created; emptied first if it exists): the
  // database files, then the log files, then catastrophic recovery on the
  // copy, so that `target_dir` is a self-contained environment Open() can use
  // (or that replaces `dir` after a disaster). Safe while other processes
  // write. `target_dir` must not be inside dir().
  virtual Status Backup(const std::string& target_dir) = 0;
  // Aborts the transactions and frees the locks of processes that died
  // without closing the environment. kTempFail (needs recovery) if one died
  // inside the library.
  virtual Status FailCheck() = 0;
  virtual const std::string& dir() const = 0;
  // Gives back what only a running call needs (the lock watchdog's thread
  // and handle), for a worker whose client is idle; the next call takes it
  // up again. Not inside a call.
  virtual void ReleaseWhileIdle() {}
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // aborts if not committed
  virtual Status Commit() = 0;
  // Commits without waiting for the log to reach the disk: the change is
  // atomic and survives a process crash, but not a power loss until the next
  // synced commit of any process flushes the log past it. Only for data whose
  // loss is harmless (deliver.db: a lost record can only let a duplicate
  // through), never for anything a client has been told is stored.
  virtual Status CommitWithoutSync() = 0;
  virtual void Abort() = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // kNotFound when `key` is absent. `txn` may be nullptr (autocommit).
  virtual Result<std::string> Get(Transaction* txn, std::string_view key) = 0;
  // Get for a read-modify-write inside `txn` (required, not nullptr): takes
  // the write lock at once (DB_RMW), so two transactions doing the same
  // read-then-Put serialise instead of deadlocking on the lock upgrade.
  // Use it for counters (quota usage, uidnext-style values).
  virtual Result<std::string> GetForUpdate(Transaction& txn, std::string_view key) = 0;
  virtual Status Put(Transaction* txn, std::string_view key, std::string_view value) = 0;
  // Put, but kExists if the key is already there.
  virtual Status Insert(Transaction* txn, std::string_view key, std::string_view value) = 0;
  // kNotFound when absent.
  virtual Status Delete(Transaction* txn, std::string_view key) = 0;
  // Calls `visit` for each key starting with `prefix`, in key order, until it
  // returns false. The views are valid only during the call.
  virtual Status ForEachWithPrefix(
      Transaction* txn, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) = 0;
  virtual const std::string& name() const = 0;
  // The environment this database lives in (for transactions over it).
  virtual Environment& environment() = 0;
};

// Runs `body` in a fresh transaction and commits it; retries on deadlock or
// lock timeout (kTempFail from body, Begin or Commit) up to `attempts` times,
// with a short randomised pause and a FailCheck() in between. `body` must be
// safe to run again (no side effects outside the transaction, or idempotent
// ones). Any other error from `body` aborts and is returned as is.
enum class Durability { kSync, kWithoutSync };
Status RunTransaction(Environment& env, const std::function<Status(Transaction&)>& body,
                      int attempts = 16, Durability durability = Durability::kSync);

// Called, in this process, each time Berkeley DB says the environment needs
// recovery (DB_RUNRECOVERY from any call, failchk included, or a panic
// event): shared state was left half-changed by a process that died inside
// the library, and only recovery with every other process gone repairs it.
// The service skeleton sets it to tell cyrmaster (service/master_protocol.h
// kNeedsRecovery). `hook` must be async-signal-safe in spirit: it runs from
// inside database calls. nullptr (the default) does nothing.
void SetRecoveryNeededHook(void (*hook)());

}  // namespace satrap::db
