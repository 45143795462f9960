// reconstruct -f: folders on disk matched to mailboxes.db (reconstruct.h),
// and the small file helpers the other reconstruct files share.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/header_file.h"
#include "mailbox/index_file.h"
#include "mailbox/reconstruct_internal.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

bool ParseMessageFileName(std::string_view name, uint32_t* uid) {
  if (name.size() < 2 || name.size() > 11 || name.back() != '.' || name[0] == '0') return false;
  uint64_t value = 0;
  for (char c : name.substr(0, name.size() - 1)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value == 0 || value > UINT32_MAX) return false;
  *uid = static_cast<uint32_t>(value);
  return true;
}

namespace {

// The pid in "<prefix><pid><end>...", or 0.
pid_t PidAfter(std::string_view name, std::string_view prefix, char end) {
  if (name.substr(0, prefix.size()) != prefix) return 0;
  pid_t pid = 0;
  size_t i = prefix.size();
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && pid < 100000000; ++i) {
    pid = pid * 10 + (name[i] - '0');
  }
  return i < name.size() && name[i] == end ? pid : 0;
}

bool IsDead(pid_t pid) { return pid > 0 && ::kill(pid, 0) < 0 && errno == ESRCH; }

}  // namespace

bool IsDeadTempFile(std::string_view name) {
  for (std::string_view prefix : {".satrap-append-", ".satrap-copy-"}) {
    if (pid_t pid = PidAfter(name, prefix, '-')) return IsDead(pid);
  }
  if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") {
    for (std::string_view prefix : {"cyrus.index.", "cyrus.header.", "cyrus.cache."}) {
      if (pid_t pid = PidAfter(name, prefix, '.')) return IsDead(pid);
    }
  }
  return false;
}

Status RemoveFolderContents(const std::string& folder) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) return Status::FromErrno("opendir " + folder, errno);
  std::vector<std::string> victims;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    uint32_t uid = 0;
    if (ParseMessageFileName(name, &uid) || name.substr(0, 6) == "cyrus." ||
        name.substr(0, 8) == ".satrap-") {
      victims.emplace_back(name);
    }
  }
  ::closedir(dir);
  // cyrus.header last: until it goes, -f still recognises the folder.
  std::sort(victims.begin(), victims.end(), [](const std::string& a, const std::string& b) {
    return (a == kHeaderFileName) < (b == kHeaderFileName) ||
           ((a == kHeaderFileName) == (b == kHeaderFileName) && a < b);
  });
  for (const std::string& v : victims) {
    if (::unlink(JoinPath(folder, v).c_str()) < 0 && errno != ENOENT) {
      return Status::FromErrno("unlink " + JoinPath(folder, v), errno);
    }
  }
  if (::rmdir(folder.c_str()) < 0 && errno != ENOTEMPTY && errno != EEXIST) {
    return Status::FromErrno("rmdir " + folder, errno);
  }
  return Status::Ok();
}

namespace {

// The sub-folders of `path`.
std::vector<std::string> SubFolders(const std::string& path) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return out;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    std::string child = JoinPath(path, name);
    if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(child);
  }
  ::closedir(dir);
  return out;
}

bool TreeHasHeader(const std::string& path, int depth) {
  if (depth > 64 || PathExists(JoinPath(path, kHeaderFileName))) return true;
  for (const std::string& child : SubFolders(path)) {
    if (TreeHasHeader(child, depth + 1)) return true;
  }
  return false;
}

Status RemoveTree(const std::string& path) {
  for (const std::string& child : SubFolders(path)) SATRAP_RETURN_IF_ERROR(RemoveTree(child));
  return RemoveFolderContents(path);
}

}  // namespace

Status RemoveHeaderlessTree(const std::string& path) {
  if (!PathExists(path)) return Status::Ok();
  if (TreeHasHeader(path, 0)) return Status::Exists("folder " + path + " exists");
  return RemoveTree(path);
}

namespace {

struct Found {
  std::string path;
  std::string partition;
};

// Every folder at or beneath `path` that holds a cyrus.header, parents first.
void Walk(const std::string& path, const std::string& partition, int depth,
          std::vector<Found>* found) {
  if (depth > 64) return;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> children;
  bool has_header = false;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == kHeaderFileName) has_header = true;
    if (name.empty() || name[0] == '.') continue;
    struct stat st;
    std::string child = JoinPath(path, name);
    if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) children.push_back(child);
  }
  ::closedir(dir);
  if (has_header) found->push_back({path, partition});
  std::sort(children.begin(), children.end());
  for (const std::string& child : children) Walk(child, partition, depth + 1, found);
}

class FolderFinder {
 public:
  FolderFinder(Store& store, bool dry_run, ReconstructReport* report,
               std::vector<std::string>* rebuild)
      : store_(store), dry_run_(dry_run), report_(report), rebuild_(rebuild) {}

  Status LoadUniqueIds() {
    return store_.mboxlist().ForEach(nullptr, "", [&](const MailboxEntry& e) {
      by_uniqueid_[e.uniqueid] = e;
      return true;
    });
  }
  void Handle(const Found& found);
  // Folders of removed copies that still held a removed child's folder when
  // they were emptied: removed now, deepest first.
  void RemoveEmptiedFolders() {
    for (auto it = removed_.rbegin(); it != removed_.rend(); ++it) ::rmdir(it->c_str());
  }

