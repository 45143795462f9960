// GETQUOTAROOT / GETQUOTA / SETQUOTA (RFC 2087, RFC 9208) and `quota -f`.
#include "base/strings.h"
#include "mailbox/names.h"
#include "mailbox/store.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

Result<std::optional<quota::QuotaRoot>> Store::QuotaRootOf(const acl::Identity& who,
                                                           std::string_view name) {
  // As Cyrus's cmd_getquotaroot: admins need no right, only an existing
  // mailbox (cyradm `lqr` on any user's folder).
  SATRAP_RETURN_IF_ERROR(
      LookupWithRights(who, name, who.is_admin ? acl::Rights() : acl::kRead).status());
  return quotas_->FindRoot(nullptr, name);
}

Result<quota::QuotaRoot> Store::GetQuota(const acl::Identity& who, std::string_view root) {
  SATRAP_RETURN_IF_ERROR(ValidateName(root));
  if (!who.is_admin) {
    Result<std::string> inbox = UserInboxName(who.userid, options_.ns.virtdomains);
    if (who.anonymous || !inbox.ok() || !IsSameOrUnder(root, *inbox)) {
      return Status::NotFound("no such quota root");
    }
  }
  return quotas_->Get(nullptr, root);
}

// Usage of every mailbox `root` governs: those at or under it whose nearest
// root is `root` itself (read with the roots as they are in `txn`).
static Result<std::pair<uint64_t, uint64_t>> CountUsage(Store& store, db::Transaction* txn,
                                                        std::string_view root) {
  uint64_t bytes = 0, messages = 0;
  SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> subtree, store.mboxlist().Subtree(txn, root));
  for (const MailboxEntry& e : subtree) {
    SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> governing,
                            store.quotas().FindRoot(txn, e.name));
    if (!governing || governing->root != root) continue;
    SATRAP_ASSIGN_OR_RETURN(std::string folder, store.FolderOf(e));
    SATRAP_ASSIGN_OR_RETURN(UniqueFd dir, OpenFolder(folder));
    SATRAP_ASSIGN_OR_RETURN(IndexSnapshot snapshot, ReadIndexOf(dir.get()));
    bytes += snapshot.header.quota_used;
    messages += snapshot.header.exists;
  }
  return std::make_pair(bytes, messages);
}

Status Store::SetQuota(const acl::Identity& who, std::string_view root, int64_t storage_kb,
                       int64_t messages) {
  if (!who.is_admin) return Status::NoPermission("only admins set quotas");
  SATRAP_RETURN_IF_ERROR(ValidateName(root));
  if (storage_kb < quota::kUnlimited || messages < quota::kUnlimited) {
    return Status::Invalid("negative quota limit");
  }
  if (storage_kb == quota::kUnlimited && messages == quota::kUnlimited) {
    Status removed = quotas_->Remove(nullptr, root);
    return removed.Is(Code::kNotFound) ? Status::Ok() : removed;
  }
  Result<quota::QuotaRoot> existing = quotas_->Get(nullptr, root);
  if (existing.ok()) {
    existing->storage_limit_kb = storage_kb;
    existing->message_limit = messages;
    return quotas_->Put(nullptr, *existing);
  }
  quota::QuotaRoot fresh{std::string(root), 0, storage_kb, 0, messages};
  SATRAP_RETURN_IF_ERROR(quotas_->Put(nullptr, fresh));
  // A new root takes over the usage of the mailboxes it now governs from
  // their previous root: recount both exactly.
  Result<std::vector<quota::QuotaRoot>> fixed = FixQuotas("");
  return fixed.status();
}

Result<std::optional<QuotaFix>> Store::RecountQuotaRoot(std::string_view root, bool dry_run) {
  SATRAP_ASSIGN_OR_RETURN(quota::QuotaRoot recorded, quotas_->Get(nullptr, root));
  SATRAP_ASSIGN_OR_RETURN(auto usage, CountUsage(*this, nullptr, root));
  if (usage.first == recorded.used_bytes && usage.second == recorded.used_messages) {
    return std::optional<QuotaFix>();
  }
  QuotaFix fix{recorded, usage.first, usage.second};
  if (dry_run) return std::optional<QuotaFix>(fix);
  SATRAP_RETURN_IF_ERROR(db::RunTransaction(*env_, [&](db::Transaction& txn) -> Status {
    SATRAP_ASSIGN_OR_RETURN(quota::QuotaRoot current, quotas_->Get(&txn, root));
    current.used_bytes = usage.first;
    current.used_messages = usage.second;
    return quotas_->Put(&txn, current);
  }));
  return std::optional<QuotaFix>(fix);
}

Result<std::vector<quota::QuotaRoot>> Store::FixQuotas(std::string_view prefix) {
  std::vector<quota::QuotaRoot> roots;
  SATRAP_RETURN_IF_ERROR(quotas_->ForEach(nullptr, prefix, [&](const quota::QuotaRoot& r) {
    roots.push_back(r);
    return true;
  }));
  std::vector<quota::QuotaRoot> changed;
  for (const quota::QuotaRoot& r : roots) {
    SATRAP_ASSIGN_OR_RETURN(std::optional<QuotaFix> fix, RecountQuotaRoot(r.root, false));
    if (fix) changed.push_back(fix->before);
  }
  return changed;
}

}  // namespace satrap::mailbox
