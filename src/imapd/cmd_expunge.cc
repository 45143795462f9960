// EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1).
#include "commands.h"
#include "message_set.h"

namespace satrap::imapd {

void CmdExpunge(Session& s, const Args& a, Responder& r) {
  mailbox::Mailbox& mb = *s.selected();
  std::optional<std::vector<uint32_t>> uids;
  if (a.uid) {
    if (a.args.size() != 1) return r.Bad("Usage: UID EXPUNGE set");
    Result<std::vector<uint32_t>> msgnos = ResolveMessages(mb, a.args[0], true);
    if (!msgnos.ok()) return RefuseMessageSet(msgnos.status(), r);
    uids.emplace();
    for (uint32_t msgno : *msgnos) uids->push_back(mb.Uid(msgno));
  } else if (!a.args.empty()) {
    return r.Bad("EXPUNGE takes no arguments");
  }
  if (mb.read_only()) return r.No("Mailbox is read-only", "[READ-ONLY]");
  std::optional<std::span<const uint32_t>> which;
  if (uids) which = std::span<const uint32_t>(*uids);
  Result<mailbox::RefreshChanges> changes = mb.Expunge(which);
  if (!changes.ok()) return r.Fail(changes.status());
  s.ReportChanges(*changes, r);
  r.Ok("Completed");
}

}  // namespace satrap::imapd
