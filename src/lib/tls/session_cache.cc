// tls_sessions.db entries: encoding, lookup with expiry, pruning.
#include "tls/session_cache.h"

#include <vector>

namespace satrap::tls {
namespace {

constexpr size_t kExpiryBytes = 8;

}  // namespace

std::string EncodeSessionEntry(int64_t expiry, std::string_view der) {
  std::string value(kExpiryBytes, '\0');
  auto bits = static_cast<uint64_t>(expiry);
  for (size_t i = 0; i < kExpiryBytes; ++i) {
    value[kExpiryBytes - 1 - i] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  value.append(der);
  return value;
}

bool DecodeSessionEntry(std::string_view value, int64_t* expiry, std::string_view* der) {
  if (value.size() < kExpiryBytes) return false;
  uint64_t bits = 0;
  for (size_t i = 0; i < kExpiryBytes; ++i) bits = (bits << 8) | static_cast<uint8_t>(value[i]);
  *expiry = static_cast<int64_t>(bits);
  *der = value.substr(kExpiryBytes);
  return true;
}

Status SessionCache::Store(std::string_view id, std::string_view der, int64_t now) {
  // A cache: losing an entry to a power cut only costs one full handshake,
  // so it is not worth an fsync on every new TLS session.
  const std::string value = EncodeSessionEntry(now + timeout_.count(), der);
  return db::RunTransaction(
      db_->environment(), [&](db::Transaction& txn) { return db_->Put(&txn, id, value); },
      /*attempts=*/4, db::Durability::kWithoutSync);
}

Result<std::string> SessionCache::Lookup(std::string_view id, int64_t now) {
  SATRAP_ASSIGN_OR_RETURN(std::string value, db_->Get(nullptr, id));
  int64_t expiry;
  std::string_view der;
  if (!DecodeSessionEntry(value, &expiry, &der) || expiry <= now || der.empty()) {
    (void)db_->Delete(nullptr, id);  // somebody else may have deleted it already
    return Status::NotFound("TLS session expired");
  }
  return std::string(der);
}

Status SessionCache::Remove(std::string_view id) { return db_->Delete(nullptr, id); }

Result<int> PruneExpiredSessions(db::Database& db, int64_t now, int* total) {
  // Collect first, delete after: deleting from inside the scan would fight
  // the scan's own cursor.
  std::vector<std::string> dead;
  int seen = 0;
  SATRAP_RETURN_IF_ERROR(
      db.ForEachWithPrefix(nullptr, "", [&](std::string_view key, std::string_view value) {
        ++seen;
        int64_t expiry;
        std::string_view der;
        if (!DecodeSessionEntry(value, &expiry, &der) || expiry <= now) dead.emplace_back(key);
        return true;
      }));
  if (total != nullptr) *total = seen;
  int deleted = 0;
  for (const std::string& key : dead) {
    Status status = db.Delete(nullptr, key);
    if (status.ok()) {
      ++deleted;
    } else if (!status.Is(Code::kNotFound)) {  // a worker beat us to it: fine
      return status;
    }
  }
  return deleted;
}

}  // namespace satrap::tls
