#include "mailbox/cache_file.h"

#include "base/crc32c.h"
#include "mailbox/index_format.h"

namespace satrap::mailbox {

std::string EncodeCacheRecord(uint32_t uid, std::string_view payload) {
  std::string out(kCacheRecordHead, '\0');
  out.append(payload);
  PutU32(out.data(), static_cast<uint32_t>(out.size()));
  PutU32(out.data() + 4, uid);
  std::string_view view(out);
  PutU32(out.data() + 8, Crc32c(view.substr(kCacheRecordHead), Crc32c(view.substr(4, 4))));
  return out;
}

Result<std::string_view> DecodeCacheRecord(std::string_view bytes, uint32_t uid) {
  if (bytes.size() < kCacheRecordHead) return Status::Corrupt("cyrus.cache: short record");
  if (GetU32(bytes.data()) != bytes.size()) return Status::Corrupt("cyrus.cache: bad length");
  if (GetU32(bytes.data() + 4) != uid) return Status::Corrupt("cyrus.cache: uid mismatch");
  uint32_t crc = Crc32c(bytes.substr(kCacheRecordHead), Crc32c(bytes.substr(4, 4)));
  if (GetU32(bytes.data() + 8) != crc) return Status::Corrupt("cyrus.cache: checksum mismatch");
  return bytes.substr(kCacheRecordHead);
}

}  // namespace satrap::mailbox
