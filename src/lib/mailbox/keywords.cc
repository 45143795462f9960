#include "mailbox/keywords.h"

#include "base/strings.h"

namespace satrap::mailbox {

Result<KeywordBits> MapKeywords(int dir_fd, MailboxHeader* header,
                                const std::vector<std::string>& names, bool create, int file_mode,
                                bool* added) {
  *added = false;
  KeywordBits bits{};
  MailboxHeader updated = *header;
  for (const std::string& name : names) {
    if (!IsValidKeyword(name)) return Status::Invalid("bad keyword: " + name);
    int found = -1;
    for (size_t i = 0; i < updated.keywords.size(); ++i) {
      if (EqualsIgnoreCase(updated.keywords[i], name)) {
        found = static_cast<int>(i);
        break;
      }
    }
    if (found < 0) {
      if (!create) continue;
      if (updated.keywords.size() >= static_cast<size_t>(kMaxKeywords)) {
        return Status::TooBig("too many keywords in this mailbox");
      }
      updated.keywords.push_back(name);
      found = static_cast<int>(updated.keywords.size() - 1);
      *added = true;
    }
    bits[found / 32] |= 1u << (found % 32);
  }
  if (*added) {
    SATRAP_RETURN_IF_ERROR(WriteMailboxHeader(dir_fd, updated, file_mode));
    *header = std::move(updated);
  }
  return bits;
}

}  // namespace satrap::mailbox
