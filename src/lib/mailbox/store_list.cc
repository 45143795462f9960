// LIST (RFC 3501 §6.3.8) over mailboxes.db, filtered by the `l` right, with
// the levels that have no mailbox of their own (RFC 3501 §7.2.2 \Noselect,
// RFC 5258 \NonExistent).
//
// Only the key range the pattern can reach is read: the literal levels at the
// front of the pattern ("INBOX.Lists." of "INBOX.Lists.%") are translated to
// an internal name and scanned as a prefix; a pattern starting with a
// wildcard scans everything.
#include <algorithm>
#include <set>

#include "base/strings.h"
#include "mailbox/glob.h"
#include "mailbox/names.h"
#include "mailbox/special_use.h"
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

// The internal name whose subtree holds every match of `pattern`, or "" to
// scan everything: the literal levels before the level holding the first
// wildcard.
std::string ScanPrefix(const Namespace& ns, std::string_view pattern, std::string_view userid) {
  const size_t wildcard = pattern.find_first_of("*%");
  if (wildcard == std::string_view::npos) {
    Result<std::string> exact = ns.ToInternal(pattern, userid);
    return exact.ok() ? *exact : "";
  }
  const size_t last_separator = pattern.substr(0, wildcard).rfind(ns.separator());
  if (last_separator == std::string_view::npos) return "";
  Result<std::string> internal = ns.ToInternal(pattern.substr(0, last_separator), userid);
  return internal.ok() ? *internal : "";
}

}  // namespace

Result<std::vector<ListEntry>> Store::List(const acl::Identity& who, std::string_view pattern) {
  const char separator = ns_.separator();
  const std::string canonical = CanonicalPattern(pattern, separator);
  const std::string prefix = ScanPrefix(ns_, canonical, who.userid);
  std::vector<MailboxEntry> all;
  SATRAP_RETURN_IF_ERROR(mboxlist_->ForEach(nullptr, prefix, [&](const MailboxEntry& e) {
    if (!(e.type & kTypeReserved)) all.push_back(e);
    return true;
  }));
  auto exists = [&](const std::string& name) {
    auto it = std::lower_bound(all.begin(), all.end(), name,
                               [](const MailboxEntry& x, const std::string& k) { return x.name < k; });
    return it != all.end() && it->name == name;
  };
  auto matches = [&](const std::string& name) {
    Result<std::string> external = ns_.ToExternal(name, who.userid);
    return external.ok() && GlobMatch(canonical, *external, separator);
  };
  std::vector<ListEntry> out;
  std::set<std::string> levels;  // hierarchy levels without a mailbox, already listed
  for (size_t i = 0; i < all.size(); ++i) {
    const MailboxEntry& e = all[i];
    acl::Rights rights = Evaluate(e, who);
    if (!rights.Has(acl::kLookup)) continue;
    // Levels above a visible mailbox that have no mailbox of their own.
    for (std::optional<std::string> up = ParentName(e.name);
         up && IsSameOrUnder(*up, prefix.empty() ? *up : prefix) && !exists(*up);
         up = ParentName(*up)) {
      if (!levels.count(*up) && matches(*up)) {
        levels.insert(*up);
        out.push_back({*up, acl::Rights(), true, false, false});
      }
    }
    if (!matches(e.name)) continue;
    ListEntry item;
    item.name = e.name;
    item.rights = rights;
    item.special_use = SpecialUseOfType(e.type);
    // Keys sort bytewise, so a child is not always the next key ("a-b" <
    // "a.b"): search for the first key after "name.".
    const std::string child_prefix = e.name + kSeparator;
    auto it = std::lower_bound(all.begin() + static_cast<long>(i) + 1, all.end(), child_prefix,
                               [](const MailboxEntry& x, const std::string& key) { return x.name < key; });
    item.has_children = it != all.end() && it->name.compare(0, child_prefix.size(), child_prefix) == 0;
    out.push_back(std::move(item));
  }
  std::sort(out.begin(), out.end(),
            [](const ListEntry& a, const ListEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace satrap::mailbox
