// Databases and transactions over Berkeley DB handles, and RunTransaction().
#include <unistd.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/check.h"
#include "db/bdb_internal.h"
#include "db/kv.h"
#include "log/log.h"

namespace satrap::db {
namespace internal {
namespace {

// A DBT that borrows `bytes` for the duration of one call.
DBT BorrowedDbt(std::string_view bytes) {
  DBT dbt{};
  dbt.data = const_cast<char*>(bytes.data());
  dbt.size = static_cast<uint32_t>(bytes.size());
  return dbt;
}

std::string_view ViewOf(const DBT& dbt) {
  return std::string_view(static_cast<const char*>(dbt.data), dbt.size);
}

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

DB_TXN* HandleOf(Transaction* txn) {
  return txn == nullptr ? nullptr : static_cast<BdbTransaction*>(txn)->handle();
}

struct CursorCloser {
  void operator()(DBC* cursor) const { cursor->close(cursor); }
};
using CursorPtr = std::unique_ptr<DBC, CursorCloser>;

// How much an untransacted scan copies before it lets go of its page locks
// and calls `visit`.
constexpr size_t kBatchEntries = 256;
constexpr size_t kBatchBytes = 1024 * 1024;

}  // namespace

BdbTransaction::BdbTransaction(BdbEnvironment* env, DB_TXN* txn) : env_(env), txn_(txn) {
  env_->AddHandle();
}

BdbTransaction::~BdbTransaction() {
  if (env_->OwnedByThisProcess()) Abort();
  env_->DropHandle();
}

DB_TXN* BdbTransaction::handle() {
  CHECK(txn_ != nullptr) << "transaction used after Commit() or Abort()";
  CHECK(env_->OwnedByThisProcess()) << "Transaction used across fork()";
  return txn_;
}

Status BdbTransaction::Commit() { return CommitWithFlags(0); }

Status BdbTransaction::CommitWithoutSync() { return CommitWithFlags(DB_TXN_NOSYNC); }

Status BdbTransaction::CommitWithFlags(uint32_t flags) {
  DB_TXN* txn = handle();
  txn_ = nullptr;  // BDB frees the handle whether the commit worked or not
  int ret = txn->commit(txn, flags);
  return ret == 0 ? Status() : FromDbError(ret, "commit");
}

void BdbTransaction::Abort() {
  if (txn_ == nullptr) return;
  DB_TXN* txn = txn_;
  txn_ = nullptr;
  int ret = txn->abort(txn);
  if (ret != 0) log::Error("abort transaction: %s", db_strerror(ret));
}

BdbDatabase::BdbDatabase(BdbEnvironment* env, DB* db, std::string name)
    : env_(env), db_(db), name_(std::move(name)) {
  env_->AddHandle();
}

BdbDatabase::~BdbDatabase() {
  if (env_->OwnedByThisProcess()) {
    int ret = db_->close(db_, 0);
    if (ret != 0) log::Error("close %s: %s", name_.c_str(), db_strerror(ret));
  }
  env_->DropHandle();
}

Environment& BdbDatabase::environment() { return *env_; }

Result<std::string> BdbDatabase::Get(Transaction* txn, std::string_view key) {
  return Read(HandleOf(txn), key, 0);
}

Result<std::string> BdbDatabase::GetForUpdate(Transaction& txn, std::string_view key) {
  return Read(HandleOf(&txn), key, DB_RMW);
}

Result<std::string> BdbDatabase::Read(DB_TXN* txn, std::string_view key, uint32_t flags) {
  DBT k = BorrowedDbt(key);
  DBT v{};
  v.flags = DB_DBT_MALLOC;
  CallGuard guard(env_);
  int ret = db_->get(db_, txn, &k, &v, flags);
  if (ret != 0) return FromDbError(ret, What("get"));
  std::string value(static_cast<const char*>(v.data), v.size);
  free(v.data);
  return value;
}

Status BdbDatabase::Write(Transaction* txn, std::string_view key, std::string_view value,
                          uint32_t flags, const char* verb) {
  DBT k = BorrowedDbt(key);
  DBT v = BorrowedDbt(value);
  CallGuard guard(env_);
  int ret = db_->put(db_, HandleOf(txn), &k, &v, flags);
  return ret == 0 ? Status() : FromDbError(ret, What(verb));
}

Status BdbDatabase::Put(Transaction* txn, std::string_view key, std::string_view value) {
  return Write(txn, key, value, 0, "put");
}

Status BdbDatabase::Insert(Transaction* txn, std::string_view key, std::string_view value) {
  return Write(txn, key, value, DB_NOOVERWRITE, "insert");
}

Status BdbDatabase::Delete(Transaction* txn, std::string_view key) {
  DBT k = BorrowedDbt(key);
  CallGuard guard(env_);
  int ret = db_->del(db_, HandleOf(txn), &k, 0);
  return ret == 0 ? Status() : FromDbError(ret, What("delete"));
}

int BdbDatabase::Step(DBC* cursor, DBT* key, DBT* value, uint32_t flag) {
  CallGuard guard(env_);
  return cursor->get(cursor, key, value, flag);
}

Status BdbDatabase::ForEachWithPrefix(
    Transaction* txn, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  if (txn != nullptr) return ScanInTransaction(HandleOf(txn), prefix, visit);
  return ScanInBatches(prefix, visit);
}

// Inside a transaction the page locks belong to it anyway, so `visit` sees
// the cursor's own buffers.
Status BdbDatabase::ScanInTransaction(
    DB_TXN* txn, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  DBC* raw = nullptr;
  int ret = db_->cursor(db_, txn, &raw, 0);
  if (ret != 0) return FromDbError(ret, What("open cursor on"));
  CursorPtr cursor(raw);
  DBT k = BorrowedDbt(prefix);
  DBT v{};
  ret = Step(cursor.get(), &k, &v, prefix.empty() ? DB_FIRST : DB_SET_RANGE);
  while (ret == 0 && HasPrefix(ViewOf(k), prefix)) {
    if (!visit(ViewOf(k), ViewOf(v))) return Status();
    ret = Step(cursor.get(), &k, &v, DB_NEXT);
  }
  if (ret != 0 && ret != DB_NOTFOUND) return FromDbError(ret, What("scan"));
  return Status();
}

// Without a transaction, copy a batch, close the cursor (dropping its page
// locks), then call `visit`: a visitor that writes with autocommit must not
// wait on our own read lock.
Status BdbDatabase::ScanInBatches(
    std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  std::string resume_after;
  bool first_batch = true;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> batch;
    bool more = false;
    {
      DBC* raw = nullptr;
      int ret = db_->cursor(db_, nullptr, &raw, 0);
      if (ret != 0) return FromDbError(ret, What("open cursor on"));
      CursorPtr cursor(raw);
      std::string_view start = first_batch ? prefix : std::string_view(resume_after);
      DBT k = BorrowedDbt(start);
      DBT v{};
      ret = Step(cursor.get(), &k, &v, start.empty() ? DB_FIRST : DB_SET_RANGE);
      if (ret == 0 && !first_batch && ViewOf(k) == resume_after) {
        ret = Step(cursor.get(), &k, &v, DB_NEXT);
      }
      size_t bytes = 0;
      while (ret == 0 && HasPrefix(ViewOf(k), prefix)) {
        if (batch.size() >= kBatchEntries || bytes >= kBatchBytes) {
          more = true;
          break;
        }
        batch.emplace_back(std::string(ViewOf(k)), std::string(ViewOf(v)));
        bytes += k.size + v.size;
        ret = Step(cursor.get(), &k, &v, DB_NEXT);
      }
      if (ret != 0 && ret != DB_NOTFOUND) return FromDbError(ret, What("scan"));
    }
    for (const auto& [key, value] : batch) {
      if (!visit(key, value)) return Status();
    }
    if (!more) return Status();
    resume_after = batch.back().first;
    first_batch = false;
  }
}

}  // namespace internal

Status RunTransaction(Environment& env, const std::function<Status(Transaction&)>& body,
                      int attempts, Durability durability) {
  std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
  Status status;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      // A dead process may be what we waited for; then stagger the retries
      // so the two sides of a deadlock do not collide again.
      Status check = env.FailCheck();
      if (!check.ok()) return check;
      // Exponential, capped at about 100 ms, with full jitter.
      unsigned ceiling_ms = 1u << std::min(attempt, 7);
      ::usleep(static_cast<useconds_t>(1 + jitter() % ceiling_ms) * 1000);
    }
    Result<std::unique_ptr<Transaction>> txn = env.Begin();
    if (!txn.ok()) {
      status = txn.status();
    } else {
      status = body(**txn);
      if (status.ok()) {
        status = durability == Durability::kSync ? (*txn)->Commit() : (*txn)->CommitWithoutSync();
      }
    }
    if (status.ok() || !status.Is(Code::kTempFail)) return status;
    log::Debug("transaction attempt %d of %d failed: %s", attempt, attempts,
               status.ToString().c_str());
  }
  return status.WithContext("gave up after " + std::to_string(attempts) + " attempts");
}

}  // namespace satrap::db
