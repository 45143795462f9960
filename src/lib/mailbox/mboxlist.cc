#include "mailbox/mboxlist.h"

#include "base/strings.h"
#include "mailbox/names.h"

namespace satrap::mailbox {

std::string EncodeMailboxEntry(const MailboxEntry& e) {
  return std::to_string(e.type) + " " + e.partition + " " + e.uniqueid + " " + e.acl;
}

Result<MailboxEntry> DecodeMailboxEntry(std::string_view name, std::string_view value) {
  MailboxEntry e;
  e.name = std::string(name);
  std::string_view fields[3];
  for (std::string_view& field : fields) {
    size_t space = value.find(' ');
    if (space == std::string_view::npos) return Status::Corrupt("mailboxes.db: bad entry for " + e.name);
    field = value.substr(0, space);
    value.remove_prefix(space + 1);
  }
  std::optional<uint64_t> type = ParseUint64(fields[0]);
  if (!type || *type > UINT32_MAX || fields[1].empty()) {
    return Status::Corrupt("mailboxes.db: bad entry for " + e.name);
  }
  e.type = static_cast<uint32_t>(*type);
  e.partition = std::string(fields[1]);
  e.uniqueid = std::string(fields[2]);
  e.acl = std::string(value);
  return e;
}

std::string FormatDumpLine(const MailboxEntry& e) { return e.name + "\t" + e.partition + "\t" + e.acl; }

Result<MailboxEntry> ParseDumpLine(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  size_t first = line.find('\t');
  size_t second = first == std::string_view::npos ? first : line.find('\t', first + 1);
  if (second == std::string_view::npos) return Status::Invalid("expected name<TAB>partition<TAB>acl");
  MailboxEntry e;
  e.name = std::string(line.substr(0, first));
  e.partition = std::string(line.substr(first + 1, second - first - 1));
  e.acl = std::string(line.substr(second + 1));
  SATRAP_RETURN_IF_ERROR(ValidateName(e.name));
  if (e.partition.empty() || e.partition.find(' ') != std::string::npos) {
    return Status::Invalid("bad partition name");
  }
  return e;
}

Result<MailboxEntry> MailboxList::Lookup(db::Transaction* txn, std::string_view name) {
  SATRAP_ASSIGN_OR_RETURN(std::string value, db_->Get(txn, name));
  return DecodeMailboxEntry(name, value);
}

Status MailboxList::Insert(db::Transaction* txn, const MailboxEntry& entry) {
  return db_->Insert(txn, entry.name, EncodeMailboxEntry(entry));
}

Status MailboxList::Put(db::Transaction* txn, const MailboxEntry& entry) {
  return db_->Put(txn, entry.name, EncodeMailboxEntry(entry));
}

Status MailboxList::Remove(db::Transaction* txn, std::string_view name) {
  return db_->Delete(txn, name);
}

Status MailboxList::ForEach(db::Transaction* txn, std::string_view prefix,
                            const std::function<bool(const MailboxEntry&)>& visit) {
  Status decode_error;
  Status status = db_->ForEachWithPrefix(
      txn, prefix, [&](std::string_view key, std::string_view value) {
        Result<MailboxEntry> entry = DecodeMailboxEntry(key, value);
        if (!entry.ok()) {
          decode_error = entry.status();
          return false;
        }
        return visit(*entry);
      });
  SATRAP_RETURN_IF_ERROR(status);
  return decode_error;
}

Result<std::vector<MailboxEntry>> MailboxList::Subtree(db::Transaction* txn,
                                                       std::string_view name) {
  std::vector<MailboxEntry> out;
  Result<MailboxEntry> self = Lookup(txn, name);
  if (self.ok()) {
    out.push_back(*self);
  } else if (!self.status().Is(Code::kNotFound)) {
    return self.status();
  }
  SATRAP_RETURN_IF_ERROR(ForEach(txn, std::string(name) + kSeparator, [&](const MailboxEntry& e) {
    out.push_back(e);
    return true;
  }));
  return out;
}

Result<bool> MailboxList::HasChildren(db::Transaction* txn, std::string_view name) {
  bool found = false;
  SATRAP_RETURN_IF_ERROR(ForEach(txn, std::string(name) + kSeparator, [&](const MailboxEntry&) {
    found = true;
    return false;
  }));
  return found;
}

}  // namespace satrap::mailbox
