// Quotas: limits on a mailbox hierarchy (003 seed, "Quotas").
//
// A quota root is a mailbox name with limits; a mailbox counts against its
// nearest root, itself or the closest ancestor that has one ("a quota
// descends the folder hierarchy until another quota is encountered"). With
// roots on user.adam and user.adam.subsys, user.adam.subsys.* counts against
// user.adam.subsys and user.adam.klug against user.adam.
//
// quota.db (in the Berkeley DB environment) maps the root's name to
//   <used bytes> SP <STORAGE limit KiB or -1> SP <used messages> SP <MESSAGE limit or -1>
// Indexes and other overhead are not counted, only message sizes (RFC 2087
// STORAGE is in units of 1024 octets).
//
// Two checks (the seed's "Quota Details"; RFC 2087/9208):
//   kStrict   (IMAP APPEND/COPY/MOVE): refuse when the new messages would take
//             the root over a limit.
//   kDelivery (LMTP): a root not yet at or over its limit accepts a message of
//             any size; a root at or over refuses, and the MTA retries later
//             (temporary failure, 452 4.2.2).
// Both return kOverQuota. Usage changes go through Apply() inside the
// caller's transaction, which mailbox/ runs while holding the mailbox index
// lock (lock order: index lock -> quota.db transaction).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "db/kv.h"

namespace satrap::quota {

inline constexpr const char* kQuotaDb = "quota.db";
inline constexpr int64_t kUnlimited = -1;

struct QuotaRoot {
  std::string root;
  uint64_t used_bytes = 0;
  int64_t storage_limit_kb = kUnlimited;
  uint64_t used_messages = 0;
  int64_t message_limit = kUnlimited;
  bool operator==(const QuotaRoot&) const = default;
};

// kNone: charge without checking, for moves inside one root (renaming INBOX
// moves its messages to a new folder under the same root: net zero).
enum class QuotaCheck { kStrict, kDelivery, kNone };

std::string EncodeQuotaRoot(const QuotaRoot& root);
Result<QuotaRoot> DecodeQuotaRoot(std::string_view root, std::string_view value);

// kOverQuota when adding `bytes` in `messages` new messages to `root` is
// refused by `check` (see the header comment); OK otherwise.
Status CheckQuota(const QuotaRoot& root, uint64_t bytes, uint64_t messages, QuotaCheck check);

// True when usage is at or above `percent` % of a limit (imapd.conf
// quotawarn), so clients should be warned.
bool ShouldWarn(const QuotaRoot& root, int percent);
// The same with quotawarnkb / quotawarnmsg: a resource warns only while less
// than `warn_kb` KiB (fewer than `warn_messages` messages) remain below its
// limit; 0 means no such floor.
bool ShouldWarn(const QuotaRoot& root, int percent, int64_t warn_kb, int64_t warn_messages);

// Names that could be the quota root of `mailbox`, nearest first:
// "user.adam.subsys.gnome", "user.adam.subsys", "user.adam", "user". The
// domain prefix ("d!") is kept on each.
std::vector<std::string> CandidateRoots(std::string_view mailbox);

class QuotaDb {
 public:
  // `db` is quota.db, borrowed.
  explicit QuotaDb(db::Database* db) : db_(db) {}

  // kNotFound when `root` has no quota.
  Result<QuotaRoot> Get(db::Transaction* txn, std::string_view root);
  Status Put(db::Transaction* txn, const QuotaRoot& root);
  Status Remove(db::Transaction* txn, std::string_view root);
  // The nearest root of `mailbox`, or nullopt when none governs it.
  Result<std::optional<QuotaRoot>> FindRoot(db::Transaction* txn, std::string_view mailbox);
  // Adds the (possibly negative) deltas to `root`'s usage, clamping at 0.
  // kNotFound when the root vanished.
  Status Apply(db::Transaction* txn, std::string_view root, int64_t delta_bytes,
               int64_t delta_messages);
  // Every root whose name starts with `prefix`, in order.
  Status ForEach(db::Transaction* txn, std::string_view prefix,
                 const std::function<bool(const QuotaRoot&)>& visit);

 private:
  db::Database* db_;
};

}  // namespace satrap::quota
