// NOOP, CHECK (RFC 3501 §6.1.2, §6.4.1), ID (RFC 2971), ENABLE (RFC 5161)
// and NAMESPACE (RFC 2342).
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"
#include "protocol/imap_output.h"

namespace satrap::imapd {
namespace {

// RFC 2971 §3.3 limits.
constexpr size_t kMaxIdPairs = 30;
constexpr size_t kMaxIdField = 30;
constexpr size_t kMaxIdValue = 1024;

// The client's ID list as one log-safe line, or nullopt if it breaks §3.3.
std::optional<std::string> ParseIdList(const protocol::ImapArg& arg) {
  if (arg.IsNil()) return std::string("NIL");
  if (!arg.IsList() || arg.list.size() % 2 != 0 || arg.list.size() > 2 * kMaxIdPairs) {
    return std::nullopt;
  }
  std::string line;
  for (size_t i = 0; i < arg.list.size(); i += 2) {
    const protocol::ImapArg& field = arg.list[i];
    const protocol::ImapArg& value = arg.list[i + 1];
    if (!field.IsString() || field.text.size() > kMaxIdField) return std::nullopt;
    auto v = value.AsNstring();
    if (!v || (*v && (*v)->size() > kMaxIdValue)) return std::nullopt;
    std::string text = *v ? std::string(**v) : "NIL";
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    if (!line.empty()) line += "; ";
    line += field.text + "=" + text;
  }
  return line;
}

}  // namespace

void CmdNoop(Session& s, const Args& a, Responder& r) {
  (void)s;
  if (!a.args.empty()) return r.Bad("NOOP takes no arguments");
  r.Ok("Completed");
}

void CmdCheck(Session& s, const Args& a, Responder& r) {
  (void)s;
  // Every change is already on disk when its command completes.
  if (!a.args.empty()) return r.Bad("CHECK takes no arguments");
  r.Ok("Completed");
}

void CmdId(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("ID takes one argument");
  std::optional<std::string> client = ParseIdList(a.args[0]);
  if (!client) return r.Bad("Invalid ID list");
  log::Info("client id: %s session=%s", client->c_str(), s.id().c_str());
  if (!s.config().GetBool("imapidresponse")) {
    r.Untagged("ID NIL");
  } else if (s.config().GetString("serverinfo") != "on") {
    r.Untagged("ID (\"name\" \"Satrap\")");
  } else {
    r.Untagged("ID (\"name\" \"Satrap\" \"version\" \"0.1\" \"vendor\" \"Satrap project\" "
               "\"support-url\" \"https://satrap.invalid/\")");
  }
  r.Ok("Completed");
}

void CmdEnable(Session& s, const Args& a, Responder& r) {
  (void)s;
  if (a.args.empty()) return r.Bad("ENABLE needs at least one capability");
  for (const protocol::ImapArg& arg : a.args) {
    if (!arg.IsAtom()) return r.Bad("Invalid capability name");
  }
  // RFC 5161 §3.1: unknown names are ignored; none of ours needs enabling yet.
  r.Untagged("ENABLED");
  r.Ok("Completed");
}

}  // namespace satrap::imapd

namespace satrap::imapd {
namespace {

// One RFC 2342 namespace: (("prefix" "sep")), or NIL when it does not exist.
std::string NamespaceList(const std::string& prefix, char separator, bool present) {
  if (!present) return "NIL";
  std::string out = "((";
  protocol::AppendString(&out, prefix);
  out += " \"";
  out += separator;
  out += "\"))";
  return out;
}

}  // namespace

void CmdNamespace(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("NAMESPACE takes no arguments");
  const mailbox::Namespace& ns = s.ns();
  mailbox::NamespacePrefixes prefixes = ns.Prefixes();
  bool anonymous = s.user() != nullptr && s.user()->identity.anonymous;
  std::string line = "NAMESPACE ";
  line += NamespaceList(prefixes.personal, ns.separator(), !anonymous);
  line += " " + NamespaceList(prefixes.other_users, ns.separator(), true);
  line += " " + NamespaceList(prefixes.shared, ns.separator(), true);
  r.Untagged(line);
  r.Ok("Completed");
}

}  // namespace satrap::imapd
