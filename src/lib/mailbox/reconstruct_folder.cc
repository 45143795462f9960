// Rebuilding one mailbox folder from its message files (reconstruct.h).
//
// Three steps under the index lock: read what is there (the raw old index,
// cyrus.header, cyrus.cache, the folder listing), plan the new index record
// by record, and only when the plan differs from the old state write it:
// cyrus.header, then cyrus.cache, then cyrus.index (each by rename, so a
// crash leaves old or new), then unlink leftovers.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>

#include "base/strings.h"
#include "mailbox/append_internal.h"
#include "mailbox/cache_file.h"
#include "mailbox/header_file.h"
#include "mailbox/index_file.h"
#include "mailbox/reconstruct_internal.h"
#include "mailbox/store_internal.h"
#include "mime/cache_record.h"
#include "mime/message.h"

namespace satrap::mailbox {

namespace {

// What the folder holds besides the cyrus.* files.
struct FolderListing {
  std::map<uint32_t, int64_t> messages;  // uid -> mtime
  std::vector<std::string> dead_temps;
};

Result<FolderListing> ListFolder(int dir_fd) {
  int fd = ::dup(dir_fd);
  if (fd < 0) return Status::FromErrno("dup folder", errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return Status::FromErrno("opendir", errno);
  }
  ::rewinddir(dir);
  FolderListing listing;
  while (dirent* e = ::readdir(dir)) {
    uint32_t uid = 0;
    if (ParseMessageFileName(e->d_name, &uid)) {
      struct stat st;
      if (::fstatat(dir_fd, e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
        listing.messages[uid] = st.st_mtime;
      }
    } else if (IsDeadTempFile(e->d_name)) {
      listing.dead_temps.emplace_back(e->d_name);
    }
  }
  ::closedir(dir);
  return listing;
}

// The old cyrus.index, read as far as it can be trusted.
struct OldIndex {
  std::optional<IndexHeader> header;
  std::map<uint32_t, IndexRecord> records;  // by uid: every record that checks out
};

// A dirty flag is the store's own crash protocol (a writer died mid-change;
// the next opener recounts the header), so it goes to `cleanups`.
OldIndex ParseOldIndex(std::string_view bytes, bool missing, std::vector<std::string>* problems,
                       std::vector<std::string>* cleanups) {
  OldIndex old;
  size_t slots = bytes.size() < kIndexHeaderSize
                     ? 0
                     : (bytes.size() - kIndexHeaderSize) / kIndexRecordSize;
  if (missing) {
    problems->push_back("cyrus.index missing");
  } else if (Result<IndexHeader> header = DecodeIndexHeader(bytes); !header.ok()) {
    problems->push_back("index header unreadable (" + header.status().message() +
                        "): new uidvalidity");
  } else {
    old.header = *header;
    if (header->options & kMailboxDirty) cleanups->push_back("index left dirty by a dead writer");
    if (slots < header->num_records) {
      problems->push_back(StringPrintf("index truncated: %zu of %u records left", slots,
                                       header->num_records));
    }
    slots = std::min<size_t>(slots, header->num_records);
  }
  uint32_t previous_uid = 0;
  for (size_t i = 0; i < slots; ++i) {
    Result<IndexRecord> r =
        DecodeIndexRecord(bytes.substr(kIndexHeaderSize + i * kIndexRecordSize));
    if (!r.ok()) {
      problems->push_back(StringPrintf("index record %zu unreadable (%s)", i,
                                       r.status().message().c_str()));
      continue;
    }
    if (r->uid <= previous_uid || (old.header && r->uid >= old.header->uidnext)) {
      problems->push_back(StringPrintf("index record %zu: uid %u out of order", i, r->uid));
      continue;
    }
    previous_uid = r->uid;
    old.records.emplace(r->uid, *r);
  }
  return old;
}

// The new index and cache, planned record by record.
struct Plan {
  IndexSnapshot index;
  std::vector<std::string> payloads;  // per record; empty for expunged ones
  MailboxHeader mailbox_header;
  bool header_file_changed = false;
  bool index_changed = false;
  bool cache_changed = false;
  uint32_t caches_rebuilt = 0;
  std::vector<std::string> unlink;  // files to remove after the new index is in place
};

// The payload of `r` in the old cache, if it checks out and has the current
// version. Readers serve records of older versions as they are; reconstruct
// rewrites them, as it reads every message file anyway.
std::optional<std::string> OldPayload(std::string_view cache, const IndexRecord& r) {
  if (r.cache_offset + r.cache_length > cache.size()) return std::nullopt;
  Result<std::string_view> payload =
      DecodeCacheRecord(cache.substr(r.cache_offset, r.cache_length), r.uid);
  if (!payload.ok()) return std::nullopt;
  Result<mime::CacheRecordView> view = mime::ViewCacheRecord(*payload, mime::CacheCheck::kStructure);
  if (!view.ok() || view->version != mime::kCacheRecordVersion) return std::nullopt;
  return std::string(*payload);
}

// Checks a surviving record against its file; re-derives what disagrees.
Status CheckLiveRecord(int dir_fd, std::string_view cache, IndexRecord* r, Plan* plan,
                       std::vector<std::string>* problems) {
  SATRAP_ASSIGN_OR_RETURN(std::string data, ReadFileAt(dir_fd, MessageFileName(r->uid)));
  std::optional<std::string> payload = OldPayload(cache, *r);
  if (data.size() != r->size || Sha1(data) != r->guid) {
    problems->push_back(StringPrintf("uid %u: message file differs from its record: re-derived",
                                     r->uid));
    plan->index_changed = true;
    payload.reset();
  }
  if (!payload) {
    mime::MessageInfo info = mime::AnalyzeMessage(data);
    r->size = data.size();
    r->header_size = static_cast<uint32_t>(info.root.body_offset);
    r->guid = Sha1(data);
    payload = mime::EncodeCacheRecord(info);
    plan->cache_changed = true;
    ++plan->caches_rebuilt;
  }
  plan->payloads.push_back(std::move(*payload));
  return Status::Ok();
}

// A message file nobody indexed: a new record.
Status AddFileRecord(int dir_fd, uint32_t uid, int64_t mtime, Plan* plan) {
  SATRAP_ASSIGN_OR_RETURN(std::string data, ReadFileAt(dir_fd, MessageFileName(uid)));
  mime::MessageInfo info = mime::AnalyzeMessage(data);
  IndexRecord r;
  r.uid = uid;
  r.internal_date = mtime;
  r.size = data.size();
  r.header_size = static_cast<uint32_t>(info.root.body_offset);
  r.guid = Sha1(data);
  r.modseq = ++plan->index.header.highestmodseq;
  plan->index.records.push_back(r);
  plan->payloads.push_back(mime::EncodeCacheRecord(info));
  plan->index_changed = plan->cache_changed = true;
  return Status::Ok();
}

// Walks files and old records in uid order and builds plan->index.records.
// A file at or past the intact header's uidnext was linked in by an append
// that died before its commit: nobody was told it is stored (the sender
// will retry), so adding it would deliver it twice; it is removed.
Status PlanRecords(int dir_fd, const OldIndex& old, const FolderListing& listing,
                   std::string_view cache, Plan* plan, std::vector<std::string>* problems,
                   std::vector<std::string>* cleanups) {
  std::map<uint32_t, int> uids;  // bit 1: file, bit 2: record
  for (const auto& [uid, mtime] : listing.messages) uids[uid] |= 1;
  for (const auto& [uid, record] : old.records) uids[uid] |= 2;
  for (const auto& [uid, what] : uids) {
    if (what == 1 && old.header && uid >= old.header->uidnext) {
      cleanups->push_back(
          StringPrintf("uid %u: message file of an uncommitted append removed", uid));
      plan->unlink.push_back(MessageFileName(uid));
      continue;
    }
    if (what == 1) {
      problems->push_back(StringPrintf("uid %u: message file without a record: added", uid));
      SATRAP_RETURN_IF_ERROR(AddFileRecord(dir_fd, uid, listing.messages.at(uid), plan));
      continue;
    }
    IndexRecord r = old.records.at(uid);
    if (r.expunged()) {
      if (what & 1) {
        // The expunge committed and died before its unlink: nothing is damaged.
        cleanups->push_back(StringPrintf("uid %u: file of an expunged message removed", uid));
        plan->unlink.push_back(MessageFileName(uid));
      }
      plan->index.records.push_back(r);
      plan->payloads.emplace_back();
      continue;
    }
    if (!(what & 1)) {
      problems->push_back(StringPrintf("uid %u: message file missing: record dropped", uid));
      plan->index_changed = true;
      continue;
    }
    SATRAP_RETURN_IF_ERROR(CheckLiveRecord(dir_fd, cache, &r, plan, problems));
    plan->index.records.push_back(r);
  }
  return Status::Ok();
}

// cyrus.header against the mailboxes.db entry; keyword bits against its names.
void PlanHeaderFile(int dir_fd, const MailboxEntry& entry, Plan* plan,
                    std::vector<std::string>* problems) {
  Result<MailboxHeader> header = ReadMailboxHeader(dir_fd);
  if (!header.ok()) {
    problems->push_back("cyrus.header unreadable (" + header.status().message() +
                        "): rewritten, keyword names lost");
    plan->mailbox_header = {entry.name, entry.uniqueid, {}};
    plan->header_file_changed = true;
  } else {
    plan->mailbox_header = *header;
    if (header->name != entry.name) {
      problems->push_back("cyrus.header named " + header->name + ": renamed");
      plan->mailbox_header.name = entry.name;
      plan->header_file_changed = true;
    }
    if (header->uniqueid != entry.uniqueid) {
      problems->push_back("cyrus.header unique id differs from mailboxes.db: corrected");
      plan->mailbox_header.uniqueid = entry.uniqueid;
      plan->header_file_changed = true;
    }
  }
  const size_t known = plan->mailbox_header.keywords.size();
  bool cleared = false;
  for (IndexRecord& r : plan->index.records) {
    for (size_t k = known; k < static_cast<size_t>(kMaxKeywords); ++k) {
      if (r.HasKeyword(static_cast<int>(k))) {
        r.SetKeyword(static_cast<int>(k), false);
        cleared = true;
      }
    }
  }
  if (cleared) {
    problems->push_back("keyword bits without a keyword name cleared");
    plan->index_changed = true;
  }
}

// "exists 3 -> 4, quota_used 10 -> 12": which counts a rebuild changes.
std::string HeaderDifference(const IndexHeader& was, const IndexHeader& now) {
  std::string out;
  auto field = [&](const char* name, uint64_t a, uint64_t b) {
    if (a == b) return;
    if (!out.empty()) out += ", ";
    out += StringPrintf("%s %llu -> %llu", name, static_cast<unsigned long long>(a),
                        static_cast<unsigned long long>(b));
  };
  field("uidnext", was.uidnext, now.uidnext);
  field("highestmodseq", was.highestmodseq, now.highestmodseq);
  field("num_records", was.num_records, now.num_records);
  field("exists", was.exists, now.exists);
  field("quota_used", was.quota_used, now.quota_used);
  field("deleted", was.deleted, now.deleted);
  field("expunged", was.expunged, now.expunged);
  field("unseen_lowwater", was.unseen_lowwater, now.unseen_lowwater);
  return out;
}

// The new header: kept fields from the old one, counts recomputed.
void PlanIndexHeader(const OldIndex& old, Plan* plan, std::vector<std::string>* problems) {
  IndexHeader& h = plan->index.header;
  RecountHeader(plan->index.records, &h);
  if (!old.header) {
    plan->index_changed = true;
    h.uidvalidity = static_cast<uint32_t>(::time(nullptr));
    h.recent_uid = h.uidnext - 1;
    return;
  }
  const IndexHeader& o = *old.header;
  h.uidvalidity = o.uidvalidity;
  h.recent_uid = o.recent_uid;
  h.keywords_generation = o.keywords_generation + (plan->header_file_changed ? 1 : 0);
  h.last_append_date = o.last_append_date;
  h.pop3_last_login = o.pop3_last_login;
  h.options = o.options & ~kMailboxDirty;
  h.generation = o.generation + 1;
  h.uidnext = std::max(h.uidnext, o.uidnext);
  h.highestmodseq = std::max(h.highestmodseq, o.highestmodseq);
  // A hint: any lower bound is right (0 included); only one above the first
  // unseen message is a fault.
  h.unseen_lowwater = std::min(h.unseen_lowwater, o.unseen_lowwater);
  if (o.options & kMailboxDirty) plan->index_changed = true;
  IndexHeader expected = h;
  expected.generation = o.generation;
  expected.keywords_generation = o.keywords_generation;
  expected.options = o.options;
  if (!plan->index_changed && !(expected == o)) {
    problems->push_back("index header counts corrected (" + HeaderDifference(o, expected) + ")");
    plan->index_changed = true;
  }
}

// Writes cyrus.cache anew (temp file, sync, rename) and points the records at it.
Status WriteCache(int dir_fd, Plan* plan, mode_t mode) {
  std::string cache;
  for (size_t i = 0; i < plan->index.records.size(); ++i) {
    IndexRecord& r = plan->index.records[i];
    if (r.expunged()) {
      r.cache_offset = r.cache_length = 0;
      continue;
    }
    std::string record = EncodeCacheRecord(r.uid, plan->payloads[i]);
    r.cache_offset = cache.size();
    r.cache_length = static_cast<uint32_t>(record.size());
    cache += record;
  }
  const std::string temp = StringPrintf("cyrus.cache.%d.tmp", static_cast<int>(::getpid()));
  int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd file(fd);
  Status status = WriteAll(fd, cache);
  if (status.ok()) status = SyncFd(fd);
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, kCacheFileName) < 0) {
    status = Status::FromErrno("rename cyrus.cache", errno);
  }
  if (!status.ok()) ::unlinkat(dir_fd, temp.c_str(), 0);
  return status;
}

Status ApplyPlan(Store& store, int dir_fd, Plan* plan) {
  const mode_t mode = store.file_mode();
  if (plan->header_file_changed) {
    SATRAP_RETURN_IF_ERROR(WriteMailboxHeader(dir_fd, plan->mailbox_header, static_cast<int>(mode)));
  }
  if (plan->cache_changed) {
    SATRAP_RETURN_IF_ERROR(WriteCache(dir_fd, plan, mode));
    plan->index_changed = true;  // the records point at new offsets
  }
  if (plan->index_changed) SATRAP_RETURN_IF_ERROR(IndexFile::WriteWhole(dir_fd, plan->index, mode));
  for (const std::string& name : plan->unlink) ::unlinkat(dir_fd, name.c_str(), 0);
  return Status::Ok();
}

// Reads everything and plans; `index` holds the lock when the file exists.
Result<Plan> Examine(Store& store, const MailboxEntry& entry, int dir_fd, IndexFile* index,
                     bool dry_run, std::vector<std::string>* problems,
                     std::vector<std::string>* cleanups, bool* deleted) {
  std::string bytes;
  if (index != nullptr) {
    SATRAP_ASSIGN_OR_RETURN(bytes, index->BeginRaw(!dry_run));
  }
  OldIndex old = ParseOldIndex(bytes, index == nullptr, problems, cleanups);
  if (old.header && (old.header->options & kMailboxDeleted)) {
    *deleted = true;
    return Plan();
  }
  SATRAP_ASSIGN_OR_RETURN(FolderListing listing, ListFolder(dir_fd));
  Result<std::string> cache = ReadFileAt(dir_fd, kCacheFileName);
  Plan plan;
  if (!cache.ok()) {
    problems->push_back("cyrus.cache unreadable (" + cache.status().message() + ")");
    plan.cache_changed = true;
  }
  // New records get modseqs above every old one.
  if (old.header) plan.index.header.highestmodseq = old.header->highestmodseq;
  for (const auto& [uid, r] : old.records) {
    plan.index.header.highestmodseq = std::max(plan.index.header.highestmodseq, r.modseq);
  }
  SATRAP_RETURN_IF_ERROR(PlanRecords(dir_fd, old, listing, cache.ok() ? *cache : std::string(),
                                     &plan, problems, cleanups));
  if (plan.caches_rebuilt > 0 && cache.ok()) {
    // Readers already rebuild a record that fails its check from the message
    // file (Mailbox::CachePayload), so a stale record is never served and
    // nothing is lost: a compaction killed between writing the new cache and
    // the new index leaves exactly this. Rewriting the cache is tidying.
    cleanups->push_back(StringPrintf("%u cache records rebuilt", plan.caches_rebuilt));
  }
  PlanHeaderFile(dir_fd, entry, &plan, problems);
  PlanIndexHeader(old, &plan, problems);
  for (const std::string& temp : listing.dead_temps) {
    cleanups->push_back("leftover " + temp + " of a dead process removed");
    plan.unlink.push_back(temp);
  }
  return plan;
}

}  // namespace

