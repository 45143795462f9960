#include "mailbox/index_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/strings.h"
#include "mailbox/index_map.h"

namespace satrap::mailbox {

namespace {

// Reads the raw header bytes at offset 0.
Result<IndexHeader> ReadHeaderAt(int fd) {
  std::string bytes(kIndexHeaderSize, '\0');
  SATRAP_RETURN_IF_ERROR(PreadExact(fd, bytes.data(), bytes.size(), 0));
  return DecodeIndexHeader(bytes);
}

}  // namespace

void RecountHeader(const std::vector<IndexRecord>& records, IndexHeader* header) {
  header->exists = header->expunged = header->deleted = 0;
  header->quota_used = 0;
  header->unseen_lowwater = 0;
  for (const IndexRecord& r : records) {
    header->highestmodseq = std::max(header->highestmodseq, r.modseq);
    header->uidnext = std::max(header->uidnext, r.uid + 1);
    if (r.expunged()) {
      ++header->expunged;
      continue;
    }
    ++header->exists;
    header->quota_used += r.size;
    if (r.system_flags & kFlagDeleted) ++header->deleted;
    if (!(r.system_flags & kFlagSeen) && header->unseen_lowwater == 0) {
      header->unseen_lowwater = r.uid;
    }
  }
  if (header->unseen_lowwater == 0) header->unseen_lowwater = header->uidnext;
  header->num_records = static_cast<uint32_t>(records.size());
}

Result<std::unique_ptr<IndexFile>> IndexFile::Open(int dir_fd) {
  int fd = ::openat(dir_fd, kIndexFileName, O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open cyrus.index", errno);
  return std::unique_ptr<IndexFile>(new IndexFile(dir_fd, UniqueFd(fd)));
}

IndexFile::~IndexFile() {
  if (in_transaction_) Abort();
}

Status IndexFile::WriteWhole(int dir_fd, const IndexSnapshot& snapshot, mode_t mode) {
  std::string data = EncodeIndexHeader(snapshot.header);
  data.reserve(kIndexHeaderSize + snapshot.records.size() * kIndexRecordSize);
  for (const IndexRecord& r : snapshot.records) data += EncodeIndexRecord(r);
  const std::string temp = StringPrintf("cyrus.index.%d.tmp", static_cast<int>(::getpid()));
  int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd file(fd);
  Status status = WriteAll(file.get(), data);
  if (status.ok()) status = SyncFd(file.get());
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, kIndexFileName) < 0) {
    status = Status::FromErrno("rename cyrus.index", errno);
  }
  if (!status.ok()) {
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return status;
  }
  if (::fsync(dir_fd) < 0) return Status::FromErrno("fsync mailbox folder", errno);
  return Status::Ok();
}

Status IndexFile::Lock(int type, off_t byte, bool wait, bool* got) {
  struct flock lock = {};
  lock.l_type = static_cast<short>(type);
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  for (;;) {
    if (::fcntl(fd_.get(), wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) == 0) {
      if (got) *got = true;
      return Status::Ok();
    }
    if (errno == EINTR) continue;
    if (!wait && (errno == EAGAIN || errno == EACCES)) {
      if (got) *got = false;
      return Status::Ok();
    }
    return Status::FromErrno("lock cyrus.index", errno);
  }
}

Status IndexFile::HoldOpenShared() {
  SATRAP_RETURN_IF_ERROR(Lock(F_RDLCK, 1, true));
  holding_open_ = true;
  return Status::Ok();
}

bool IndexFile::TryOpenExclusive() {
  bool got = false;
  return Lock(F_WRLCK, 1, false, &got).ok() && got;
}

void IndexFile::ReleaseOpen() {
  (void)Lock(F_UNLCK, 1, true);
  holding_open_ = false;
}

bool IndexFile::Replaced() const {
  // Compaction and reconstruct rename a new file over cyrus.index, and
  // deleting the mailbox unlinks it: either way this file has no name left
  // (cyrus.index is never hard-linked). A renamed mailbox moves its whole
  // folder, which the session's descriptors follow. Asking the descriptor
  // spares every command a name lookup in a folder of up to 100,000 files,
  // which after the dentry cache is dropped means reading the folder's
  // blocks.
  struct stat mine;
  if (::fstat(fd_.get(), &mine) < 0) return true;
  return mine.st_nlink == 0;
}

