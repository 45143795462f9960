// LIST (RFC 3501 §6.3.8) over mailboxes.db, filtered by the `l` right.
//
// TODO(store): a pattern with a literal prefix could scan only that key
// range; today every LIST scans mailboxes.db once (tens of thousands of keys
// cost a few milliseconds).
#include <algorithm>

#include "base/strings.h"
#include "mailbox/glob.h"
#include "mailbox/names.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

namespace {

// RFC 3501 §5.1: INBOX is case-insensitive; so is its spelling in patterns.
std::string CanonicalPattern(std::string_view pattern, char separator) {
  std::string out(pattern);
  if (out.size() >= 5 && EqualsIgnoreCase(out.substr(0, 5), "INBOX") &&
      (out.size() == 5 || out[5] == separator || out[5] == '*' || out[5] == '%')) {
    for (int i = 0; i < 5; ++i) out[i] = "INBOX"[i];
  }
  return out;
}

}  // namespace

Result<std::vector<ListEntry>> Store::List(const acl::Identity& who, std::string_view pattern) {
  const char separator = ns_.separator();
  const std::string canonical = CanonicalPattern(pattern, separator);
  std::vector<MailboxEntry> all;
  SATRAP_RETURN_IF_ERROR(mboxlist_->ForEach(nullptr, "", [&](const MailboxEntry& e) {
    if (!(e.type & kTypeReserved)) all.push_back(e);
    return true;
  }));
  std::vector<ListEntry> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const MailboxEntry& e = all[i];
    Result<std::string> external = ns_.ToExternal(e.name, who.userid);
    if (!external.ok() || !GlobMatch(canonical, *external, separator)) continue;
    acl::Rights rights = Evaluate(e, who);
    if (!rights.Has(acl::kLookup)) continue;
    ListEntry item;
    item.name = e.name;
    item.rights = rights;
    // Keys sort bytewise, so a child is not always the next key ("a-b" <
    // "a.b"): search for the first key after "name.".
    const std::string child_prefix = e.name + kSeparator;
    auto it = std::lower_bound(all.begin() + static_cast<long>(i) + 1, all.end(), child_prefix,
                               [](const MailboxEntry& x, const std::string& key) { return x.name < key; });
    item.has_children = it != all.end() && it->name.compare(0, child_prefix.size(), child_prefix) == 0;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace satrap::mailbox
