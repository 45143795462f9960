// RFC 9208 QUOTA commands: GETQUOTA, GETQUOTAROOT, SETQUOTA, with the
// STORAGE (KiB) and MESSAGE resources. Quota roots are mailbox names and
// travel in the client's namespace like any other name.
#include <algorithm>

#include "base/strings.h"
#include "commands.h"
#include "protocol/imap_output.h"
#include "quota/quota.h"

namespace satrap::imapd {
namespace {

std::string QuotaLine(Session& s, const quota::QuotaRoot& root) {
  std::string line = "QUOTA ";
  std::string external = s.External(root.root);
  protocol::AppendAstring(&line, external.empty() ? root.root : external);
  std::vector<std::string> resources;
  if (root.storage_limit_kb != quota::kUnlimited) {
    resources.push_back(StringPrintf("STORAGE %llu %lld",
                                     static_cast<unsigned long long>(root.used_bytes / 1024),
                                     static_cast<long long>(root.storage_limit_kb)));
  }
  if (root.message_limit != quota::kUnlimited) {
    resources.push_back(StringPrintf("MESSAGE %llu %lld",
                                     static_cast<unsigned long long>(root.used_messages),
                                     static_cast<long long>(root.message_limit)));
  }
  return line + " (" + Join(resources, " ") + ")";
}

// The quota root argument: a mailbox name ("" is not one).
std::optional<std::string> RootArg(Session& s, const protocol::ImapArg& arg, Responder& r) {
  std::optional<std::string_view> external = arg.AsAstring();
  if (!external) {
    r.Bad("Invalid quota root");
    return std::nullopt;
  }
  Result<std::string> internal = s.Internal(*external);
  if (!internal.ok()) {
    r.No("No such quota root", "[NONEXISTENT]");
    return std::nullopt;
  }
  return std::move(*internal);
}

// used/limit in whole percent; -1 without a limit.
int64_t Percent(uint64_t used, int64_t limit) {
  if (limit < 0) return -1;
  if (limit == 0) return used > 0 ? 100 : -1;
  return static_cast<int64_t>(used * 100 / static_cast<uint64_t>(limit));
}

}  // namespace

void WarnAboutQuota(const std::optional<quota::QuotaRoot>& root, Responder& r) {
  if (!root) return;
  int64_t percent = std::max(Percent(root->used_bytes / 1024, root->storage_limit_kb),
                             Percent(root->used_messages, root->message_limit));
  if (percent < 0) return;
  r.Untagged(StringPrintf("NO [ALERT] Mailbox is at %lld%% of quota",
                          static_cast<long long>(percent)));
}

void CmdGetQuota(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: GETQUOTA root");
  std::optional<std::string> root = RootArg(s, a.args[0], r);
  if (!root) return;
  Result<quota::QuotaRoot> got = s.store().GetQuota(s.identity(), *root);
  if (!got.ok()) {
    if (got.code() == Code::kNotFound) return r.No("No such quota root", "[NONEXISTENT]");
    return r.Fail(got.status());
  }
  r.Untagged(QuotaLine(s, *got));
  r.Ok("Completed");
}

void CmdGetQuotaRoot(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 1) return r.Bad("Usage: GETQUOTAROOT mailbox");
  std::optional<std::string_view> external = a.args[0].AsAstring();
  if (!external) return r.Bad("Invalid mailbox name");
  Result<std::string> name = s.Internal(*external);
  if (!name.ok()) return r.No("Mailbox does not exist", "[NONEXISTENT]");
  Result<std::optional<quota::QuotaRoot>> root = s.store().QuotaRootOf(s.identity(), *name);
  if (!root.ok()) return r.Fail(root.status());
  std::string line = "QUOTAROOT ";
  protocol::AppendAstring(&line, *external);
  if (*root) {
    line += ' ';
    std::string root_name = s.External((*root)->root);
    protocol::AppendAstring(&line, root_name.empty() ? (*root)->root : root_name);
  }
  r.Untagged(line);
  if (*root) r.Untagged(QuotaLine(s, **root));
  r.Ok("Completed");
}

void CmdSetQuota(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2 || !a.args[1].IsList() || a.args[1].list.size() % 2 != 0) {
    return r.Bad("Usage: SETQUOTA root (resource limit ...)");
  }
  std::optional<std::string> root = RootArg(s, a.args[0], r);
  if (!root) return;
  int64_t storage = quota::kUnlimited;
  int64_t messages = quota::kUnlimited;
  const std::vector<protocol::ImapArg>& list = a.args[1].list;
  for (size_t i = 0; i < list.size(); i += 2) {
    std::optional<uint32_t> limit = list[i + 1].AsNumber();
    if (!list[i].IsAtom() || !limit) return r.Bad("Invalid quota limit");
    std::string resource = AsciiUpper(list[i].text);
    if (resource == "STORAGE") {
      storage = *limit;
    } else if (resource == "MESSAGE") {
      messages = *limit;
    } else {
      return r.No("Unsupported quota resource", "[CANNOT]");
    }
  }
  r.Reply(s.store().SetQuota(s.identity(), *root, storage, messages), "Completed");
}

}  // namespace satrap::imapd
