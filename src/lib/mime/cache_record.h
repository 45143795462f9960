// The cyrus.cache record of one message: MessageInfo (message.h) in a
// compact, versioned, checksummed binary form.
//
// Written once by the mailbox store at append; read by imapd for FETCH
// ENVELOPE/BODY/BODYSTRUCTURE/BODY[section] and SEARCH. Pure: bytes in,
// values out; the store does the file I/O and locking.
//
// Layout (all integers little-endian):
//   u8  version (kCacheRecordVersion)
//   u8  flags   (bit 0: the header block was too big to cache)
//   u32 CRC-32 of every other byte of the record
//   5 x (u32 length, bytes): envelope, body, bodystructure, cached headers,
//                            part tree (LEB128 varints, pre-order)
// The fixed-length prefix lets ViewCacheRecord() hand out ENVELOPE as a
// slice of the record without decoding the tree.
//
// Decoding is strict: any inconsistency (short data, trailing bytes, bad
// checksum, unknown version or flags, offsets that do not nest, too many
// parts, too deep) is kCorrupt, so the store can tell a damaged cache from a
// valid one and rebuild it from the message file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "mime/message.h"

namespace satrap::mime {

inline constexpr uint8_t kCacheRecordVersion = 1;

// Borrowed views into a record; valid while the record's bytes are.
struct CacheRecordView {
  uint8_t version = 0;
  bool headers_cached = true;
  std::string_view envelope;
  std::string_view body;
  std::string_view bodystructure;
  std::string_view cached_headers;
  std::string_view part_tree;  // encoded; DecodeCacheRecord() reads it
};

std::string EncodeCacheRecord(const MessageInfo& info);

// Checks version, flags, checksum and lengths; O(record size), no allocation.
// Returns kCorrupt on any inconsistency.
Result<CacheRecordView> ViewCacheRecord(std::string_view record);

// The whole MessageInfo back. DecodeCacheRecord(EncodeCacheRecord(x)) == x.
// Returns kCorrupt on any inconsistency.
Result<MessageInfo> DecodeCacheRecord(std::string_view record);

}  // namespace satrap::mime