namespace {

// Records [first, first + count) of cyrus.index, read in order through a
// buffer of up to 256 KB. Records are checked from reads like these rather than
// through the mapping: from a cold page cache, reads of this size bring a
// 100,000-message index in at twice the speed of page faults on the mapping
// (whose later reads then find the pages cached).
class RecordReader {
 public:
  RecordReader(int fd, uint32_t first, uint32_t count)
      : fd_(fd), next_(first), end_(first + count), capacity_(std::min(count, kChunkRecords)) {}

  // The next record's bytes, valid until the following call.
  Result<std::string_view> Next() {
    if (pos_ == filled_) {
      const uint32_t n = std::min(end_ - next_, capacity_);
      if (n == 0) return Status::Internal("cyrus.index: read past the last record");
      if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(size_t{capacity_} * kIndexRecordSize);
      SATRAP_RETURN_IF_ERROR(PreadExact(fd_, buffer_.get(), size_t{n} * kIndexRecordSize,
                                        kIndexHeaderSize + size_t{next_} * kIndexRecordSize));
      pos_ = 0;
      filled_ = n;
    }
    ++next_;
    return std::string_view(buffer_.get() + size_t{pos_++} * kIndexRecordSize, kIndexRecordSize);
  }

 private:
  static constexpr uint32_t kChunkRecords = 256 * 1024 / kIndexRecordSize;
  int fd_;
  uint32_t next_;
  uint32_t end_;
  uint32_t capacity_;  // records the buffer holds
  std::unique_ptr<char[]> buffer_;
  uint32_t pos_ = 0;
  uint32_t filled_ = 0;
};

// One record's CRC and its place in uid order.
Status CheckRecord(std::string_view bytes, uint32_t position, uint32_t previous_uid,
                   uint32_t uidnext) {
  if (!IndexRecordChecksumOk(bytes)) {
    return Status::Corrupt(StringPrintf("cyrus.index: record %u: checksum mismatch", position));
  }
  const uint32_t uid = GetU32(bytes.data() + record_at::kUid);
  if (uid <= previous_uid || uid >= uidnext) {
    return Status::Corrupt(StringPrintf("cyrus.index: record %u: uid out of order", position));
  }
  return Status::Ok();
}

// The uid of a record whose CRC checks out, or 0: a neighbour of the
// records being checked, compared with them when it is intact (when it is
// not, its own block fails its check).
uint32_t UidIfIntact(std::string_view bytes) {
  return IndexRecordChecksumOk(bytes) ? GetU32(bytes.data() + record_at::kUid) : 0;
}

}  // namespace