 private:
  void Change(const std::string& name, const std::string& what) {
    report_->changes.push_back(name + ": " + what);
  }
  void Error(const std::string& what) { report_->errors.push_back(what); }
  bool Same(const MailboxEntry& e, const std::string& path) {
    Result<std::string> folder = store_.FolderOf(e);
    return folder.ok() && *folder == path;
  }
  void MoveTo(const std::string& from, const MailboxEntry& e);
  void RemoveCopy(const std::string& path, const std::string& name);
  void AddEntry(const Found& found, const MailboxHeader& header);

  Store& store_;
  bool dry_run_;
  ReconstructReport* report_;
  std::vector<std::string>* rebuild_;
  std::map<std::string, MailboxEntry> by_uniqueid_;
  std::vector<std::string> removed_;
};

void FolderFinder::MoveTo(const std::string& from, const MailboxEntry& e) {
  Result<std::string> to = store_.FolderOf(e);
  if (!to.ok()) return Error(e.name + ": " + to.status().ToString());
  Change(e.name, "folder found at " + from + " (interrupted RENAME): moved back to " + *to);
  rebuild_->push_back(e.name);
  if (dry_run_) return;
  Status made = MakeDirectories(DirName(*to), store_.dir_mode());
  if (!made.ok() || ::rename(from.c_str(), to->c_str()) < 0) {
    Error(e.name + ": cannot move " + from + " back to " + *to);
  }
}

void FolderFinder::RemoveCopy(const std::string& path, const std::string& name) {
  Change(name, "stale copy at " + path + " (interrupted RENAME or DELETE) removed");
  if (dry_run_) return;
  Status removed = RemoveFolderContents(path);
  if (!removed.ok()) Error(path + ": " + removed.ToString());
  removed_.push_back(path);
}

void FolderFinder::AddEntry(const Found& found, const MailboxHeader& header) {
  Result<std::string> expected = store_.FolderOf(header.name, found.partition);
  if (!expected.ok() || *expected != found.path) {
    return Error(found.path + ": folder of " + header.name +
                 " is not where that name lives: left alone");
  }
  Change(header.name, "folder found on disk: added to mailboxes.db");
  rebuild_->push_back(header.name);
  if (dry_run_) return;
  MailboxEntry entry{header.name, 0, found.partition, header.uniqueid, ""};
  Result<std::string> acl = RepairAccess::InitialAclFor(store_, header.name);
  if (!acl.ok()) return Error(header.name + ": " + acl.status().ToString());
  entry.acl = *acl;
  Status inserted = store_.mboxlist().Insert(nullptr, entry);
  if (!inserted.ok()) return Error(header.name + ": " + inserted.ToString());
  by_uniqueid_[entry.uniqueid] = entry;
}

void FolderFinder::Handle(const Found& found) {
  if (!PathExists(found.path + "/" + kHeaderFileName)) return;  // moved or removed already
  Result<UniqueFd> dir = OpenFolder(found.path);
  if (!dir.ok()) return;
  Result<MailboxHeader> header = ReadMailboxHeader(dir->get());
  if (!header.ok()) return Error(found.path + ": cyrus.header unreadable: left alone");
  Result<MailboxEntry> by_name = store_.mboxlist().Lookup(nullptr, header->name);
  if (by_name.ok() && Same(*by_name, found.path)) return;  // known; rebuilt by name
  auto it = by_uniqueid_.find(header->uniqueid);
  const MailboxEntry* owner = it != by_uniqueid_.end() ? &it->second : nullptr;
  if (owner != nullptr && Same(*owner, found.path)) {
    rebuild_->push_back(owner->name);  // only the header's name is stale
    return;
  }
  Result<IndexSnapshot> index = ReadIndexOf(dir->get());
  if (index.ok() && (index->header.options & kMailboxDeleted)) {
    return RemoveCopy(found.path, header->name);
  }
  if (owner != nullptr) {
    Result<std::string> home = store_.FolderOf(*owner);
    if (home.ok() && !PathExists(*home)) return MoveTo(found.path, *owner);
    return RemoveCopy(found.path, owner->name);
  }
  if (by_name.ok()) {
    return Error(found.path + ": claims " + header->name +
                 ", which lives elsewhere with another unique id: left alone");
  }
  AddEntry(found, *header);
}

}  // namespace

void FindFolders(Store& store, std::span<const std::string> names, bool dry_run,
                 ReconstructReport* report, std::vector<std::string>* rebuild) {
  std::vector<Found> found;
  for (const auto& [partition, root] : store.options().partitions.roots()) {
    if (names.empty()) Walk(root, partition, 0, &found);
    for (const std::string& name : names) {
      Result<std::string> folder = store.FolderOf(name, partition);
      if (folder.ok()) Walk(*folder, partition, 0, &found);
    }
  }
  FolderFinder finder(store, dry_run, report, rebuild);
  Status loaded = finder.LoadUniqueIds();
  if (!loaded.ok()) {
    report->errors.push_back("mailboxes.db: " + loaded.ToString());
    return;
  }
  for (const Found& f : found) finder.Handle(f);
  finder.RemoveEmptiedFolders();
}

}  // namespace satrap::mailbox
