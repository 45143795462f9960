// Subscriptions (RFC 3501 §6.3.6-§6.3.9): <configdirectory>/user/<h>/<user>.sub,
// one internal mailbox name per line, sorted.
#include <algorithm>

#include "base/strings.h"
#include "mailbox/names.h"
#include "mailbox/partition.h"
#include "mailbox/store.h"
#include "mailbox/user_files.h"

namespace satrap::mailbox {

namespace {

std::vector<std::string> ParseLines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view line : Split(text, '\n')) {
    // Cyrus writes "name<TAB>" lines; accept both.
    if (!line.empty() && line.back() == '\t') line.remove_suffix(1);
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

std::string FormatLines(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const std::string& n : names) out += n + "\n";
  return out;
}

}  // namespace

Result<std::string> Store::SubscriptionFile(const acl::Identity& who) const {
  if (who.anonymous || who.userid.empty()) return Status::NoPermission("no subscriptions");
  return UserFilePath(options_.config_directory, who.userid, ".sub", options_.ns.virtdomains);
}

Status Store::Subscribe(const acl::Identity& who, std::string_view name) {
  SATRAP_RETURN_IF_ERROR(LookupWithRights(who, name, acl::kLookup).status());
  SATRAP_ASSIGN_OR_RETURN(std::string path, SubscriptionFile(who));
  return UpdateUserFile(path, static_cast<int>(file_mode()), [&](std::string* text) {
    std::vector<std::string> names = ParseLines(*text);
    names.emplace_back(name);
    *text = FormatLines(std::move(names));
    return Status::Ok();
  });
}

Status Store::Unsubscribe(const acl::Identity& who, std::string_view name) {
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  SATRAP_ASSIGN_OR_RETURN(std::string path, SubscriptionFile(who));
  bool found = false;
  SATRAP_RETURN_IF_ERROR(UpdateUserFile(path, static_cast<int>(file_mode()), [&](std::string* text) {
    std::vector<std::string> names = ParseLines(*text);
    auto it = std::remove(names.begin(), names.end(), std::string(name));
    found = it != names.end();
    names.erase(it, names.end());
    *text = FormatLines(std::move(names));
    return Status::Ok();
  }));
  return found ? Status::Ok() : Status::NotFound("not subscribed");
}

Result<std::vector<std::string>> Store::Subscriptions(const acl::Identity& who) {
  SATRAP_ASSIGN_OR_RETURN(std::string path, SubscriptionFile(who));
  SATRAP_ASSIGN_OR_RETURN(std::string text, ReadUserFile(path));
  return ParseLines(text);
}

void Store::RenameSubscriptions(const acl::Identity& who, std::string_view from,
                                std::string_view to) {
  Result<std::string> path = SubscriptionFile(who);
  if (!path.ok()) return;
  (void)UpdateUserFile(*path, static_cast<int>(file_mode()), [&](std::string* text) {
    std::vector<std::string> names = ParseLines(*text);
    for (std::string& n : names) {
      if (IsSameOrUnder(n, from)) n = ReplacePrefix(n, from, to);
    }
    *text = FormatLines(std::move(names));
    return Status::Ok();
  });
}

}  // namespace satrap::mailbox
