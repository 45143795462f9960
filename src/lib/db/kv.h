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
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::db {

struct EnvironmentOptions {
  bool create = true;     // create the folder and environment files if missing
  bool durable = true;    // false: commits don't wait for the log to hit disk
  size_t cache_bytes = 8 * 1024 * 1024;
  int file_mode = 0600;
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
  static Status Recover(const std::string& dir);

  virtual ~Environment() = default;

  // Opens (creating if needed) the named database in this environment.
  // The Database borrows the Environment, which must outlive it.
  virtual Result<std::unique_ptr<Database>> OpenDatabase(const std::string& name) = 0;
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;

  // ctl_cyrusdb -c: checkpoint, then remove log files no longer needed.
  virtual Status Checkpoint() = 0;
  virtual Status RemoveUnusedLogs() = 0;
  virtual const std::string& dir() const = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // aborts if not committed
  virtual Status Commit() = 0;
  virtual void Abort() = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // kNotFound when `key` is absent. `txn` may be nullptr (autocommit).
  virtual Result<std::string> Get(Transaction* txn, std::string_view key) = 0;
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
};

// Runs `body` in a fresh transaction and commits it; retries on deadlock
// (kTempFail) up to `attempts` times. `body` must be safe to run again.
Status RunTransaction(Environment& env, const std::function<Status(Transaction&)>& body,
                      int attempts = 16);

}  // namespace satrap::db