Status IndexFile::CheckAndMap(const IndexHeader& header, MappedIndex* mapped, bool check_all) {
  IndexRecords& records = mapped->records;
  const uint32_t known = records.count_;
  const uint64_t seen_modseq = known > 0 ? mapped->header.highestmodseq : 0;
  if (header.num_records < known || header.highestmodseq < seen_modseq) {
    return Status::Corrupt("cyrus.index: records vanished");
  }
  if (header.num_records >= kMaxIndexRecords) {
    return Status::Corrupt("cyrus.index: too many records");
  }
  if (header.num_records == 0) {
    mapped->header = header;
    return Status::Ok();
  }
  // Never map (and so never read) past the end of the file: a header that
  // claims more records than the file holds is damage, not a SIGBUS.
  const size_t needed = kIndexHeaderSize + size_t{header.num_records} * kIndexRecordSize;
  struct stat st;
  if (::fstat(fd_.get(), &st) < 0) return Status::FromErrno("fstat cyrus.index", errno);
  if (static_cast<size_t>(st.st_size) < needed) {
    return Status::Corrupt("cyrus.index: shorter than its header says");
  }
  SATRAP_RETURN_IF_ERROR(records.MapFile(fd_.get(), needed));
  // Every change takes exactly one new modseq for exactly one record. When
  // the modseqs taken since the last check are as many as the records
  // appended, no older record was touched and only the new ones are
  // checked; otherwise also the older ones whose modseq moved (in blocks
  // already checked: the others are checked whole when first used).
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  const uint32_t appended = header.num_records - known;
  const bool only_appended = header.highestmodseq - seen_modseq == appended;
  if (!only_appended) {
    for (uint32_t i = 0; i < known; ++i) {
      if (!records.Checked(i)) {
        i = (i / kBlock + 1) * kBlock - 1;
        continue;
      }
      const std::string_view bytes(records.At(i), kIndexRecordSize);
      if (RecordModseq(bytes) > seen_modseq) {
        const uint32_t previous_uid = i > 0 && records.Checked(i - 1) ? records.Uid(i - 1) : 0;
        SATRAP_RETURN_IF_ERROR(CheckRecord(bytes, i, previous_uid, header.uidnext));
      }
    }
  }
  // Records appended to a mapping in use are checked now (a refresh after
  // one APPEND checks one record); a first mapping checks nothing yet.
  if (appended > 0 && (known > 0 || check_all)) {
    uint32_t previous_uid = 0;
    if (known > 0) {
      const std::string_view last(records.At(known - 1), kIndexRecordSize);
      SATRAP_RETURN_IF_ERROR(CheckRecord(last, known - 1, 0, header.uidnext));
      previous_uid = records.Uid(known - 1);
    }
    RecordReader reader(fd_.get(), known, appended);
    for (uint32_t i = known; i < header.num_records; ++i) {
      SATRAP_ASSIGN_OR_RETURN(std::string_view bytes, reader.Next());
      SATRAP_RETURN_IF_ERROR(CheckRecord(bytes, i, previous_uid, header.uidnext));
      if (known > 0 && RecordModseq(bytes) <= seen_modseq) {
        return Status::Corrupt("cyrus.index: a new record with an old modseq");
      }
      previous_uid = GetU32(bytes.data() + record_at::kUid);
    }
    // Blocks now wholly checked: the new ones, and the one the old records
    // ended in if it was checked.
    const uint32_t first_new_block = (known + kBlock - 1) / kBlock;
    for (uint32_t b = first_new_block; b * kBlock < header.num_records; ++b) records.SetChecked(b);
  }
  records.count_ = header.num_records;
  records.uid_limit_ = header.uidnext;
  mapped->header = header;
  return Status::Ok();
}

Status IndexFile::CheckRecords(const IndexRecords& records, uint32_t first, uint32_t last) {
  if (records.count_ == 0) return Status::Ok();
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  last = std::min(last, records.count_ - 1);
  for (uint32_t block = first / kBlock; block <= last / kBlock;) {
    if (records.Checked(block * kBlock)) {
      ++block;
      continue;
    }
    // A run of unchecked blocks, read and checked together.
    uint32_t run_end = block + 1;
    while (run_end <= last / kBlock && !records.Checked(run_end * kBlock)) ++run_end;
    const uint32_t begin = block * kBlock;
    const uint32_t end = std::min(run_end * kBlock, records.count_);
    Status checked = CheckSpan(records, begin, end);
    if (!checked.ok()) {
      // Perhaps caught while another process rewrote a record: writers hold
      // the index lock, so under it the bytes are whole.
      checked = UnderCleanSharedLock(
          [&](const IndexHeader&) { return CheckSpan(records, begin, end); });
    }
    SATRAP_RETURN_IF_ERROR(checked);
    for (uint32_t b = block; b < run_end; ++b) records.SetChecked(b);
    block = run_end;
  }
  return Status::Ok();
}

