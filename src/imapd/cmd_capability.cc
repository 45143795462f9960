// CAPABILITY (RFC 3501 §6.1.1) and the list it answers. An extension is
// listed only once its commands work; suppress_capabilities removes any.
#include <algorithm>

#include "base/strings.h"
#include "commands.h"

namespace satrap::imapd {
namespace {

// Advertised in every state.
constexpr std::string_view kAlways[] = {"IMAP4rev1", "LITERAL+", "ID", "ENABLE", "SASL-IR"};
// Advertised once authenticated (each implemented by the cmd_*.cc named).
constexpr std::string_view kAfterLogin[] = {
    "NAMESPACE",    // cmd_misc.cc
    "UIDPLUS",      // cmd_expunge.cc, cmd_append.cc, cmd_copy_move.cc
    "UNSELECT",     // cmd_select.cc
    "MOVE",         // cmd_copy_move.cc
    "CHILDREN",     // cmd_list.cc
    "LIST-EXTENDED",
    "LIST-STATUS",
    "SPECIAL-USE",  // cmd_list.cc, cmd_mailbox.cc
    "CREATE-SPECIAL-USE",
    "MULTIAPPEND",  // cmd_append.cc
    "ESEARCH",      // cmd_search.cc
    "IDLE",         // cmd_idle.cc
    "ACL",          // cmd_acl.cc
    "RIGHTS=kxten",
    "QUOTA",        // cmd_quota.cc
    "QUOTA=RES-STORAGE",
    "QUOTA=RES-MESSAGE",
};

}  // namespace

std::string Session::Capabilities() const {
  std::vector<std::string> caps(std::begin(kAlways), std::end(kAlways));
  if (state_ == kNotAuth) {
    if (CanStartTls()) caps.push_back("STARTTLS");
    if (auth_ != nullptr) {
      for (const std::string& mech : auth_->Mechanisms()) caps.push_back("AUTH=" + mech);
      if (!auth_->PlaintextAllowed()) caps.push_back("LOGINDISABLED");
    } else {
      caps.push_back("LOGINDISABLED");
    }
  } else {
    caps.insert(caps.end(), std::begin(kAfterLogin), std::end(kAfterLogin));
  }
  std::vector<std::string> suppressed = config().GetList(ctx_.service_name, "suppress_capabilities");
  std::erase_if(caps, [&](const std::string& cap) {
    return std::any_of(suppressed.begin(), suppressed.end(),
                       [&](const std::string& s) { return EqualsIgnoreCase(s, cap); });
  });
  return Join(caps, " ");
}

void CmdCapability(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("CAPABILITY takes no arguments");
  r.Untagged("CAPABILITY " + s.Capabilities());
  r.Ok("Completed");
}

}  // namespace satrap::imapd
