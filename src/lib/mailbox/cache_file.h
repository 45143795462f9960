// cyrus.cache: what FETCH and SEARCH need from each message, parsed once at
// append (ENVELOPE, the part tree BODYSTRUCTURE is rendered from, header
// fields), so they never reopen the message file.
//
// The file is a sequence of records appended in uid order; the index record
// holds each one's offset and length. `FETCH 1:* (ENVELOPE)` therefore reads
// one contiguous span (ReadCacheSpan). A record:
//    0  length of the whole record   u32
//    4  uid                          u32
//    8  crc32c of bytes 4.. end      u32
//   12  payload                      the MIME module's serialised cache entry
//
// Durability: the cache is derived data. Append writes it before the index
// record that points at it but does not fsync it on its own; a record lost
// or torn by a crash fails its CRC or uid check and is rebuilt from the
// message file (Mailbox::CachePayload, reconstruct). So a cache record is
// never served unless it checks out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::mailbox {

inline constexpr const char* kCacheFileName = "cyrus.cache";
inline constexpr size_t kCacheRecordHead = 12;

std::string EncodeCacheRecord(uint32_t uid, std::string_view payload);
// `bytes` is exactly one record (the index record's cache_length bytes).
// Returns a view of the payload inside `bytes`. kCorrupt when the length,
// uid or CRC does not match.
Result<std::string_view> DecodeCacheRecord(std::string_view bytes, uint32_t uid);

}  // namespace satrap::mailbox
