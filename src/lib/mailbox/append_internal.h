// The append core shared by Store::Append (APPEND, LMTP) and Store::Copy
// (COPY, MOVE). Internal to mailbox/.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "mailbox/mboxlist.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

class Mailbox;

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
  // Instead of source_dir_fd/source_name: a handed-over spool file (store.h
  // NewMessage::spool_handoff), already synced, on the folder's file system,
  // holding exactly the message. It is linked straight in as "<uid>." (no
  // named spool file that a killed process could leave behind), or copied
  // when it cannot be linked (not an O_TMPFILE file).
  int source_fd = -1;
};

// Under the target's index lock: quota check and charge (one db
// transaction), link each file as "<uid>." (copying it when the link crosses
// file systems), one folder fsync, cache records, index records, one index
// fdatasync. All or nothing for this target.
Result<AppendResult> AppendToFolder(Store& store, const MailboxEntry& entry, int dir_fd,
                                    const std::vector<PreparedMessage>& messages,
                                    quota::QuotaCheck check);

// The bytes of a NewMessage for parsing: its `data`, or its spool file
// mapped read-only (never copied to the heap). Move-only; unmaps on
// destruction.
class MappedMessage {
 public:
  // kInvalid when the spool range lies outside the file.
  static Result<MappedMessage> Map(const NewMessage& message);
  MappedMessage(MappedMessage&& other) noexcept;
  MappedMessage& operator=(MappedMessage&&) = delete;
  ~MappedMessage();
  std::string_view bytes() const { return bytes_; }

 private:
  MappedMessage() = default;
  void* map_ = nullptr;
  size_t map_length_ = 0;
  std::string_view bytes_;
};

// Puts `message` into the folder `dir_fd` under the spool name `name`,
// synced: written from its data, or linked from a handed-over spool file
// (fdatasync of the spool file once, remembered in *spool_synced) when it
// holds exactly the message and the link stays on one file system, else
// copied (store.h NewMessage).
Status PlaceSpoolFile(const NewMessage& message, int dir_fd, const std::string& name,
                      mode_t mode, bool* spool_synced);

// Links `source_name` into `dir_fd` as `target_name`, or copies it there
// (temp file, fsync, rename) when a link would cross file systems.
Status LinkOrCopyFile(int source_dir_fd, const std::string& source_name, int dir_fd,
                      const std::string& target_name, mode_t mode);

// The messages `msgnos` of an open mailbox, ready for AppendToFolder (flags
// and keywords as the caller sees them; messages expunged meanwhile are
// skipped). Their uids go to `uids`.
Result<std::vector<PreparedMessage>> PrepareFromMailbox(Mailbox& source,
                                                        std::span<const uint32_t> msgnos,
                                                        std::vector<uint32_t>* uids);

// SHA-1 of `data`.
std::array<uint8_t, 20> Sha1(std::string_view data);

}  // namespace satrap::mailbox
