// RETR and TOP (RFC 1939 §5, §7): the stored bytes, byte-stuffed, streamed
// from the message file through a fixed buffer (dot_stuffer.h), so a large
// message is never held in memory.
#include <unistd.h>

#include <cerrno>

#include "base/strings.h"
#include "commands.h"
#include "dot_stuffer.h"
#include "log/log.h"
#include "reply.h"

namespace satrap::pop3d {
namespace {

constexpr size_t kChunk = 64 * 1024;

// Sends message `msgno` after `status_line`. Once the "+OK" is out a
// failure cannot be reported in the protocol, and ending the listing early
// would hand the client a truncated message as if whole: the session ends
// instead (no UPDATE, so nothing is deleted).
void SendMessage(Session& s, uint32_t msgno, std::optional<uint32_t> body_lines,
                 std::string_view status_line) {
  Result<UniqueFd> fd = s.maildrop()->OpenMessage(msgno);
  if (!fd.ok()) return s.MessageErrStatus(fd.status(), StringPrintf("open message %u", msgno));
  s.Write(status_line);
  DotStuffer stuffer(body_lines);
  std::string buffer(kChunk, '\0');
  std::string out;
  out.reserve(kChunk + kChunk / 8);
  for (;;) {
    ssize_t n = ::read(fd->get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      log::Error("read message %u: %m session=%s", msgno, s.id().c_str());
      return s.EndAfterCommand();
    }
    if (n == 0) break;
    bool more = stuffer.Feed(std::string_view(buffer.data(), static_cast<size_t>(n)), &out);
    s.Write(out);
    out.clear();
    if (!more) break;
  }
  stuffer.Finish(&out);
  s.Write(out);
}

}  // namespace

void CmdRetr(Session& s, const Command& c) {
  if (c.args.size() != 1) return s.Write(Err("", "Usage: RETR msg"));
  uint32_t msgno = MessageArgument(s, c.args[0]);
  if (msgno == 0) return;
  SendMessage(s, msgno, std::nullopt,
              StringPrintf("+OK %llu octets\r\n",
                           static_cast<unsigned long long>(s.maildrop()->Size(msgno))));
  s.maildrop()->MarkRetrieved(msgno);
}

void CmdTop(Session& s, const Command& c) {
  if (c.args.size() != 2) return s.Write(Err("", "Usage: TOP msg lines"));
  Result<uint32_t> lines = ParseNumber(c.args[1]);
  if (!lines.ok()) return s.Write(Err("", "Invalid number of lines"));
  uint32_t msgno = MessageArgument(s, c.args[0]);
  if (msgno == 0) return;
  SendMessage(s, msgno, *lines, "+OK Top of message follows\r\n");
}

}  // namespace satrap::pop3d
