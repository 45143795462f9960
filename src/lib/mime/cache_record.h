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
//   u32 CRC-32C of every other byte of the record
//   4 x (u32 length, bytes): envelope, cached headers,
//                            part tree (LEB128 varints, pre-order),
//                            embedded envelopes (a varint count, then each
//                            as a varint length and its bytes)
// The fixed-length prefix lets ViewCacheRecord() hand out ENVELOPE and the
// cached headers as slices of the record without decoding the tree.
//
// BODY and BODYSTRUCTURE are not stored: they are rendered from the tree and
// the embedded envelopes (AppendCachedBodyStructure). Storing both strings
// made every record a quarter larger, and every scan of the cache (FETCH
// ENVELOPE, SEARCH HEADER) reads whole records. Version 2 records, which held
// them between the envelope and the cached headers, are still read.
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

// 2: CRC-32C; 3: BODY and BODYSTRUCTURE rendered, not stored.
inline constexpr uint8_t kCacheRecordVersion = 3;

// Borrowed views into a record; valid while the record's bytes are.
struct CacheRecordView {
  uint8_t version = 0;
  bool headers_cached = true;
  std::string_view envelope;
  std::string_view cached_headers;
  std::string_view part_tree;           // encoded; DecodeCacheRecord() reads it
  std::string_view embedded_envelopes;  // encoded; empty in a version 2 record
  std::string_view v2_body;             // a version 2 record's stored BODY
  std::string_view v2_bodystructure;    // and BODYSTRUCTURE
};

std::string EncodeCacheRecord(const MessageInfo& info);

// What reading a record checks. kStructure leaves out the CRC, for bytes
// whose integrity the caller has already established: the mailbox store
// checks the CRC of each cyrus.cache record, which covers the whole payload,
// and a second pass over every record would cost FETCH 1:* and SEARCH as much
// as the rest of their work.
enum class CacheCheck { kFull, kStructure };

// Checks version, flags, lengths and (kFull) the checksum; O(record size),
// no allocation. Returns kCorrupt on any inconsistency.
Result<CacheRecordView> ViewCacheRecord(std::string_view record,
                                        CacheCheck check = CacheCheck::kFull);

// The whole MessageInfo back. DecodeCacheRecord(EncodeCacheRecord(x)) == x.
// Returns kCorrupt on any inconsistency, including a count of embedded
// envelopes other than the tree's message/rfc822 parts. A version 2 record
// decodes without embedded envelopes (its BODYSTRUCTURE holds them).
Result<MessageInfo> DecodeCacheRecord(std::string_view record,
                                      CacheCheck check = CacheCheck::kFull);

// Appends the record's BODY (`extended` false) or BODYSTRUCTURE to `out`.
// kCorrupt, with `out` unchanged, if the tree or the envelopes do not decode.
Status AppendCachedBodyStructure(const CacheRecordView& view, bool extended, std::string* out);

}  // namespace satrap::mime
