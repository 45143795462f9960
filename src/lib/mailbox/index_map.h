// The records of cyrus.index as an open mailbox reads them: a read-only
// shared mapping of the file, never copied or decoded as a whole.
//
// Why: reading a 100,000-message index into private memory and decoding it
// cost a SELECT 15 ms, most of it the kernel copying 9.6 MB and faulting in
// 20 MB of fresh pages; mapping the page cache's copy takes 0.1 ms and the
// CRC check of every record 0.6 ms. The pages are the page cache's, shared
// by every session of the mailbox instead of one private copy each.
//
// What may be read without further checks: records are written whole and
// in place (flag changes) or appended, and a rewrite in place writes the
// fields that never change (uid, dates, size, cache location, header size,
// GUID) with the values they had. Every record's CRC-32C and place in uid
// order is checked before its fixed fields are first read, and again
// whenever its modseq moved, so those fields are trustworthy between
// refreshes, even while another process rewrites the record.
//
// When: records are checked in blocks of kCheckBlock, on first use
// (IndexFile::CheckRecords), not all at once when the file is first mapped:
// a SELECT of a 100,000-message mailbox reads a few blocks instead of 9.6 MB
// (the cold read was two thirds of its time). Records a refresh finds
// appended to a mapping already in use are checked at once, as are the
// rewritten records of checked blocks. So a damaged record is refused by
// the first command that reads it, not necessarily by SELECT.
//
// The changing fields (flags, keywords, modseq) are live:
// a reader decodes them with DecodeChecked() or LiveChecked(), which check a
// copy of the record and fail on one caught half-rewritten; the caller
// retries under the index lock (Mailbox does).
//
// The file never shrinks in place (compaction and reconstruct write a new
// file and rename it over), and Map() refuses a header that claims more
// records than the file holds, so no read goes past the end of the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "mailbox/index_format.h"

namespace satrap::mailbox {

class IndexRecords {
 public:
  IndexRecords() = default;
  IndexRecords(IndexRecords&& other) noexcept { *this = std::move(other); }
  IndexRecords& operator=(IndexRecords&& other) noexcept;
  IndexRecords(const IndexRecords&) = delete;
  IndexRecords& operator=(const IndexRecords&) = delete;
  ~IndexRecords() { Unmap(); }

  // Records in use: num_records of the header Map() last read.
  uint32_t size() const { return count_; }

  // Records are checked in blocks of this many (12 KB, three pages).
  static constexpr uint32_t kCheckBlock = 128;
  // Whether record i's block has been checked (IndexFile::CheckRecords).
  bool Checked(uint32_t i) const {
    const uint32_t block = i / kCheckBlock;
    return block < checked_.size() * 64 && (checked_[block / 64] >> (block % 64)) & 1u;
  }

  // The fixed fields are exact; flags, keywords and modseq are as the bytes
  // are now, possibly mid-rewrite (see the header comment).
  IndexRecord Decode(uint32_t i) const;
  // The whole record, kCorrupt unless its CRC checks out.
  Result<IndexRecord> DecodeChecked(uint32_t i) const;
  // Only the live fields, nullopt unless the record's CRC checks out: what
  // FETCH 1:* (FLAGS) reads of every message, without decoding the rest.
  struct LiveFields {
    uint32_t system_flags = 0;
    KeywordBits keywords{};
    uint64_t modseq = 0;
  };
  std::optional<LiveFields> LiveChecked(uint32_t i) const;
  uint32_t Uid(uint32_t i) const { return GetU32(At(i) + record_at::kUid); }
  uint32_t SystemFlags(uint32_t i) const { return GetU32(At(i) + record_at::kSystemFlags); }
  uint64_t Modseq(uint32_t i) const { return GetU64(At(i) + record_at::kModseq); }
  bool Expunged(uint32_t i) const { return (SystemFlags(i) & kFlagExpunged) != 0; }
  uint64_t CacheOffset(uint32_t i) const { return GetU64(At(i) + record_at::kCacheOffset); }
  uint32_t CacheLength(uint32_t i) const { return GetU32(At(i) + record_at::kCacheLength); }

 private:
  friend class IndexFile;
  const char* At(uint32_t i) const { return base_ + kIndexHeaderSize + size_t{i} * kIndexRecordSize; }
  // Maps the first `length` bytes of `fd` (growing an existing mapping).
  Status MapFile(int fd, size_t length);
  void Unmap();
  // Marks block `block` checked. Const: checking changes what is known
  // about the records, not what they say.
  void SetChecked(uint32_t block) const;

  char* base_ = nullptr;
  size_t length_ = 0;
  uint32_t count_ = 0;
  // The header's uidnext when count_ was set: every record below count_ has
  // a smaller uid.
  uint32_t uid_limit_ = 0;
  // One bit per block: every record of the block below count_ was checked.
  mutable std::vector<uint64_t> checked_;
};

// An index as an open mailbox sees it: the header as of the last refresh
// and the records in place.
struct MappedIndex {
  IndexHeader header;
  IndexRecords records;
};

}  // namespace satrap::mailbox
