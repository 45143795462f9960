// STATUS (RFC 3501 §6.3.10).
#include "base/strings.h"
#include "commands.h"
#include "mailbox/index_format.h"
#include "protocol/imap_output.h"
#include "status_items.h"

namespace satrap::imapd {
namespace {

constexpr std::string_view kItems[] = {"MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
                                       "SIZE"};

uint32_t CountUnseen(const mailbox::Mailbox& mb) {
  uint32_t unseen = 0;
  for (uint32_t msgno = 1; msgno <= mb.exists(); ++msgno) {
    if ((mb.Flags(msgno).system & mailbox::kFlagSeen) == 0) ++unseen;
  }
  return unseen;
}

uint64_t TotalSize(const mailbox::Mailbox& mb) {
  uint64_t size = 0;
  for (uint32_t msgno = 1; msgno <= mb.exists(); ++msgno) size += mb.Record(msgno).size;
  return size;
}

// MESSAGES, RECENT, UIDNEXT and UIDVALIDITY come from the index header;
// UNSEEN and SIZE read every record, checked first.
Result<std::string> Format(const mailbox::Mailbox& mb, std::span<const protocol::ImapArg> items) {
  for (const protocol::ImapArg& item : items) {
    if (EqualsIgnoreCase(item.text, "UNSEEN") || EqualsIgnoreCase(item.text, "SIZE")) {
      SATRAP_RETURN_IF_ERROR(mb.Verify(1, mb.exists()));
      break;
    }
  }
  std::string out = "(";
  for (const protocol::ImapArg& item : items) {
    std::string key = AsciiUpper(item.text);
    uint64_t value = 0;
    if (key == "MESSAGES") value = mb.exists();
    if (key == "RECENT") value = mb.recent_count();
    if (key == "UIDNEXT") value = mb.uidnext();
    if (key == "UIDVALIDITY") value = mb.uidvalidity();
    if (key == "UNSEEN") value = CountUnseen(mb);
    if (key == "SIZE") value = TotalSize(mb);
    if (out.size() > 1) out += ' ';
    out += key + " " + std::to_string(value);
  }
  return out + ")";
}

}  // namespace

Status ValidateStatusItems(std::span<const protocol::ImapArg> items) {
  if (items.empty()) return Status::Invalid("empty STATUS item list");
  for (const protocol::ImapArg& item : items) {
    if (!item.IsAtom()) return Status::Invalid("STATUS item is not an atom");
    bool known = false;
    for (std::string_view k : kItems) known = known || EqualsIgnoreCase(k, item.text);
    if (!known) return Status::Invalid("unknown STATUS item");
  }
  return Status();
}

Result<std::string> StatusOf(Session& s, const std::string& name,
                             std::span<const protocol::ImapArg> items) {
  if (s.selected() != nullptr && s.selected()->name() == name) {
    return Format(*s.selected(), items);
  }
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<mailbox::Mailbox> mb,
                          s.store().Open(s.identity(), name, /*read_only=*/true));
  return Format(*mb, items);
}

void CmdStatus(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2 || !a.args[1].IsList()) return r.Bad("Usage: STATUS mailbox (items)");
  std::optional<std::string_view> external = a.args[0].AsAstring();
  if (!external) return r.Bad("Invalid mailbox name");
  if (!ValidateStatusItems(a.args[1].list).ok()) return r.Bad("Invalid STATUS items");
  Result<std::string> name = s.Internal(*external);
  if (!name.ok()) return r.No("Mailbox does not exist", "[NONEXISTENT]");
  Result<std::string> status = StatusOf(s, *name, a.args[1].list);
  if (!status.ok()) return r.Fail(status.status());
  std::string line = "STATUS ";
  protocol::AppendAstring(&line, *external);
  r.Untagged(line + " " + *status);
  r.Ok("Completed");
}

}  // namespace satrap::imapd
