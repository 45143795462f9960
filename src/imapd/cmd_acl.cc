// RFC 4314 ACL commands: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS.
// The store checks the `a` right (and admin status); this file only
// translates names and formats rights.
#include "acl/acl.h"
#include "base/strings.h"
#include "commands.h"
#include "protocol/imap_output.h"

namespace satrap::imapd {
namespace {

struct Target {
  std::string external;
  std::string internal;
};

std::optional<Target> MailboxArg(Session& s, const protocol::ImapArg& arg, Responder& r) {
  std::optional<std::string_view> external = arg.AsAstring();
  if (!external) {
    r.Bad("Invalid mailbox name");
    return std::nullopt;
  }
  Result<std::string> internal = s.Internal(*external);
  if (!internal.ok()) {
    r.No("Mailbox does not exist", "[NONEXISTENT]");
    return std::nullopt;
  }
  return Target{std::string(*external), std::move(*internal)};
}

const acl::RightsSyntax& Syntax(Session& s) { return s.store().options().rights_syntax; }

// The owner of a personal mailbox ("alice" for user.alice.Sent), if any.
std::string OwnerOf(std::string_view internal) {
  std::string_view name = internal;
  size_t bang = name.find('!');
  if (bang != std::string_view::npos) name.remove_prefix(bang + 1);
  if (name.substr(0, 5) != "user.") return "";
  name.remove_prefix(5);
  return std::string(name.substr(0, name.find('.')));
}

}  // namespace

void CmdSetAcl(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 3) return r.Bad("Usage: SETACL mailbox identifier rights");
  std::optional<Target> target = MailboxArg(s, a.args[0], r);
  if (!target) return;
  std::optional<std::string_view> identifier = a.args[1].AsAstring();
  std::optional<std::string_view> rights = a.args[2].AsAstring();
  if (!identifier || !rights || identifier->empty()) return r.Bad("Invalid identifier or rights");
  if (!acl::ParseRightsChange(*rights, Syntax(s)).ok()) {
    return r.Bad("Invalid rights");
  }
  r.Reply(s.store().SetAcl(s.identity(), target->internal, *identifier, *rights), "Completed");
}

void CmdDeleteAcl(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2) return r.Bad("Usage: DELETEACL mailbox identifier");
  std::optional<Target> target = MailboxArg(s, a.args[0], r);
  if (!target) return;
  std::optional<std::string_view> identifier = a.args[1].AsAstring();
  if (!identifier || identifier->empty()) return r.Bad("Invalid identifier");
  r.Reply(s.store().DeleteAcl(s.identity(), target->internal, *identifier), "Completed");
}

void CmdGetAcl(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: GETACL mailbox");
  std::optional<Target> target = MailboxArg(s, a.args[0], r);
  if (!target) return;
  Result<acl::Acl> got = s.store().GetAcl(s.identity(), target->internal);
  if (!got.ok()) return r.Fail(got.status());
  std::string line = "ACL ";
  protocol::AppendAstring(&line, target->external);
  for (const acl::AclEntry& entry : got->entries()) {
    line += ' ';
    protocol::AppendAstring(&line, (entry.negative ? "-" : "") + entry.identifier);
    line += ' ';
    protocol::AppendAstring(&line, acl::FormatRights(entry.rights, Syntax(s)));
  }
  r.Untagged(line);
  r.Ok("Completed");
}

void CmdListRights(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2) return r.Bad("Usage: LISTRIGHTS mailbox identifier");
  std::optional<Target> target = MailboxArg(s, a.args[0], r);
  if (!target) return;
  std::optional<std::string_view> identifier = a.args[1].AsAstring();
  if (!identifier || identifier->empty()) return r.Bad("Invalid identifier");
  // RFC 4314 §3.7 needs `l`, `r`, `i`, `k`, `x` or `a`: any right at all.
  Result<acl::Rights> mine = s.store().RightsOn(s.identity(), target->internal);
  if (!mine.ok()) return r.Fail(mine.status());
  acl::Rights required;
  if (*identifier == OwnerOf(target->internal)) {
    required = s.store().options().implicit_owner_rights;
  }
  std::string line = "LISTRIGHTS ";
  protocol::AppendAstring(&line, target->external);
  line += ' ';
  protocol::AppendAstring(&line, *identifier);
  for (const std::string& group : acl::ListRightsGroups(required, Syntax(s))) {
    line += ' ';
    protocol::AppendAstring(&line, group);
  }
  r.Untagged(line);
  r.Ok("Completed");
}

void CmdMyRights(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: MYRIGHTS mailbox");
  std::optional<Target> target = MailboxArg(s, a.args[0], r);
  if (!target) return;
  Result<acl::Rights> rights = s.store().RightsOn(s.identity(), target->internal);
  if (!rights.ok()) return r.Fail(rights.status());
  std::string line = "MYRIGHTS ";
  protocol::AppendAstring(&line, target->external);
  line += ' ';
  protocol::AppendAstring(&line, acl::FormatRights(*rights, Syntax(s)));
  r.Untagged(line);
  r.Ok("Completed");
}

}  // namespace satrap::imapd
