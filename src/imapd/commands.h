// The command table: every IMAP command imapd knows, the states it is
// allowed in and how it interacts with the selected mailbox's sequence
// numbers (commands.cc holds the one constexpr table; handlers live one file
// per family, cmd_*.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "quota/quota.h"
#include "session.h"

namespace satrap::imapd {

// Flags of a command.
enum CommandFlag : uint8_t {
  // Uses message sequence numbers in its arguments or results (FETCH, STORE,
  // SEARCH, COPY): no EXPUNGE may be sent while it runs or as it ends (RFC
  // 3501 §7.4.1), unless it is the UID form.
  kUsesSeqs = 1,
  // Renumbers messages itself (EXPUNGE): reports its own expunges.
  kBreaksSeqs = 2,
  // Changes which mailbox is selected (SELECT, CLOSE, UNSELECT, LOGOUT):
  // no updates of the old mailbox are reported after it.
  kBreaksMailbox = 4,
  // The UID form of a command ("UID FETCH").
  kUid = 8,
};

using Handler = void (*)(Session& session, const Args& args, Responder& r);

struct Command {
  std::string_view name;  // upper case; "UID FETCH" for UID forms
  Handler handler;
  uint8_t states;  // StateBit mask
  uint8_t flags;   // CommandFlag mask
};

// The entry for `name` (upper case, "UID FETCH" form), or nullptr.
const Command* FindCommand(std::string_view name);

// RFC 3501 §6.3.11: before the "+" of APPEND's first synchronising message
// literal, the client must learn that the command cannot succeed (target
// missing: NO [TRYCREATE]; no `i` right; not logged in). The completion line
// without its tag ("NO [TRYCREATE] ..."), or "" when the literal may come.
std::string RefuseAppendEarly(Session& s, const protocol::ImapArg& mailbox_arg);

// quotawarn (Cyrus warn_about_quota): after an APPEND, COPY or MOVE that
// left the target's quota root at or over the warning level, an untagged
// "* NO [ALERT] Mailbox is at N% of quota" (N: the fullest resource).
// Nothing when `root` is empty.
void WarnAboutQuota(const std::optional<quota::QuotaRoot>& root, Responder& r);

// Handlers (one file per family).
void CmdCapability(Session& s, const Args& a, Responder& r);
void CmdNoop(Session& s, const Args& a, Responder& r);
void CmdLogout(Session& s, const Args& a, Responder& r);
void CmdId(Session& s, const Args& a, Responder& r);
void CmdEnable(Session& s, const Args& a, Responder& r);
void CmdNamespace(Session& s, const Args& a, Responder& r);
void CmdCheck(Session& s, const Args& a, Responder& r);
void CmdLogin(Session& s, const Args& a, Responder& r);
void CmdAuthenticate(Session& s, const Args& a, Responder& r);
void CmdStartTls(Session& s, const Args& a, Responder& r);
void CmdSelect(Session& s, const Args& a, Responder& r);
void CmdExamine(Session& s, const Args& a, Responder& r);
void CmdClose(Session& s, const Args& a, Responder& r);
void CmdUnselect(Session& s, const Args& a, Responder& r);
void CmdCreate(Session& s, const Args& a, Responder& r);
void CmdDelete(Session& s, const Args& a, Responder& r);
void CmdRename(Session& s, const Args& a, Responder& r);
void CmdSubscribe(Session& s, const Args& a, Responder& r);
void CmdUnsubscribe(Session& s, const Args& a, Responder& r);
void CmdList(Session& s, const Args& a, Responder& r);
void CmdLsub(Session& s, const Args& a, Responder& r);
void CmdStatus(Session& s, const Args& a, Responder& r);
void CmdAppend(Session& s, const Args& a, Responder& r);
void CmdFetch(Session& s, const Args& a, Responder& r);
void CmdStore(Session& s, const Args& a, Responder& r);
void CmdExpunge(Session& s, const Args& a, Responder& r);
void CmdCopy(Session& s, const Args& a, Responder& r);
void CmdMove(Session& s, const Args& a, Responder& r);
void CmdSearch(Session& s, const Args& a, Responder& r);
void CmdIdle(Session& s, const Args& a, Responder& r);
void CmdSetAcl(Session& s, const Args& a, Responder& r);
void CmdDeleteAcl(Session& s, const Args& a, Responder& r);
void CmdGetAcl(Session& s, const Args& a, Responder& r);
void CmdListRights(Session& s, const Args& a, Responder& r);
void CmdMyRights(Session& s, const Args& a, Responder& r);
void CmdGetQuota(Session& s, const Args& a, Responder& r);
void CmdGetQuotaRoot(Session& s, const Args& a, Responder& r);
void CmdSetQuota(Session& s, const Args& a, Responder& r);

}  // namespace satrap::imapd
