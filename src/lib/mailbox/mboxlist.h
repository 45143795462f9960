// mailboxes.db: the list of every mailbox, in the Berkeley DB environment.
//
// Key: the internal name (names.h). Value, one line of text:
//   <type> SP <partition> SP <uniqueid> SP <acl>
// where <acl> is the Cyrus ACL string ("alice<TAB>lrswipkxtecda<TAB>...") kept
// verbatim for acl:: to parse. Keys sort bytewise, so the children of X are
// exactly the keys starting with "X." (a prefix scan).
//
// Every function takes the caller's transaction (nullptr: autocommit), so a
// create, delete or rename of a whole subtree commits or vanishes as one.
// This layer checks no rights and touches no files: store.h does both, and
// keeps the lock order (mailbox index lock -> db transaction, never reverse).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/kv.h"

namespace satrap::mailbox {

inline constexpr const char* kMailboxesDb = "mailboxes.db";

// Mailbox types (bits).
inline constexpr uint32_t kTypeReserved = 1u << 0;  // being created; invisible to LIST/SELECT
// Bits 8-14: the special-use attributes (special_use.h); older entries have 0.

struct MailboxEntry {
  std::string name;
  uint32_t type = 0;
  std::string partition;
  std::string uniqueid;
  std::string acl;
  bool operator==(const MailboxEntry&) const = default;
};

std::string EncodeMailboxEntry(const MailboxEntry& entry);
// kCorrupt on a malformed value.
Result<MailboxEntry> DecodeMailboxEntry(std::string_view name, std::string_view value);

// ctl_mboxlist -d / -u text form: name<TAB>partition<TAB>acl, acl verbatim,
// so dump -> undump -> dump is byte-for-byte the same.
std::string FormatDumpLine(const MailboxEntry& entry);
// kInvalid for a line without the two tabs or with an invalid name.
Result<MailboxEntry> ParseDumpLine(std::string_view line);

class MailboxList {
 public:
  // `db` is mailboxes.db; borrowed, must outlive this object.
  explicit MailboxList(db::Database* db) : db_(db) {}

  // kNotFound when absent.
  Result<MailboxEntry> Lookup(db::Transaction* txn, std::string_view name);
  // kExists when the name is taken.
  Status Insert(db::Transaction* txn, const MailboxEntry& entry);
  // Creates or replaces.
  Status Put(db::Transaction* txn, const MailboxEntry& entry);
  // kNotFound when absent.
  Status Remove(db::Transaction* txn, std::string_view name);
  // Every entry whose name starts with `prefix`, in key order, until `visit`
  // returns false. kCorrupt if a value does not decode.
  Status ForEach(db::Transaction* txn, std::string_view prefix,
                 const std::function<bool(const MailboxEntry&)>& visit);
  // `name` and every mailbox beneath it, in key order.
  Result<std::vector<MailboxEntry>> Subtree(db::Transaction* txn, std::string_view name);
  // True when some mailbox lies strictly beneath `name`.
  Result<bool> HasChildren(db::Transaction* txn, std::string_view name);

 private:
  db::Database* db_;
};

}  // namespace satrap::mailbox
