// cyrus.index on disk: opening, the two locks, reading a consistent
// snapshot, and the write transaction every change goes through.
//
// Locks are Linux open-file-description locks (F_OFD_SETLKW) on two bytes of
// cyrus.index, so two handles in one process exclude each other like two
// processes do, and a dead process's locks vanish with it:
//   byte 0, the index lock: exclusive for writers (append, store, expunge),
//     shared for readers taking a snapshot. Held for short critical sections
//     only, never across client I/O, and never while waiting for anything but
//     the disk.
//   byte 1, the open lock: shared while a Mailbox handle is open. Whoever gets
//     it exclusively (without waiting) knows nobody else has the mailbox open
//     and may compact the file (drop expunged records): only then can no
//     session still number an expunged message.
// Lock order (whole library): open lock -> index lock -> one short Berkeley
// DB transaction (quota.db / mailboxes.db) inside it, never the reverse; a
// process holds at most one index lock at a time (COPY and MOVE lock source
// and target one after the other), so mailbox locks cannot deadlock and no
// process waits for an index lock while holding a db transaction.
//
// Write transactions: Begin() takes the index lock and reads the header. A
// change of existing records first marks the header dirty, then rewrites the
// records, then Commit() writes the clean header with generation + 1 and
// (when asked) fdatasyncs. A writer killed half-way leaves either records
// past num_records (ignored) or a dirty header, which the next Begin() or
// Snapshot() repairs by recounting the records. Replacing the whole file
// (compaction, reconstruct) writes a new file and renames it over; holders of
// the old one notice through Replaced() and reopen.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/result.h"
#include "mailbox/index_format.h"
#include "mailbox/index_map.h"

namespace satrap::mailbox {

inline constexpr const char* kIndexFileName = "cyrus.index";
inline constexpr uint32_t kMailboxDirty = 1u << 1;  // header option: writer died mid-change
// A session numbers records in 30 bits (mailbox.h); no real mailbox comes near.
inline constexpr uint32_t kMaxIndexRecords = (1u << 30) - 1;

struct IndexSnapshot {
  IndexHeader header;
  std::vector<IndexRecord> records;  // num_records of them, in uid order
};

class IndexFile {
 public:
  // Opens cyrus.index in the folder `dir_fd` (borrowed; must stay open). Does
  // not lock. kNotFound when missing.
  static Result<std::unique_ptr<IndexFile>> Open(int dir_fd);
  // Writes a complete index file (header + records) under a temp name, syncs
  // it and renames it over cyrus.index; syncs the folder. Used to create a
  // mailbox, to compact and by reconstruct.
  static Status WriteWhole(int dir_fd, const IndexSnapshot& snapshot, mode_t mode);

  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;

  // Open lock (byte 1).
  Status HoldOpenShared();
  bool TryOpenExclusive();
  void ReleaseOpen();

  // True when cyrus.index in the folder is no longer this file (it was
  // replaced or removed: this one has no name left).
  bool Replaced() const;

  // A consistent decoded copy of header and records, under the shared index
  // lock, for the tools and whole-mailbox operations (open mailboxes use
  // Map()).
  // A dirty header is repaired first (briefly taking the exclusive lock).
  // kCorrupt when any record fails its check.
  Result<IndexSnapshot> Snapshot();
  // Brings `mapped` (index_map.h) up to date under the shared index lock:
  // maps what the file has grown by, checks the records appended to a
  // mapping in use, and checks again the records of checked blocks that were
  // rewritten since (their modseq is above the last header's highestmodseq:
  // every in-place change takes a new modseq, anything else replaces the
  // file). The first call checks no record: CheckRecords() does, on first
  // use. So refreshing a 100,000-message mailbox after one APPEND checks one
  // record. On error `mapped` keeps its header and records count.
  Status Map(MappedIndex* mapped);
  // Checks the blocks of records holding positions first..last (clipped to
  // the mapping) that are not checked yet: CRC and uid order, against
  // neighbours too. kCorrupt names the first damaged record.
  Status CheckRecords(const IndexRecords& records, uint32_t first, uint32_t last);
  // The record at `position` read from the file under the shared index lock,
  // checked: for a record that a mapping showed half-rewritten.
  Result<IndexRecord> ReadRecordShared(uint32_t position);
  // Just the header, under the shared lock (cheap check for changes).
  Result<IndexHeader> ReadHeader();

  // --- write transaction -------------------------------------------------
  // Takes the exclusive index lock; returns the current header. If the file
  // was replaced meanwhile, a handle without the open lock reopens it; one
  // with it gets kTempFail (its owner must Refresh()).
  Result<IndexHeader> Begin();
  // Reads records [first, first + count) while in a transaction.
  Result<std::vector<IndexRecord>> ReadRecords(uint32_t first, uint32_t count);
  // Marks the header dirty before records inside num_records are rewritten.
  Status MarkDirty(const IndexHeader& header);
  // Writes `records` at positions first.. (contiguous, one pwrite).
  Status WriteRecords(uint32_t first, const std::vector<IndexRecord>& records);
  // Writes `header` (clean, generation + 1), fdatasyncs when `sync`, and
  // releases the index lock. On error the lock is released too.
  Status Commit(IndexHeader header, bool sync);
  // Releases the lock without writing (nothing was changed).
  void Abort();

  // For reconstruct: takes the index lock (exclusive, or shared when
  // `exclusive` is false) WITHOUT checking the file, following a replaced
  // file like Begin(), and returns the raw bytes of the whole file, however
  // damaged. Release with Abort().
  Result<std::string> BeginRaw(bool exclusive);

  int fd() const { return fd_.get(); }

  ~IndexFile();

 private:
  IndexFile(int dir_fd, UniqueFd fd) : dir_fd_(dir_fd), fd_(std::move(fd)) {}

  Status Lock(int type, off_t byte, bool wait, bool* got = nullptr);
  Status RepairDirty();
  // Runs `read` under the shared index lock with a clean header (repairing
  // a dirty one first).
  Status UnderCleanSharedLock(const std::function<Status(const IndexHeader&)>& read);
  // Under the index lock, with `header` just read. `check_all`: check
  // every record now (Snapshot and the repair of a dirty header read them
  // all).
  Status CheckAndMap(const IndexHeader& header, MappedIndex* mapped, bool check_all);
  // Checks records [begin, end) of the mapping (CheckRecords).
  Status CheckSpan(const IndexRecords& records, uint32_t begin, uint32_t end);
  Result<IndexSnapshot> ReadAll(const IndexHeader& header);

  int dir_fd_;
  UniqueFd fd_;
  bool in_transaction_ = false;
  bool holding_open_ = false;
};

// Recomputes the counting fields of `header` (exists, expunged, deleted,
// quota_used, highestmodseq, uidnext, unseen_lowwater) from `records`.
void RecountHeader(const std::vector<IndexRecord>& records, IndexHeader* header);

}  // namespace satrap::mailbox
