// TRANSACTION state (RFC 1939 §5): STAT, LIST, UIDL (§7), DELE, RSET, NOOP;
// and QUIT (§4 in AUTHORIZATION, §6 UPDATE in TRANSACTION). Deletions are
// marks in the session until QUIT applies them through the store.
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"
#include "reply.h"

namespace satrap::pop3d {

uint32_t MessageArgument(Session& s, std::string_view arg) {
  Result<uint32_t> msgno = ParseNumber(arg);
  if (!msgno.ok()) {
    s.Write(Err("", "Invalid message number"));
    return 0;
  }
  if (!s.maildrop()->Exists(*msgno)) {
    s.Write(Err("", "No such message"));
    return 0;
  }
  return *msgno;
}

void CmdStat(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "STAT takes no arguments"));
  const Maildrop& m = *s.maildrop();
  s.Ok(StringPrintf("%u %llu", m.live_count(), static_cast<unsigned long long>(m.live_size())));
}

// LIST and UIDL share their shape: one message, or every message as a
// multi-line listing of "msgno value" lines.
template <typename ValueOf>
void Listing(Session& s, const Command& c, std::string_view name, ValueOf value_of) {
  if (c.args.size() > 1) return s.Write(Err("", StringPrintf("Usage: %s [msg]", name.data())));
  Maildrop& m = *s.maildrop();
  if (c.args.size() == 1) {
    uint32_t msgno = MessageArgument(s, c.args[0]);
    if (msgno != 0) s.Ok(StringPrintf("%u %s", msgno, value_of(m, msgno).c_str()));
    return;
  }
  std::string reply = "+OK\r\n";
  for (uint32_t msgno = 1; msgno <= m.count(); ++msgno) {
    if (!m.Exists(msgno)) continue;
    reply += StringPrintf("%u %s\r\n", msgno, value_of(m, msgno).c_str());
    // Bounded output buffer: large listings go out in pieces.
    if (reply.size() >= 64 * 1024) {
      s.Write(reply);
      reply.clear();
    }
  }
  reply += ".\r\n";
  s.Write(reply);
}

void CmdList(Session& s, const Command& c) {
  Listing(s, c, "LIST", [](Maildrop& m, uint32_t msgno) {
    return StringPrintf("%llu", static_cast<unsigned long long>(m.Size(msgno)));
  });
}

void CmdUidl(Session& s, const Command& c) {
  Listing(s, c, "UIDL", [](Maildrop& m, uint32_t msgno) { return m.UniqueId(msgno); });
}

void CmdDele(Session& s, const Command& c) {
  if (c.args.size() != 1) return s.Write(Err("", "Usage: DELE msg"));
  uint32_t msgno = MessageArgument(s, c.args[0]);
  if (msgno == 0) return;
  s.maildrop()->MarkDeleted(msgno);
  s.Ok(StringPrintf("Message %u deleted", msgno));
}

void CmdRset(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "RSET takes no arguments"));
  s.maildrop()->ResetMarks();
  s.Ok(StringPrintf("Maildrop has %u messages", s.maildrop()->count()));
}

void CmdNoop(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "NOOP takes no arguments"));
  s.Ok("");
}

void CmdQuit(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "QUIT takes no arguments"));
  s.EndAfterCommand();
  Maildrop* m = s.maildrop();
  if (m == nullptr) return s.Ok("Bye");
  const size_t marked = m->marked_count();
  Status update = m->Commit();
  if (!update.ok()) {
    // RFC 1939 §6: the session still ends; nothing was half-removed, since
    // the store expunges all the marked messages in one index update or none.
    return s.ErrStatus(update, "UPDATE: expunge");
  }
  if (marked > 0) {
    log::Notice("Expunged %zu messages from INBOX session=%s", marked, s.id().c_str());
  }
  s.Ok("Bye");
}

}  // namespace satrap::pop3d
