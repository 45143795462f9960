// The cyrus.index file format: a fixed header and fixed-size records, each
// protected by a CRC-32C, all integers little-endian. Pure encode/decode; the
// file handling (locks, syncs) is in index_file.h.
//
// Header, kIndexHeaderSize = 128 bytes:
//    0  magic "SATRAPIX"            8
//    8  version (kIndexVersion)     u32
//   12  header size (128)           u32
//   16  record size (96)            u32
//   20  options (kMailboxDeleted)   u32
//   24  generation                  u64  bumped by every change of any kind
//   32  uidvalidity                 u32
//   36  uidnext                     u32
//   40  highestmodseq               u64
//   48  num_records                 u32  records in the file, expunged ones included
//   52  exists                      u32  records not expunged
//   56  quota_used                  u64  bytes of the records not expunged
//   64  recent_uid                  u32  highest uid already given \Recent
//   68  keywords_generation         u32  bumped when cyrus.header's keywords change
//   72  last_append_date            i64
//   80  deleted                     u32  not-expunged records with \Deleted
//   84  expunged                    u32  expunged records still in the file
//   88  pop3_last_login             i64  unix secs of the last POP3 login (popminpoll)
//   96  unseen_lowwater             u32  every record with a smaller uid is \Seen
//                                        (the owner's) or expunged; 0 = unknown
//  100  reserved (zero)             24
//  124  crc32c of bytes 0..123      u32
//
// Record, kIndexRecordSize = 96 bytes, one per message, in uid order:
//    0  uid                         u32
//    4  system flags                u32  kFlag* bits; kFlagExpunged is internal
//    8  internal date (unix secs)   i64
//   16  size (bytes of the file)    u64
//   24  modseq                      u64  of the last change to this record
//   32  cache offset                u64  in cyrus.cache
//   40  cache length                u32
//   44  header size                 u32  bytes before the body
//   48  user flags (keywords)       4 x u32, bit n = cyrus.header keyword n
//   64  GUID (SHA-1 of the file)    20
//   84  internal date zone (min)    i16
//   86  reserved (zero)             6
//   92  crc32c of bytes 0..91       u32
//
// A record or header whose CRC or constant fields do not check out decodes to
// kCorrupt: it is never served as if valid.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::mailbox {

inline constexpr uint32_t kIndexVersion = 2;  // 2: CRC-32C
inline constexpr size_t kIndexHeaderSize = 128;
inline constexpr size_t kIndexRecordSize = 96;
inline constexpr std::string_view kIndexMagic = "SATRAPIX";
inline constexpr int kMaxKeywords = 128;

// System flags (RFC 3501 §2.3.2) and the internal expunged mark.
inline constexpr uint32_t kFlagAnswered = 1u << 0;
inline constexpr uint32_t kFlagFlagged = 1u << 1;
inline constexpr uint32_t kFlagDeleted = 1u << 2;
inline constexpr uint32_t kFlagDraft = 1u << 3;
inline constexpr uint32_t kFlagSeen = 1u << 4;
inline constexpr uint32_t kSystemFlagsMask = 0x1f;
inline constexpr uint32_t kFlagExpunged = 1u << 31;

// Header option bits.
inline constexpr uint32_t kMailboxDeleted = 1u << 0;

struct IndexHeader {
  uint32_t options = 0;
  uint64_t generation = 0;
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 1;
  uint64_t highestmodseq = 1;
  uint32_t num_records = 0;
  uint32_t exists = 0;
  uint64_t quota_used = 0;
  uint32_t recent_uid = 0;
  uint32_t keywords_generation = 0;
  int64_t last_append_date = 0;
  uint32_t deleted = 0;
  uint32_t expunged = 0;
  int64_t pop3_last_login = 0;  // 0 in files written before it existed
  // A lower bound where SELECT starts looking for the first unseen message
  // (Dovecot keeps the same hint): lowered by whoever clears an owner's
  // \Seen, raised by SELECT, exact after a recount. Appends keep it valid
  // by themselves (new uids are >= uidnext >= unseen_lowwater).
  uint32_t unseen_lowwater = 0;  // 0 in files written before it existed

  bool operator==(const IndexHeader&) const = default;
};

// 128 keyword bits.
using KeywordBits = std::array<uint32_t, 4>;

struct IndexRecord {
  uint32_t uid = 0;
  uint32_t system_flags = 0;
  int64_t internal_date = 0;
  uint64_t size = 0;
  uint64_t modseq = 0;
  uint64_t cache_offset = 0;
  uint32_t cache_length = 0;
  uint32_t header_size = 0;
  KeywordBits keywords{};
  std::array<uint8_t, 20> guid{};
  int16_t date_zone_minutes = 0;

  bool expunged() const { return (system_flags & kFlagExpunged) != 0; }
  bool HasKeyword(int n) const { return (keywords[n / 32] >> (n % 32)) & 1u; }
  void SetKeyword(int n, bool on);
  bool operator==(const IndexRecord&) const = default;
};

// Where the record fields read straight from encoded bytes sit (the layout
// above): the codec below and the mapped index (index_map.h) share them.
namespace record_at {
inline constexpr size_t kUid = 0;
inline constexpr size_t kSystemFlags = 4;
inline constexpr size_t kModseq = 24;
inline constexpr size_t kCacheOffset = 32;
inline constexpr size_t kCacheLength = 40;
inline constexpr size_t kKeywords = 48;
inline constexpr size_t kCrc = 92;
}  // namespace record_at

// Encodes into exactly kIndexHeaderSize / kIndexRecordSize bytes.
std::string EncodeIndexHeader(const IndexHeader& header);
std::string EncodeIndexRecord(const IndexRecord& record);
// Decodes `bytes` (at least the fixed size; extra bytes are ignored).
// kCorrupt on a short input, bad magic, unknown version, wrong sizes or CRC.
Result<IndexHeader> DecodeIndexHeader(std::string_view bytes);
Result<IndexRecord> DecodeIndexRecord(std::string_view bytes);
// The same into `*out` (left partly written on error), for decoding a whole
// index without a copy per record.
Status DecodeIndexRecordInto(std::string_view bytes, IndexRecord* out);
// Whether the CRC of an encoded record (kIndexRecordSize bytes) checks out.
bool IndexRecordChecksumOk(std::string_view bytes);
// The fields of an encoded record at `bytes`, nothing checked: for records
// whose CRC was checked already (index_map.h).
void DecodeIndexRecordFields(const char* bytes, IndexRecord* out);
// The modseq field of an encoded record (kIndexRecordSize bytes), unchecked:
// enough to tell whether a record was rewritten since a snapshot.
uint64_t RecordModseq(std::string_view bytes);

// Little-endian helpers for the fixed layouts. Inline: SELECT decodes every
// record of the index, a dozen fields each.
inline void PutU16(char* at, uint16_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  std::memcpy(at, &v, sizeof v);
}
inline void PutU32(char* at, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(at, &v, sizeof v);
}
inline void PutU64(char* at, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(at, &v, sizeof v);
}
inline uint16_t GetU16(const char* at) {
  uint16_t v;
  std::memcpy(&v, at, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  return v;
}
inline uint32_t GetU32(const char* at) {
  uint32_t v;
  std::memcpy(&v, at, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
inline uint64_t GetU64(const char* at) {
  uint64_t v;
  std::memcpy(&v, at, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// 40 lower-case hex digits of a GUID.
std::string GuidToHex(const std::array<uint8_t, 20>& guid);

}  // namespace satrap::mailbox
