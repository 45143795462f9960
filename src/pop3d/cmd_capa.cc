// CAPA (RFC 2449 §5), in either state. What is listed follows the session:
// SASL mechanisms, STLS and USER only while they can be used (RFC 2595 §4:
// never STLS after TLS is active), IMPLEMENTATION after login or with
// serverinfo: on.
#include "base/strings.h"
#include "commands.h"
#include "reply.h"

namespace satrap::pop3d {

std::string CapabilityLines(Session& s) {
  std::string lines;
  const bool authorization = s.state() == kAuthorization;
  if (authorization && s.auth() != nullptr) {
    std::vector<std::string> mechanisms = s.auth()->Mechanisms();
    if (!mechanisms.empty()) lines += "SASL " + Join(mechanisms, " ") + "\r\n";
  }
  if (authorization && s.CanStartTls()) lines += "STLS\r\n";
  // RFC 2449 §6.7: EXPIRE in days, or NEVER; §6.5: LOGIN-DELAY in seconds.
  const int64_t expire = s.config().GetDuration("popexpiretime");
  lines += expire < 0 ? std::string("EXPIRE NEVER\r\n")
                      : StringPrintf("EXPIRE %lld\r\n", static_cast<long long>(expire / 86400));
  lines += StringPrintf("LOGIN-DELAY %lld\r\n",
                        static_cast<long long>(s.config().GetDuration("popminpoll")));
  lines += "TOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n";
  if (authorization && s.auth() != nullptr && s.auth()->PlaintextAllowed()) lines += "USER\r\n";
  if (!authorization || s.config().GetString("serverinfo") == "on") {
    lines += "IMPLEMENTATION Satrap POP3\r\n";
  }
  return lines;
}

void CmdCapa(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "CAPA takes no arguments"));
  s.Write("+OK List of capabilities follows\r\n" + CapabilityLines(s) + ".\r\n");
}

}  // namespace satrap::pop3d
