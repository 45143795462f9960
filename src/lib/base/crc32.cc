#include "base/crc32.h"

#include <zlib.h>

namespace satrap {

uint32_t Crc32(std::string_view bytes, uint32_t previous) {
  return static_cast<uint32_t>(crc32_z(previous, reinterpret_cast<const Bytef*>(bytes.data()),
                                       bytes.size()));
}

}  // namespace satrap
