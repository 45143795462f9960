#include "lmtpd/duplicate.h"

#include "base/strings.h"
#include "log/log.h"

namespace satrap::lmtpd {

std::string DuplicateDb::Key(std::string_view message_id, std::string_view mailbox) {
  std::string key(message_id);
  key.push_back('\0');
  key.append(mailbox);
  return key;
}

bool DuplicateDb::Seen(std::string_view message_id, std::string_view mailbox) {
  Result<std::string> value = db_->Get(nullptr, Key(message_id, mailbox));
  if (value.ok()) return true;
  if (!value.status().Is(Code::kNotFound)) {
    log::Warning("duplicate check failed, delivering anyway: %s",
                 value.status().ToString().c_str());
  }
  return false;
}

Status DuplicateDb::Record(std::string_view message_id, const std::vector<std::string>& mailboxes,
                           int64_t now) {
  if (mailboxes.empty()) return Status();
  const std::string value = std::to_string(now);
  // Not synced: the copies are already durable and acknowledged by then, and
  // a record lost to a power cut can only let one duplicate through, so it
  // is not worth an fsync per delivery (about 40% of LMTP throughput).
  return db::RunTransaction(
      *env_,
      [&](db::Transaction& txn) {
        for (const std::string& mailbox : mailboxes) {
          SATRAP_RETURN_IF_ERROR(db_->Put(&txn, Key(message_id, mailbox), value));
        }
        return Status();
      },
      /*attempts=*/16, db::Durability::kWithoutSync);
}

Result<uint64_t> DuplicateDb::Prune(int64_t cutoff, uint64_t* kept) {
  // Collect first, delete after: deleting inside the scan would hold the
  // cursor's page locks against our own writes (kv.h).
  std::vector<std::string> old_keys;
  uint64_t total = 0;
  SATRAP_RETURN_IF_ERROR(
      db_->ForEachWithPrefix(nullptr, "", [&](std::string_view key, std::string_view value) {
        ++total;
        std::optional<int64_t> when = ParseInt64(value);
        if (!when.has_value() || *when <= cutoff) old_keys.emplace_back(key);
        return true;
      }));
  // Batches keep each transaction short, as kv.h asks.
  constexpr size_t kBatch = 500;
  for (size_t start = 0; start < old_keys.size(); start += kBatch) {
    SATRAP_RETURN_IF_ERROR(db::RunTransaction(*env_, [&](db::Transaction& txn) {
      for (size_t i = start; i < old_keys.size() && i < start + kBatch; ++i) {
        Status status = db_->Delete(&txn, old_keys[i]);
        if (!status.ok() && !status.Is(Code::kNotFound)) return status;
      }
      return Status();
    }));
  }
  if (kept != nullptr) *kept = total - old_keys.size();
  return static_cast<uint64_t>(old_keys.size());
}

}  // namespace satrap::lmtpd