Status IndexFile::CheckSpan(const IndexRecords& records, uint32_t begin, uint32_t end) {
  // With a neighbour on each side, so that the uid order holds across blocks
  // (each pair of neighbours is compared when either side is checked).
  const uint32_t from = begin > 0 ? begin - 1 : 0;
  const uint32_t to = std::min(end + 1, records.count_);
  RecordReader reader(fd_.get(), from, to - from);
  uint32_t previous_uid = 0;
  if (from < begin) {
    SATRAP_ASSIGN_OR_RETURN(std::string_view before, reader.Next());
    previous_uid = UidIfIntact(before);
  }
  for (uint32_t i = begin; i < end; ++i) {
    SATRAP_ASSIGN_OR_RETURN(std::string_view bytes, reader.Next());
    SATRAP_RETURN_IF_ERROR(CheckRecord(bytes, i, previous_uid, records.uid_limit_));
    previous_uid = GetU32(bytes.data() + record_at::kUid);
  }
  if (end < to) {
    SATRAP_ASSIGN_OR_RETURN(std::string_view after, reader.Next());
    const uint32_t next_uid = UidIfIntact(after);
    if (next_uid != 0 && next_uid <= previous_uid) {
      return Status::Corrupt(StringPrintf("cyrus.index: record %u: uid out of order", end));
    }
  }
  return Status::Ok();
}

Result<IndexSnapshot> IndexFile::ReadAll(const IndexHeader& header) {
  MappedIndex mapped;
  SATRAP_RETURN_IF_ERROR(CheckAndMap(header, &mapped, /*check_all=*/true));
  IndexSnapshot snapshot;
  snapshot.header = header;
  snapshot.records.reserve(header.num_records);
  for (uint32_t i = 0; i < header.num_records; ++i) {
    snapshot.records.push_back(mapped.records.Decode(i));
  }
  return snapshot;
}

Status IndexFile::RepairDirty() {
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, ReadHeaderAt(fd_.get()));
  if (!(header.options & kMailboxDirty)) return Status::Ok();
  SATRAP_ASSIGN_OR_RETURN(IndexSnapshot snapshot, ReadAll(header));
  RecountHeader(snapshot.records, &header);
  header.options &= ~kMailboxDirty;
  ++header.generation;
  SATRAP_RETURN_IF_ERROR(PwriteAll(fd_.get(), EncodeIndexHeader(header), 0));
  return SyncFd(fd_.get());
}

Result<IndexHeader> IndexFile::ReadHeader() {
  SATRAP_RETURN_IF_ERROR(Lock(F_RDLCK, 0, true));
  Result<IndexHeader> header = ReadHeaderAt(fd_.get());
  (void)Lock(F_UNLCK, 0, true);
  return header;
}

Status IndexFile::UnderCleanSharedLock(const std::function<Status(const IndexHeader&)>& read) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    SATRAP_RETURN_IF_ERROR(Lock(F_RDLCK, 0, true));
    Result<IndexHeader> header = ReadHeaderAt(fd_.get());
    if (header.ok() && !(header->options & kMailboxDirty)) {
      Status status = read(*header);
      (void)Lock(F_UNLCK, 0, true);
      return status;
    }
    (void)Lock(F_UNLCK, 0, true);
    if (!header.ok()) return header.status();
    // The last writer died mid-change: repair under the exclusive lock.
    SATRAP_RETURN_IF_ERROR(Lock(F_WRLCK, 0, true));
    Status repaired = RepairDirty();
    (void)Lock(F_UNLCK, 0, true);
    SATRAP_RETURN_IF_ERROR(repaired);
  }
  return Status::TempFail("cyrus.index: still dirty after repair");
}

Result<IndexSnapshot> IndexFile::Snapshot() {
  IndexSnapshot snapshot;
  SATRAP_RETURN_IF_ERROR(UnderCleanSharedLock([&](const IndexHeader& header) {
    Result<IndexSnapshot> read = ReadAll(header);
    if (read.ok()) snapshot = std::move(*read);
    return read.status();
  }));
  return snapshot;
}

Status IndexFile::Map(MappedIndex* mapped) {
  return UnderCleanSharedLock(
      [&](const IndexHeader& header) { return CheckAndMap(header, mapped, /*check_all=*/false); });
}

Result<IndexRecord> IndexFile::ReadRecordShared(uint32_t position) {
  std::string bytes(kIndexRecordSize, '\0');
  SATRAP_RETURN_IF_ERROR(Lock(F_RDLCK, 0, true));
  Status read = PreadExact(fd_.get(), bytes.data(), bytes.size(),
                           kIndexHeaderSize + off_t{position} * kIndexRecordSize);
  (void)Lock(F_UNLCK, 0, true);
  SATRAP_RETURN_IF_ERROR(read);
  return DecodeIndexRecord(bytes);
}

