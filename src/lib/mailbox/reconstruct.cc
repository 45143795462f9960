// reconstruct: choosing the mailboxes, the mailboxes.db-level repairs and
// the quota recount (reconstruct.h).
#include "mailbox/reconstruct.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "mailbox/header_file.h"
#include "mailbox/names.h"
#include "mailbox/reconstruct_internal.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

namespace {

// The entries named (with their subtrees when recursive), in key order.
Result<std::vector<MailboxEntry>> Targets(Store& store, std::span<const std::string> names,
                                          bool recursive, ReconstructReport* report) {
  std::vector<MailboxEntry> out;
  if (names.empty()) {
    SATRAP_RETURN_IF_ERROR(store.mboxlist().ForEach(nullptr, "", [&](const MailboxEntry& e) {
      out.push_back(e);
      return true;
    }));
    return out;
  }
  for (const std::string& name : names) {
    if (Status valid = ValidateName(name); !valid.ok()) {
      report->errors.push_back(name + ": " + valid.ToString());
      continue;
    }
    if (recursive) {
      SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> subtree,
                              store.mboxlist().Subtree(nullptr, name));
      out.insert(out.end(), subtree.begin(), subtree.end());
      continue;
    }
    Result<MailboxEntry> entry = store.mboxlist().Lookup(nullptr, name);
    if (entry.ok()) {
      out.push_back(*entry);
    } else if (!entry.status().Is(Code::kNotFound)) {
      return entry.status();
    }
  }
  return out;
}

// A CREATE that died after reserving its name: it was never acknowledged,
// so it is rolled back with whatever folder it had begun.
Status RollBackCreate(Store& store, const MailboxEntry& entry, bool dry_run,
                      std::vector<std::string>* changes) {
  changes->push_back(entry.name + ": entry left reserved by an interrupted CREATE: rolled back");
  if (dry_run) return Status::Ok();
  SATRAP_ASSIGN_OR_RETURN(std::string folder, store.FolderOf(entry));
  if (Result<UniqueFd> dir = OpenFolder(folder); dir.ok()) {
    Result<MailboxHeader> header = ReadMailboxHeader(dir->get());
    if (!header.ok() || header->uniqueid == entry.uniqueid) {
      SATRAP_RETURN_IF_ERROR(RemoveFolderContents(folder));
    }
  }
  Status removed = store.mboxlist().Remove(nullptr, entry.name);
  return removed.Is(Code::kNotFound) ? Status::Ok() : removed;
}

// One mailbox: its entry and folder.
Status ReconstructOne(Store& store, const MailboxEntry& entry, bool dry_run,
                      ReconstructReport* report) {
  std::vector<std::string>* changes = &report->changes;
  if (entry.type & kTypeReserved) return RollBackCreate(store, entry, dry_run, changes);
  SATRAP_ASSIGN_OR_RETURN(FolderOutcome outcome,
                          RebuildFolder(store, entry, dry_run, changes, &report->cleanups));
  if (!outcome.deleted) return Status::Ok();
  changes->push_back(entry.name + ": index marked deleted (interrupted DELETE): finished");
  if (dry_run) return Status::Ok();
  return RepairAccess::DeleteOne(store, entry, IsUserInbox(entry.name));
}

// Recounts the quota roots governing `names`.
void FixRoots(Store& store, const std::set<std::string>& roots, bool dry_run,
              ReconstructReport* report) {
  for (const std::string& root : roots) {
    Result<std::optional<QuotaFix>> fix = store.RecountQuotaRoot(root, dry_run);
    if (!fix.ok()) {
      if (!fix.status().Is(Code::kNotFound)) {
        report->errors.push_back("quota root " + root + ": " + fix.status().ToString());
      }
      continue;
    }
    if (!*fix) continue;
    const QuotaFix& f = **fix;
    // Usage above the count is the charge of an operation that died before
    // its commit (appends charge first): releasing it is a cleanup. Usage
    // below the count would let a user past the limit: a repair.
    const bool overcharge =
        f.used_bytes <= f.before.used_bytes && f.used_messages <= f.before.used_messages;
    (overcharge ? report->cleanups : report->changes).push_back(StringPrintf(
        "quota root %s: usage %llu bytes in %llu messages, was %llu in %llu", root.c_str(),
        static_cast<unsigned long long>(f.used_bytes),
        static_cast<unsigned long long>(f.used_messages),
        static_cast<unsigned long long>(f.before.used_bytes),
        static_cast<unsigned long long>(f.before.used_messages)));
  }
}

}  // namespace

Result<ReconstructReport> Reconstruct(Store& store, std::span<const std::string> names,
                                      const ReconstructOptions& options) {
  ReconstructReport report;
  SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> targets,
                          Targets(store, names, options.recursive, &report));
  std::vector<std::string> rebuild;
  if (options.find_folders) {
    FindFolders(store, names, options.dry_run, &report, &rebuild);
    for (const std::string& name : rebuild) {
      Result<MailboxEntry> entry = store.mboxlist().Lookup(nullptr, name);
      if (entry.ok()) targets.push_back(*entry);
    }
  }
  std::sort(targets.begin(), targets.end(),
            [](const MailboxEntry& a, const MailboxEntry& b) { return a.name < b.name; });
  targets.erase(std::unique(targets.begin(), targets.end(),
                            [](const MailboxEntry& a, const MailboxEntry& b) {
                              return a.name == b.name;
                            }),
                targets.end());
  for (const std::string& name : names) {
    auto found = std::find_if(targets.begin(), targets.end(),
                              [&](const MailboxEntry& e) { return e.name == name; });
    if (found == targets.end() && ValidateName(name).ok()) {
      report.errors.push_back(name + ": no such mailbox");
    }
  }
  std::set<std::string> roots;
  for (const MailboxEntry& entry : targets) {
    if (auto root = store.quotas().FindRoot(nullptr, entry.name); root.ok() && *root) {
      roots.insert((*root)->root);
    }
    const size_t before = report.changes.size();
    Status done = ReconstructOne(store, entry, options.dry_run, &report);
    if (!done.ok()) {
      report.errors.push_back(entry.name + ": " + done.ToString());
    } else if (report.changes.size() == before &&
               std::find(rebuild.begin(), rebuild.end(), entry.name) == rebuild.end()) {
      report.consistent.push_back(entry.name);
    }
  }
  FixRoots(store, roots, options.dry_run, &report);
  return report;
}

}  // namespace satrap::mailbox
