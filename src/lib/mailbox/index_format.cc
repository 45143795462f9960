#include "mailbox/index_format.h"

#include <cstring>

#include "base/crc32c.h"

namespace satrap::mailbox {

void IndexRecord::SetKeyword(int n, bool on) {
  uint32_t bit = 1u << (n % 32);
  if (on) {
    keywords[n / 32] |= bit;
  } else {
    keywords[n / 32] &= ~bit;
  }
}

std::string EncodeIndexHeader(const IndexHeader& h) {
  std::string out(kIndexHeaderSize, '\0');
  char* p = out.data();
  std::memcpy(p, kIndexMagic.data(), kIndexMagic.size());
  PutU32(p + 8, kIndexVersion);
  PutU32(p + 12, kIndexHeaderSize);
  PutU32(p + 16, kIndexRecordSize);
  PutU32(p + 20, h.options);
  PutU64(p + 24, h.generation);
  PutU32(p + 32, h.uidvalidity);
  PutU32(p + 36, h.uidnext);
  PutU64(p + 40, h.highestmodseq);
  PutU32(p + 48, h.num_records);
  PutU32(p + 52, h.exists);
  PutU64(p + 56, h.quota_used);
  PutU32(p + 64, h.recent_uid);
  PutU32(p + 68, h.keywords_generation);
  PutU64(p + 72, static_cast<uint64_t>(h.last_append_date));
  PutU32(p + 80, h.deleted);
  PutU32(p + 84, h.expunged);
  PutU64(p + 88, static_cast<uint64_t>(h.pop3_last_login));
  PutU32(p + 96, h.unseen_lowwater);
  PutU32(p + 124, Crc32c(std::string_view(out).substr(0, 124)));
  return out;
}

Result<IndexHeader> DecodeIndexHeader(std::string_view bytes) {
  if (bytes.size() < kIndexHeaderSize) return Status::Corrupt("cyrus.index: short header");
  const char* p = bytes.data();
  if (bytes.substr(0, kIndexMagic.size()) != kIndexMagic) {
    return Status::Corrupt("cyrus.index: bad magic");
  }
  if (GetU32(p + 124) != Crc32c(bytes.substr(0, 124))) {
    return Status::Corrupt("cyrus.index: header checksum mismatch");
  }
  if (GetU32(p + 8) != kIndexVersion) return Status::Corrupt("cyrus.index: unknown version");
  if (GetU32(p + 12) != kIndexHeaderSize || GetU32(p + 16) != kIndexRecordSize) {
    return Status::Corrupt("cyrus.index: unexpected header or record size");
  }
  IndexHeader h;
  h.options = GetU32(p + 20);
  h.generation = GetU64(p + 24);
  h.uidvalidity = GetU32(p + 32);
  h.uidnext = GetU32(p + 36);
  h.highestmodseq = GetU64(p + 40);
  h.num_records = GetU32(p + 48);
  h.exists = GetU32(p + 52);
  h.quota_used = GetU64(p + 56);
  h.recent_uid = GetU32(p + 64);
  h.keywords_generation = GetU32(p + 68);
  h.last_append_date = static_cast<int64_t>(GetU64(p + 72));
  h.deleted = GetU32(p + 80);
  h.expunged = GetU32(p + 84);
  h.pop3_last_login = static_cast<int64_t>(GetU64(p + 88));
  h.unseen_lowwater = GetU32(p + 96);
  if (h.exists + h.expunged != h.num_records || h.uidnext == 0) {
    return Status::Corrupt("cyrus.index: inconsistent header counts");
  }
  return h;
}

std::string EncodeIndexRecord(const IndexRecord& r) {
  std::string out(kIndexRecordSize, '\0');
  char* p = out.data();
  PutU32(p + record_at::kUid, r.uid);
  PutU32(p + record_at::kSystemFlags, r.system_flags);
  PutU64(p + 8, static_cast<uint64_t>(r.internal_date));
  PutU64(p + 16, r.size);
  PutU64(p + record_at::kModseq, r.modseq);
  PutU64(p + record_at::kCacheOffset, r.cache_offset);
  PutU32(p + record_at::kCacheLength, r.cache_length);
  PutU32(p + 44, r.header_size);
  for (int i = 0; i < 4; ++i) PutU32(p + record_at::kKeywords + 4 * i, r.keywords[i]);
  std::memcpy(p + 64, r.guid.data(), r.guid.size());
  PutU16(p + 84, static_cast<uint16_t>(r.date_zone_minutes));
  PutU32(p + record_at::kCrc, Crc32c(std::string_view(out).substr(0, record_at::kCrc)));
  return out;
}

uint64_t RecordModseq(std::string_view bytes) { return GetU64(bytes.data() + record_at::kModseq); }

Result<IndexRecord> DecodeIndexRecord(std::string_view bytes) {
  IndexRecord r;
  SATRAP_RETURN_IF_ERROR(DecodeIndexRecordInto(bytes, &r));
  return r;
}

bool IndexRecordChecksumOk(std::string_view bytes) {
  return bytes.size() >= kIndexRecordSize &&
         GetU32(bytes.data() + record_at::kCrc) == Crc32c(bytes.substr(0, record_at::kCrc));
}

void DecodeIndexRecordFields(const char* p, IndexRecord* out) {
  IndexRecord& r = *out;
  r.uid = GetU32(p + record_at::kUid);
  r.system_flags = GetU32(p + record_at::kSystemFlags);
  r.internal_date = static_cast<int64_t>(GetU64(p + 8));
  r.size = GetU64(p + 16);
  r.modseq = GetU64(p + record_at::kModseq);
  r.cache_offset = GetU64(p + record_at::kCacheOffset);
  r.cache_length = GetU32(p + record_at::kCacheLength);
  r.header_size = GetU32(p + 44);
  for (int i = 0; i < 4; ++i) r.keywords[i] = GetU32(p + record_at::kKeywords + 4 * i);
  std::memcpy(r.guid.data(), p + 64, r.guid.size());
  r.date_zone_minutes = static_cast<int16_t>(GetU16(p + 84));
}

Status DecodeIndexRecordInto(std::string_view bytes, IndexRecord* out) {
  if (bytes.size() < kIndexRecordSize) return Status::Corrupt("cyrus.index: short record");
  if (!IndexRecordChecksumOk(bytes)) {
    return Status::Corrupt("cyrus.index: record checksum mismatch");
  }
  DecodeIndexRecordFields(bytes.data(), out);
  if (out->uid == 0) return Status::Corrupt("cyrus.index: record with uid 0");
  return Status::Ok();
}

std::string GuidToHex(const std::array<uint8_t, 20>& guid) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : guid) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace satrap::mailbox
