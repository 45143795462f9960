// Helpers shared by the mime unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/crc32c.h"
#include "mime/cache_record.h"

namespace satrap::mime::testing {

// Test messages are written with "\n" for readability; stored mail has CRLF.
inline std::string Crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// The version 2 cache record (BODY and BODYSTRUCTURE stored between the
// envelope and the cached headers) of what the current-version record
// `record` holds: what a store written before version 3 has on disk. ""
// if `record` does not decode.
inline std::string VersionTwoRecord(std::string_view record) {
  Result<CacheRecordView> view = ViewCacheRecord(record);
  std::string body, bodystructure;
  if (!view.ok() || !AppendCachedBodyStructure(*view, false, &body).ok() ||
      !AppendCachedBodyStructure(*view, true, &bodystructure).ok()) {
    return "";
  }
  auto put32 = [](uint32_t v, std::string* out) {
    for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
  };
  std::string out;
  out.push_back(2);
  out.push_back(view->headers_cached ? 0 : 1);
  put32(0, &out);  // CRC, filled in below
  for (std::string_view field : {view->envelope, std::string_view(body),
                                 std::string_view(bodystructure), view->cached_headers,
                                 view->part_tree}) {
    put32(static_cast<uint32_t>(field.size()), &out);
    out.append(field);
  }
  const std::string_view all(out);
  std::string crc;
  put32(Crc32c(all.substr(6), Crc32c(all.substr(0, 2))), &crc);
  out.replace(2, 4, crc);
  return out;
}

}  // namespace satrap::mime::testing
