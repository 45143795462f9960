// The append core shared by Store::Append (APPEND, LMTP) and Store::Copy
// (COPY, MOVE). Internal to mailbox/.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "mailbox/mboxlist.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

// One message ready to be linked into a folder: its bytes are already in a
// synced file (`source_dir_fd`/`source_name`), parsed once.
struct PreparedMessage {
  uint64_t size = 0;
  uint32_t header_size = 0;
  std::array<uint8_t, 20> guid{};
  std::string cache_payload;
  uint32_t system_flags = 0;
  std::vector<std::string> keywords;
  int64_t internal_date = 0;
  int16_t date_zone_minutes = 0;
  int source_dir_fd = -1;
  std::string source_name;
};

// Under the target's index lock: quota check and charge (one db
// transaction), link each file as "<uid>." (copying it when the link crosses
// file systems), one folder fsync, cache records, index records, one index
// fdatasync. All or nothing for this target.
Result<AppendResult> AppendToFolder(Store& store, const MailboxEntry& entry, int dir_fd,
                                    const std::vector<PreparedMessage>& messages,
                                    quota::QuotaCheck check);

// SHA-1 of `data`.
std::array<uint8_t, 20> Sha1(std::string_view data);

}  // namespace satrap::mailbox
