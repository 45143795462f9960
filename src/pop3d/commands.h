// The POP3 command table and its handlers (RFC 1939, RFC 2449 CAPA,
// RFC 2595 STLS, RFC 5034 AUTH). commands.cc holds the one table: what
// exists and in which state it is allowed. Handlers live one file per
// family:
//   cmd_auth.cc    USER PASS APOP AUTH STLS (AUTHORIZATION)
//   cmd_capa.cc    CAPA (any state)
//   cmd_maildrop.cc STAT LIST UIDL DELE RSET NOOP (TRANSACTION), QUIT
//   cmd_retr.cc    RETR TOP (TRANSACTION): streamed, byte-stuffed
// A handler validates its own arguments and answers exactly once (one
// status line, plus a multi-line body for listings).
#pragma once

#include <string_view>

#include "command.h"
#include "session.h"

namespace satrap::pop3d {

using Handler = void (*)(Session&, const Command&);

struct CommandEntry {
  std::string_view keyword;
  Handler handler;
  unsigned states;  // SessionState bits
};

// nullptr for an unknown keyword (upper case).
const CommandEntry* FindCommand(std::string_view keyword);

// Parses a message-number argument (RFC 1939 §5) and checks that the
// message exists and is not marked deleted; otherwise queues the -ERR and
// returns 0.
uint32_t MessageArgument(Session& s, std::string_view arg);

// The CAPA lines for the session's current state, each with CRLF, without
// the "+OK" and the final ".".
std::string CapabilityLines(Session& s);

void CmdUser(Session& s, const Command& c);
void CmdPass(Session& s, const Command& c);
void CmdApop(Session& s, const Command& c);
void CmdAuth(Session& s, const Command& c);
void CmdStls(Session& s, const Command& c);
void CmdCapa(Session& s, const Command& c);
void CmdQuit(Session& s, const Command& c);
void CmdStat(Session& s, const Command& c);
void CmdList(Session& s, const Command& c);
void CmdUidl(Session& s, const Command& c);
void CmdDele(Session& s, const Command& c);
void CmdRset(Session& s, const Command& c);
void CmdNoop(Session& s, const Command& c);
void CmdRetr(Session& s, const Command& c);
void CmdTop(Session& s, const Command& c);

}  // namespace satrap::pop3d