Result<FolderOutcome> RebuildFolder(Store& store, const MailboxEntry& entry, bool dry_run,
                                    std::vector<std::string>* changes,
                                    std::vector<std::string>* cleanups) {
  SATRAP_ASSIGN_OR_RETURN(std::string folder, store.FolderOf(entry));
  Result<UniqueFd> dir = OpenFolder(folder);
  if (!dir.ok() && dir.status().IsMissingFile()) {
    changes->push_back(entry.name + ": folder " + folder + " missing: empty mailbox created");
    if (dry_run) return FolderOutcome();
    SATRAP_RETURN_IF_ERROR(RepairAccess::CreateFolder(store, entry));
    return FolderOutcome();
  }
  SATRAP_RETURN_IF_ERROR(dir.status());
  Result<std::unique_ptr<IndexFile>> index = IndexFile::Open(dir->get());
  if (!index.ok() && !index.status().IsMissingFile()) return index.status();
  IndexFile* locked = index.ok() ? index->get() : nullptr;
  std::vector<std::string> problems;
  std::vector<std::string> leftovers;
  FolderOutcome outcome;
  Result<Plan> plan =
      Examine(store, entry, dir->get(), locked, dry_run, &problems, &leftovers, &outcome.deleted);
  Status status = plan.status();
  if (status.ok() && !dry_run && !outcome.deleted) status = ApplyPlan(store, dir->get(), &*plan);
  if (locked != nullptr) locked->Abort();
  SATRAP_RETURN_IF_ERROR(status);
  for (const std::string& p : problems) changes->push_back(entry.name + ": " + p);
  for (const std::string& l : leftovers) cleanups->push_back(entry.name + ": " + l);
  return outcome;
}

Status ReconstructFolder(Store& store, const MailboxEntry& entry, bool dry_run,
                         std::vector<std::string>* changes, std::vector<std::string>* cleanups) {
  return RebuildFolder(store, entry, dry_run, changes, cleanups).status();
}

}  // namespace satrap::mailbox
