// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE (RFC 3501 §6.3.3-7), with
// CREATE's USE parameter (RFC 6154 §3 CREATE-SPECIAL-USE). The store checks
// names and rights; this file translates names.
#include "base/strings.h"
#include "commands.h"
#include "mailbox/special_use.h"

namespace satrap::imapd {
namespace {

// One mailbox-name argument, translated; answers the command itself on error.
std::optional<std::string> NameArg(Session& s, const protocol::ImapArg& arg, Responder& r,
                                   bool strip_separator = false) {
  std::optional<std::string_view> external = arg.AsAstring();
  if (!external) {
    r.Bad("Invalid mailbox name");
    return std::nullopt;
  }
  std::string_view text = *external;
  // RFC 3501 §6.3.3: "CREATE foo." creates foo.
  if (strip_separator && text.size() > 1 && text.back() == s.ns().separator()) {
    text.remove_suffix(1);
  }
  Result<std::string> name = s.Internal(text);
  if (!name.ok()) {
    if (name.code() == Code::kTooBig) {
      r.No("Mailbox name too long", "[LIMIT]");
    } else {
      r.No("Invalid mailbox name", "[CANNOT]");
    }
    return std::nullopt;
  }
  return std::move(*name);
}

}  // namespace

namespace {

// RFC 4466 §2.2 create-params "(" name [SP value] *(SP ...) ")"; the only
// one known is RFC 6154's USE (attr *(SP attr)). Sets `uses`, or answers the
// command: BAD for bad syntax or an unknown parameter, NO [USEATTR] for an
// attribute this server does not support.
bool ParseCreateParams(const protocol::ImapArg& params, uint32_t* uses, Responder& r) {
  const std::vector<protocol::ImapArg>& p = params.list;
  for (size_t i = 0; i < p.size(); i += 2) {
    if (!p[i].IsAtom() || !EqualsIgnoreCase(p[i].text, "USE") || i + 1 >= p.size() ||
        !p[i + 1].IsList()) {
      r.Bad("Unsupported CREATE parameter");
      return false;
    }
    std::vector<std::string> names;
    for (const protocol::ImapArg& attr : p[i + 1].list) {
      if (!attr.IsAtom()) {
        r.Bad("Invalid special-use attribute");
        return false;
      }
      names.push_back(attr.text);
    }
    Result<uint32_t> parsed = mailbox::ParseSpecialUse(names);
    if (!parsed.ok()) {
      r.No("Unsupported special-use attribute", "[USEATTR]");
      return false;
    }
    *uses |= *parsed;
  }
  return true;
}

}  // namespace

void CmdCreate(Session& s, const Args& a, Responder& r) {
  if (a.args.empty() || a.args.size() > 2 || (a.args.size() == 2 && !a.args[1].IsList())) {
    return r.Bad("Usage: CREATE mailbox [(USE (attributes))]");
  }
  uint32_t uses = 0;
  if (a.args.size() == 2 && !ParseCreateParams(a.args[1], &uses, r)) return;
  std::optional<std::string> name = NameArg(s, a.args[0], r, true);
  if (!name) return;
  // An existing name the caller may see is kExists ([ALREADYEXISTS]) before
  // any rights question (store.h Create).
  Status status = s.store().Create(s.identity(), *name, "", uses);
  // RFC 6154 §3: a special use the server will not give this mailbox.
  if (uses != 0 && status.Is(Code::kNoPermission)) {
    return r.No("Cannot give this mailbox a special use", "[USEATTR]");
  }
  r.Reply(status, "Completed");
}

void CmdDelete(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: DELETE mailbox");
  std::optional<std::string> name = NameArg(s, a.args[0], r);
  if (!name) return;
  // Deleting the selected mailbox would leave the session on a ghost.
  if (s.selected() != nullptr && s.selected()->name() == *name) s.Unselect();
  r.Reply(s.store().Delete(s.identity(), *name), "Completed");
}

// RENAME from to [partition]: the partition is Cyrus's extension, for admins
// (the store refuses others); with to == from it moves just that mailbox.
void CmdRename(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2 && a.args.size() != 3) return r.Bad("Usage: RENAME from to [partition]");
  std::string partition;
  if (a.args.size() == 3) {
    std::optional<std::string_view> text = a.args[2].AsAstring();
    if (!text || text->empty()) return r.Bad("Invalid partition name");
    partition = std::string(*text);
  }
  std::optional<std::string> from = NameArg(s, a.args[0], r);
  if (!from) return;
  std::optional<std::string> to = NameArg(s, a.args[1], r, true);
  if (!to) return;
  if (s.selected() != nullptr && s.selected()->name() == *from) s.Unselect();
  r.Reply(s.store().Rename(s.identity(), *from, *to, partition), "Completed");
}

void CmdSubscribe(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: SUBSCRIBE mailbox");
  std::optional<std::string> name = NameArg(s, a.args[0], r);
  if (!name) return;
  r.Reply(s.store().Subscribe(s.identity(), *name), "Completed");
}

void CmdUnsubscribe(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: UNSUBSCRIBE mailbox");
  std::optional<std::string> name = NameArg(s, a.args[0], r);
  if (!name) return;
  Status status = s.store().Unsubscribe(s.identity(), *name);
  if (status.Is(Code::kNotFound)) return r.No("Not subscribed", "[NONEXISTENT]");
  r.Reply(status, "Completed");
}

}  // namespace satrap::imapd