Result<IndexHeader> IndexFile::Begin() {
  CHECK(!in_transaction_) << "nested index transaction";
  for (int attempt = 0;; ++attempt) {
    SATRAP_RETURN_IF_ERROR(Lock(F_WRLCK, 0, true));
    if (!Replaced()) break;
    // Compacted or reconstructed while we waited: writing to the old file
    // would be lost. A handle without the open lock just follows the new
    // file; an open Mailbox must Refresh() first.
    (void)Lock(F_UNLCK, 0, true);
    if (holding_open_ || attempt >= 10) return Status::TempFail("cyrus.index was replaced");
    int fd = ::openat(dir_fd_, kIndexFileName, O_RDWR | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno("open cyrus.index", errno);
    fd_.Reset(fd);
  }
  in_transaction_ = true;
  Status repaired = RepairDirty();
  Result<IndexHeader> header =
      repaired.ok() ? ReadHeaderAt(fd_.get()) : Result<IndexHeader>(repaired);
  if (!header.ok()) Abort();
  return header;
}

Result<std::string> IndexFile::BeginRaw(bool exclusive) {
  CHECK(!in_transaction_) << "nested index transaction";
  for (int attempt = 0;; ++attempt) {
    SATRAP_RETURN_IF_ERROR(Lock(exclusive ? F_WRLCK : F_RDLCK, 0, true));
    if (!Replaced()) break;
    (void)Lock(F_UNLCK, 0, true);
    if (attempt >= 10) return Status::TempFail("cyrus.index keeps being replaced");
    int fd = ::openat(dir_fd_, kIndexFileName, O_RDWR | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno("open cyrus.index", errno);
    fd_.Reset(fd);
  }
  in_transaction_ = true;
  struct stat st;
  if (::fstat(fd_.get(), &st) < 0) {
    Abort();
    return Status::FromErrno("fstat cyrus.index", errno);
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  Status read = PreadExact(fd_.get(), bytes.data(), bytes.size(), 0);
  if (!read.ok()) {
    Abort();
    return read;
  }
  return bytes;
}

Result<std::vector<IndexRecord>> IndexFile::ReadRecords(uint32_t first, uint32_t count) {
  CHECK(in_transaction_);
  std::string bytes(size_t{count} * kIndexRecordSize, '\0');
  SATRAP_RETURN_IF_ERROR(PreadExact(fd_.get(), bytes.data(), bytes.size(),
                                    kIndexHeaderSize + off_t{first} * kIndexRecordSize));
  std::vector<IndexRecord> records;
  records.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    SATRAP_ASSIGN_OR_RETURN(
        IndexRecord r,
        DecodeIndexRecord(std::string_view(bytes).substr(size_t{i} * kIndexRecordSize)));
    records.push_back(r);
  }
  return records;
}

Status IndexFile::MarkDirty(const IndexHeader& header) {
  CHECK(in_transaction_);
  IndexHeader dirty = header;
  dirty.options |= kMailboxDirty;
  return PwriteAll(fd_.get(), EncodeIndexHeader(dirty), 0);
}

Status IndexFile::WriteRecords(uint32_t first, const std::vector<IndexRecord>& records) {
  CHECK(in_transaction_);
  if (records.empty()) return Status::Ok();
  std::string bytes;
  bytes.reserve(records.size() * kIndexRecordSize);
  for (const IndexRecord& r : records) bytes += EncodeIndexRecord(r);
  return PwriteAll(fd_.get(), bytes, kIndexHeaderSize + off_t{first} * kIndexRecordSize);
}

Status IndexFile::Commit(IndexHeader header, bool sync) {
  CHECK(in_transaction_);
  header.options &= ~kMailboxDirty;
  ++header.generation;
  Status status = PwriteAll(fd_.get(), EncodeIndexHeader(header), 0);
  if (status.ok() && sync) status = SyncFd(fd_.get());
  Abort();
  return status;
}

void IndexFile::Abort() {
  if (!in_transaction_) return;
  (void)Lock(F_UNLCK, 0, true);
  in_transaction_ = false;
}

}  // namespace satrap::mailbox
