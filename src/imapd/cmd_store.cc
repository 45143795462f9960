// STORE and UID STORE (RFC 3501 §6.4.6). The store drops flags the session
// has no right to change and refuses when nothing is left (kNoPermission).
#include "base/strings.h"
#include "commands.h"
#include "flag_list.h"
#include "message_set.h"

namespace satrap::imapd {

void CmdStore(Session& s, const Args& a, Responder& r) {
  if (a.args.size() < 3 || !a.args[1].IsAtom()) return r.Bad("Usage: STORE set item flags");
  std::string item = AsciiUpper(a.args[1].text);
  bool silent = false;
  if (item.size() > 7 && item.compare(item.size() - 7, 7, ".SILENT") == 0) {
    silent = true;
    item.resize(item.size() - 7);
  }
  mailbox::FlagChange change;
  if (item == "FLAGS") {
    change.op = mailbox::FlagOp::kReplace;
  } else if (item == "+FLAGS") {
    change.op = mailbox::FlagOp::kAdd;
  } else if (item == "-FLAGS") {
    change.op = mailbox::FlagOp::kRemove;
  } else {
    return r.Bad("Invalid STORE data item");
  }
  // flag-list, or (RFC 3501 §9 store-att-flags) flags without parentheses.
  std::span<const protocol::ImapArg> flags(a.args.begin() + 2, a.args.end());
  if (a.args.size() == 3 && a.args[2].IsList()) flags = a.args[2].list;
  Result<ParsedFlags> parsed = ParseFlags(flags);
  if (!parsed.ok()) return r.Bad("Invalid flags");
  change.system = parsed->system;
  change.keywords = std::move(parsed->keywords);

  mailbox::Mailbox& mb = *s.selected();
  Result<std::vector<uint32_t>> msgnos = ResolveMessages(mb, a.args[0], a.uid);
  if (!msgnos.ok()) return RefuseMessageSet(msgnos.status(), r);
  if (msgnos->empty()) return r.Ok("Completed");
  if (mb.read_only()) return r.No("Mailbox is read-only", "[READ-ONLY]");
  Result<mailbox::StoreOutcome> outcome = mb.StoreFlags(*msgnos, change);
  if (!outcome.ok()) return r.Fail(outcome.status());
  if (!silent) {
    // Every message named gets its flags back (RFC 3501 §6.4.6), changed or not.
    for (uint32_t msgno : *msgnos) {
      if (mb.IsExpungePending(msgno)) continue;
      std::string line = std::to_string(msgno) + " FETCH (FLAGS " + FormatFlags(mb, msgno);
      if (a.uid) line += " UID " + std::to_string(mb.Uid(msgno));
      r.Untagged(line + ")");
    }
  }
  r.Ok("Completed");
}

}  // namespace satrap::imapd
