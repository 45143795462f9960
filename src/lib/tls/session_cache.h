// The TLS session cache in tls_sessions.db, shared by every worker process.
//
// Each worker serves a few clients and then exits, so OpenSSL's in-memory
// cache would almost never be hit; like Cyrus we keep sessions in the
// database instead: key = session id (binary), value = 8-byte big-endian
// expiry time (Unix seconds) followed by the DER-encoded session. TLS 1.2
// resumes by session id; TLS 1.3 resumes through stateful tickets, which
// OpenSSL looks up by the same id, so both go through this one store and
// no ticket key has to be shared between processes.
//
// Every operation is one autocommitted database operation: a lost write only
// costs a full handshake later. Entries live until their expiry; tls_prune
// (PruneExpiredSessions) removes the dead ones, and a Lookup() that finds an
// expired entry removes it too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "db/kv.h"

namespace satrap::tls {

// Value layout helpers (exposed for tests and tls_prune).
std::string EncodeSessionEntry(int64_t expiry, std::string_view der);
// False when `value` is too short to hold the expiry.
bool DecodeSessionEntry(std::string_view value, int64_t* expiry, std::string_view* der);

class SessionCache {
 public:
  // Borrows `db`, which must outlive the cache.
  SessionCache(db::Database* db, std::chrono::seconds timeout) : db_(db), timeout_(timeout) {}

  // Stores `der` under `id`, expiring `timeout` after `now` (Unix seconds).
  Status Store(std::string_view id, std::string_view der, int64_t now);
  // The DER of a live session; kNotFound when absent or expired (an expired
  // or unreadable entry is deleted on the way).
  Result<std::string> Lookup(std::string_view id, int64_t now);
  // kNotFound when absent.
  Status Remove(std::string_view id);

  std::chrono::seconds timeout() const { return timeout_; }

 private:
  db::Database* db_;
  std::chrono::seconds timeout_;
};

// tls_prune: deletes every entry whose expiry is at or before `now` (and
// every entry too short to decode). Returns how many were deleted; `total`,
// when given, receives how many entries there were before.
Result<int> PruneExpiredSessions(db::Database& db, int64_t now, int* total = nullptr);

}  // namespace satrap::tls
