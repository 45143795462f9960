// CRC-32C (Castagnoli), the one checksum of every on-disk format:
// cyrus.index records, cyrus.cache records and the cache record payload,
// cyrus.header. x86-64 computes it with the SSE 4.2 crc32 instruction, 8
// bytes a step: SELECT checks one per index record, FETCH 1:* and SEARCH one
// per cache record, and zlib's CRC-32 took 2 ms of a 20,000-message SELECT
// where this takes 0.13. Other CPUs use a table, with the same results.
#pragma once

#include <cstdint>
#include <string_view>

namespace satrap {

// `previous` continues an earlier CRC over the bytes that preceded these
// (0 to start).
uint32_t Crc32c(std::string_view bytes, uint32_t previous = 0);

namespace internal {
// The table version, which Crc32c() uses without SSE 4.2 (for tests).
uint32_t Crc32cPortable(std::string_view bytes, uint32_t previous);
}  // namespace internal

}  // namespace satrap
