// The POP3 command table (commands.h).
#include "commands.h"

namespace satrap::pop3d {
namespace {

constexpr unsigned kAnyState = kAuthorization | kTransaction;

constexpr CommandEntry kCommands[] = {
    {"USER", CmdUser, kAuthorization},  {"PASS", CmdPass, kAuthorization},
    {"APOP", CmdApop, kAuthorization},  {"AUTH", CmdAuth, kAuthorization},
    {"STLS", CmdStls, kAuthorization},  {"CAPA", CmdCapa, kAnyState},
    {"QUIT", CmdQuit, kAnyState},       {"NOOP", CmdNoop, kTransaction},
    {"STAT", CmdStat, kTransaction},    {"LIST", CmdList, kTransaction},
    {"UIDL", CmdUidl, kTransaction},    {"DELE", CmdDele, kTransaction},
    {"RSET", CmdRset, kTransaction},    {"RETR", CmdRetr, kTransaction},
    {"TOP", CmdTop, kTransaction},
};

}  // namespace

const CommandEntry* FindCommand(std::string_view keyword) {
  for (const CommandEntry& entry : kCommands) {
    if (entry.keyword == keyword) return &entry;
  }
  return nullptr;
}

}  // namespace satrap::pop3d
