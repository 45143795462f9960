// Duplicate delivery suppression (imapd.conf `duplicatesuppression`):
// deliver.db remembers which Message-ID went to which mailbox, so a message
// the MTA sends twice (a retry after a lost 250, a list expanding to the
// same person twice) is filed once.
//
// deliver.db lives in the shared Berkeley DB environment
// (configdirectory/db). Key: message-id NUL mailbox (internal name). Value:
// the delivery time, decimal unix seconds, which `cyr_expire -E days`
// (ctl_deliver -E) uses to prune old entries.
//
// Ordering: lmtpd records a delivery only after the store has made it
// durable, so a crash in between can at worst deliver a message twice,
// never lose one. Record() puts every mailbox of one message in one
// transaction: one log sync per message, not per recipient.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/kv.h"

namespace satrap::lmtpd {

inline constexpr const char* kDeliverDb = "deliver.db";

class DuplicateDb {
 public:
  // Both borrowed; they must outlive this object.
  DuplicateDb(db::Environment* env, db::Database* db) : env_(env), db_(db) {}

  // True when `message_id` was already delivered to `mailbox`. A database
  // error counts as "not seen" (and is logged): a duplicate is better than a
  // lost message.
  bool Seen(std::string_view message_id, std::string_view mailbox);
  // Marks `message_id` delivered to each of `mailboxes` at `now`.
  Status Record(std::string_view message_id, const std::vector<std::string>& mailboxes,
                int64_t now);
  // Removes entries recorded at or before `cutoff` (unix seconds). Returns how many
  // were removed and sets `*kept` to how many remain.
  Result<uint64_t> Prune(int64_t cutoff, uint64_t* kept);

  static std::string Key(std::string_view message_id, std::string_view mailbox);

 private:
  db::Environment* env_;
  db::Database* db_;
};

}  // namespace satrap::lmtpd
