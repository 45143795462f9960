// CRC-32 (the IEEE 802.3 / zlib polynomial), the one checksum of every
// on-disk format: cyrus.index records, cyrus.cache records and the cache
// record payload, cyrus.header. zlib computes it several bytes at a time,
// which matters: FETCH 1:* and SEARCH verify every cache record they read.
#pragma once

#include <cstdint>
#include <string_view>

namespace satrap {

// `previous` continues an earlier CRC over the bytes that preceded these
// (0 to start).
uint32_t Crc32(std::string_view bytes, uint32_t previous = 0);

}  // namespace satrap
