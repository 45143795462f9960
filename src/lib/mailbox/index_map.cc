#include "mailbox/index_map.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace satrap::mailbox {

IndexRecords& IndexRecords::operator=(IndexRecords&& other) noexcept {
  if (this != &other) {
    Unmap();
    base_ = std::exchange(other.base_, nullptr);
    length_ = std::exchange(other.length_, 0);
    count_ = std::exchange(other.count_, 0);
    uid_limit_ = std::exchange(other.uid_limit_, 0);
    checked_ = std::move(other.checked_);
    other.checked_.clear();
  }
  return *this;
}

void IndexRecords::Unmap() {
  if (base_ != nullptr) ::munmap(base_, length_);
  base_ = nullptr;
  length_ = 0;
  count_ = 0;
  uid_limit_ = 0;
  checked_.clear();
}

void IndexRecords::SetChecked(uint32_t block) const {
  if (block / 64 >= checked_.size()) checked_.resize(block / 64 + 1, 0);
  checked_[block / 64] |= uint64_t{1} << (block % 64);
}

Status IndexRecords::MapFile(int fd, size_t length) {
  if (length <= length_) return Status::Ok();
  void* at = base_ == nullptr
                 ? ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0)
                 : ::mremap(base_, length_, length, MREMAP_MAYMOVE);
  if (at == MAP_FAILED) return Status::FromErrno("map cyrus.index", errno);
  base_ = static_cast<char*>(at);
  length_ = length;
  return Status::Ok();
}

IndexRecord IndexRecords::Decode(uint32_t i) const {
  IndexRecord record;
  DecodeIndexRecordFields(At(i), &record);
  return record;
}

// A record is checked and decoded from a copy: another process may rewrite
// it in the mapping between the check and the reading of its fields.
Result<IndexRecord> IndexRecords::DecodeChecked(uint32_t i) const {
  char copy[kIndexRecordSize];
  std::memcpy(copy, At(i), sizeof copy);
  IndexRecord record;
  SATRAP_RETURN_IF_ERROR(DecodeIndexRecordInto({copy, sizeof copy}, &record));
  return record;
}

std::optional<IndexRecords::LiveFields> IndexRecords::LiveChecked(uint32_t i) const {
  char p[kIndexRecordSize];
  std::memcpy(p, At(i), sizeof p);
  if (!IndexRecordChecksumOk({p, sizeof p})) return std::nullopt;
  LiveFields live;
  live.system_flags = GetU32(p + record_at::kSystemFlags);
  for (int k = 0; k < 4; ++k) live.keywords[k] = GetU32(p + record_at::kKeywords + 4 * k);
  live.modseq = GetU64(p + record_at::kModseq);
  return live;
}

}  // namespace satrap::mailbox
