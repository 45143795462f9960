// COPY (RFC 3501 §6.4.7), MOVE (RFC 6851) and their UID forms, with the
// RFC 4315 COPYUID response code. A missing target gets [TRYCREATE].
#include "base/strings.h"
#include "commands.h"
#include "message_set.h"
#include "protocol/sequence_set.h"

namespace satrap::imapd {
namespace {

std::string CopyUid(const mailbox::CopyResult& result) {
  return StringPrintf("[COPYUID %u %s %s]", result.uidvalidity,
                      protocol::NumberSet::FromSorted(result.source_uids).ToString().c_str(),
                      protocol::NumberSet::FromSorted(result.uids).ToString().c_str());
}

// The UID sets of COPYUID must correspond pairwise; FromSorted would reorder
// them if the target UIDs were not ascending with the source ones.
bool Ascending(const std::vector<uint32_t>& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] <= v[i - 1]) return false;
  }
  return true;
}

void CopyOrMove(Session& s, const Args& a, Responder& r, bool move) {
  if (a.args.size() != 2) return r.Bad(move ? "Usage: MOVE set mailbox" : "Usage: COPY set mailbox");
  std::optional<std::string_view> external = a.args[1].AsAstring();
  if (!external) return r.Bad("Invalid mailbox name");
  mailbox::Mailbox& mb = *s.selected();
  Result<std::vector<uint32_t>> msgnos = ResolveMessages(mb, a.args[0], a.uid);
  if (!msgnos.ok()) return RefuseMessageSet(msgnos.status(), r);
  Result<std::string> target = s.Internal(*external);
  if (!target.ok()) return r.No("Mailbox does not exist", "[TRYCREATE]");
  if (msgnos->empty()) return r.Ok("Completed");
  Result<mailbox::CopyResult> copied = s.store().Copy(s.identity(), mb, *msgnos, *target, move);
  if (!copied.ok()) {
    if (copied.code() == Code::kNotFound) {
      // The target may be missing, or every message was expunged meanwhile.
      if (!s.store().RightsOn(s.identity(), *target).ok()) {
        return r.No("Mailbox does not exist", "[TRYCREATE]");
      }
      return r.No("Messages were expunged", "[EXPUNGEISSUED]");
    }
    return r.Fail(copied.status());
  }
  WarnAboutQuota(copied->quota_warning, r);
  std::string code;
  if (Ascending(copied->source_uids) && Ascending(copied->uids)) code = CopyUid(*copied);
  if (!move) return r.Ok("Completed", code);
  // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
  if (!code.empty()) r.Untagged("OK " + code + " Moved");
  Result<mailbox::RefreshChanges> changes = mb.Refresh(true);
  if (changes.ok()) s.ReportChanges(*changes, r);
  r.Ok("Completed");
}

}  // namespace

void CmdCopy(Session& s, const Args& a, Responder& r) { CopyOrMove(s, a, r, false); }

void CmdMove(Session& s, const Args& a, Responder& r) { CopyOrMove(s, a, r, true); }

}  // namespace satrap::imapd
