// The command table: the one place to see what imapd implements and when
// each command is allowed (RFC 3501 §6 and the extensions in CAPABILITY).
#include "commands.h"

namespace satrap::imapd {
namespace {

constexpr Command kCommands[] = {
    // RFC 3501 §6.1: any state.
    {"CAPABILITY", CmdCapability, kAnyState, 0},
    {"NOOP", CmdNoop, kAnyState, 0},
    {"LOGOUT", CmdLogout, kAnyState, kBreaksMailbox},
    {"ID", CmdId, kAnyState, 0},  // RFC 2971
    // §6.2: not authenticated.
    {"STARTTLS", CmdStartTls, kNotAuth, 0},
    {"AUTHENTICATE", CmdAuthenticate, kNotAuth, 0},
    {"LOGIN", CmdLogin, kNotAuth, 0},
    // §6.3: authenticated (and selected).
    {"IDLE", CmdIdle, kAuthOrSelected, 0},  // RFC 2177
    {"ENABLE", CmdEnable, kAuth, 0},  // RFC 5161: authenticated state only
    {"NAMESPACE", CmdNamespace, kAuthOrSelected, 0},
    {"SELECT", CmdSelect, kAuthOrSelected, kBreaksMailbox},
    {"EXAMINE", CmdExamine, kAuthOrSelected, kBreaksMailbox},
    {"CREATE", CmdCreate, kAuthOrSelected, 0},
    {"DELETE", CmdDelete, kAuthOrSelected, 0},
    {"RENAME", CmdRename, kAuthOrSelected, 0},
    {"SUBSCRIBE", CmdSubscribe, kAuthOrSelected, 0},
    {"UNSUBSCRIBE", CmdUnsubscribe, kAuthOrSelected, 0},
    {"LIST", CmdList, kAuthOrSelected, 0},
    {"LSUB", CmdLsub, kAuthOrSelected, 0},
    {"STATUS", CmdStatus, kAuthOrSelected, 0},
    {"APPEND", CmdAppend, kAuthOrSelected, 0},
    {"SETACL", CmdSetAcl, kAuthOrSelected, 0},  // RFC 4314
    {"DELETEACL", CmdDeleteAcl, kAuthOrSelected, 0},
    {"GETACL", CmdGetAcl, kAuthOrSelected, 0},
    {"LISTRIGHTS", CmdListRights, kAuthOrSelected, 0},
    {"MYRIGHTS", CmdMyRights, kAuthOrSelected, 0},
    {"GETQUOTA", CmdGetQuota, kAuthOrSelected, 0},  // RFC 9208
    {"GETQUOTAROOT", CmdGetQuotaRoot, kAuthOrSelected, 0},
    {"SETQUOTA", CmdSetQuota, kAuthOrSelected, 0},
    // §6.4: selected.
    {"CHECK", CmdCheck, kSelected, 0},
    {"CLOSE", CmdClose, kSelected, kBreaksMailbox},
    {"UNSELECT", CmdUnselect, kSelected, kBreaksMailbox},  // RFC 3691
    {"EXPUNGE", CmdExpunge, kSelected, kBreaksSeqs},
    {"FETCH", CmdFetch, kSelected, kUsesSeqs},
    {"STORE", CmdStore, kSelected, kUsesSeqs},
    {"SEARCH", CmdSearch, kSelected, kUsesSeqs},
    {"UID SEARCH", CmdSearch, kSelected, kUsesSeqs | kUid},
    {"COPY", CmdCopy, kSelected, kUsesSeqs},
    {"MOVE", CmdMove, kSelected, kBreaksSeqs},  // RFC 6851
    {"UID FETCH", CmdFetch, kSelected, kUsesSeqs | kUid},
    {"UID STORE", CmdStore, kSelected, kUsesSeqs | kUid},
    {"UID COPY", CmdCopy, kSelected, kUsesSeqs | kUid},
    {"UID MOVE", CmdMove, kSelected, kBreaksSeqs | kUid},
    {"UID EXPUNGE", CmdExpunge, kSelected, kBreaksSeqs | kUid},  // RFC 4315
};

}  // namespace

const Command* FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace satrap::imapd
