#include "mailbox/special_use.h"

#include "base/strings.h"
#include "mailbox/names.h"
#include "mailbox/store.h"

namespace satrap::mailbox {
namespace {

struct Attribute {
  std::string_view name;
  uint32_t bit;
};

constexpr Attribute kAttributes[] = {
    {"\\All", kUseAll},         {"\\Archive", kUseArchive}, {"\\Drafts", kUseDrafts},
    {"\\Flagged", kUseFlagged}, {"\\Junk", kUseJunk},       {"\\Sent", kUseSent},
    {"\\Trash", kUseTrash},
};

}  // namespace

Result<uint32_t> ParseSpecialUse(std::span<const std::string> names) {
  uint32_t uses = 0;
  for (const std::string& name : names) {
    bool known = false;
    for (const Attribute& a : kAttributes) {
      if (EqualsIgnoreCase(name, a.name)) {
        uses |= a.bit;
        known = true;
      }
    }
    if (!known) return Status::Invalid("unknown special-use attribute " + name);
  }
  return uses;
}

std::vector<std::string> SpecialUseNames(uint32_t uses) {
  std::vector<std::string> out;
  for (const Attribute& a : kAttributes) {
    if (uses & a.bit) out.emplace_back(a.name);
  }
  return out;
}

}  // namespace satrap::mailbox

// The Store's special-use operations (store.h).
namespace satrap::mailbox {

bool Store::MaySetSpecialUse(const acl::Identity& who, std::string_view name) const {
  if (who.is_admin) return true;
  if (who.anonymous || who.userid.empty()) return false;
  Result<std::string> inbox = UserInboxName(who.userid, options_.ns.virtdomains);
  return inbox.ok() && IsSameOrUnder(name, *inbox);
}

Status Store::SetSpecialUse(const acl::Identity& who, std::string_view name, uint32_t special_use) {
  if ((special_use & ~kUseMask) != 0) return Status::Invalid("unknown special-use bits");
  SATRAP_RETURN_IF_ERROR(LookupWithRights(who, name, acl::kLookup).status());
  if (!MaySetSpecialUse(who, name)) {
    return Status::NoPermission("only the owner or an admin sets special-use attributes");
  }
  // Read and write in one transaction: a RENAME or DELETE in between must
  // not bring the old entry back.
  return db::RunTransaction(*env_, [&](db::Transaction& txn) -> Status {
    SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, mboxlist_->Lookup(&txn, name));
    if (entry.type & kTypeReserved) return Status::NotFound("no such mailbox");
    entry.type = TypeWithSpecialUse(entry.type, special_use);
    return mboxlist_->Put(&txn, entry);
  });
}

}  // namespace satrap::mailbox
