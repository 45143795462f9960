// UIDL forms (uidl.h), the same strings Cyrus pop3d prints.
#include "pop3d/uidl.h"

#include "base/strings.h"

namespace satrap::pop3d {

UidlFormat ParseUidlFormat(std::string_view value) {
  if (value == "uidonly") return UidlFormat::kUidOnly;
  if (value == "dovecot") return UidlFormat::kDovecot;
  if (value == "courier") return UidlFormat::kCourier;
  return UidlFormat::kCyrus;
}

std::string FormatUidl(UidlFormat format, uint32_t uidvalidity, uint32_t uid) {
  switch (format) {
    case UidlFormat::kUidOnly:
      return StringPrintf("%u", uid);
    case UidlFormat::kDovecot:
      return StringPrintf("%08x%08x", uid, uidvalidity);
    case UidlFormat::kCourier:
      return StringPrintf("%u-%u", uidvalidity, uid);
    case UidlFormat::kCyrus:
      break;
  }
  return StringPrintf("%u.%u", uidvalidity, uid);
}

}  // namespace satrap::pop3d
