// SELECT, EXAMINE (RFC 3501 §6.3.1-2), CLOSE (§6.4.2), UNSELECT (RFC 3691).
#include "base/strings.h"
#include "commands.h"
#include "flag_list.h"

namespace satrap::imapd {
namespace {

void Open(Session& s, const Args& a, Responder& r, bool read_only) {
  if (a.args.size() != 1) return r.Bad("Usage: SELECT mailbox");
  std::optional<std::string_view> external = a.args[0].AsAstring();
  if (!external) return r.Bad("Invalid mailbox name");
  // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
  s.Unselect();
  Result<std::string> name = s.Internal(*external);
  if (!name.ok()) return r.No("Mailbox does not exist", "[NONEXISTENT]");
  Result<std::unique_ptr<mailbox::Mailbox>> opened = s.store().Open(s.identity(), *name, read_only);
  if (!opened.ok()) return r.Fail(opened.status());
  mailbox::Mailbox& mb = **opened;
  Result<uint32_t> unseen = mb.FirstUnseen();
  if (!unseen.ok()) return r.Fail(unseen.status());
  r.Untagged("FLAGS " + MailboxFlags(mb));
  r.Untagged("OK [PERMANENTFLAGS " + PermanentFlags(mb) + "] Ok");
  r.Untagged(std::to_string(mb.exists()) + " EXISTS");
  r.Untagged(std::to_string(mb.recent_count()) + " RECENT");
  if (*unseen != 0) r.Untagged(StringPrintf("OK [UNSEEN %u] Ok", *unseen));
  r.Untagged(StringPrintf("OK [UIDVALIDITY %u] Ok", mb.uidvalidity()));
  r.Untagged(StringPrintf("OK [UIDNEXT %u] Ok", mb.uidnext()));
  bool ro = mb.read_only();
  s.Select(std::move(*opened));
  r.Ok("Completed", ro ? "[READ-ONLY]" : "[READ-WRITE]");
}

}  // namespace

void CmdSelect(Session& s, const Args& a, Responder& r) { Open(s, a, r, false); }

void CmdExamine(Session& s, const Args& a, Responder& r) { Open(s, a, r, true); }

void CmdClose(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("CLOSE takes no arguments");
  mailbox::Mailbox* mb = s.selected();
  // RFC 3501 §6.4.2: expunge silently, and only when read-write with `e`.
  if (!mb->read_only() && mb->rights().Has(acl::kExpunge)) (void)mb->Expunge(std::nullopt);
  s.Unselect();
  r.Ok("Completed");
}

void CmdUnselect(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("UNSELECT takes no arguments");
  s.Unselect();
  r.Ok("Completed");
}

}  // namespace satrap::imapd
