#include "acl/acl.h"

#include <algorithm>

#include "base/strings.h"

namespace satrap::acl {
namespace {

constexpr std::string_view kGroupPrefix = "group:";

// Splits "-fred" into ("fred", negative).
std::pair<std::string_view, bool> SplitIdentifier(std::string_view identifier) {
  if (!identifier.empty() && identifier[0] == '-') return {identifier.substr(1), true};
  return {identifier, false};
}

bool IsStorableIdentifier(std::string_view identifier) {
  if (identifier.empty()) return false;
  return identifier.find_first_of(std::string_view("\t\r\n\0", 4)) == std::string_view::npos;
}

}  // namespace

Result<Acl> Acl::Parse(std::string_view text, const RightsSyntax& syntax) {
  Acl acl;
  if (!text.empty() && text.back() == '\t') text.remove_suffix(1);
  if (text.empty()) return acl;
  std::vector<std::string_view> fields = Split(text, '\t');
  if (fields.size() % 2 != 0) return Status::Invalid("ACL entry without rights");
  for (size_t i = 0; i < fields.size(); i += 2) {
    auto [identifier, negative] = SplitIdentifier(fields[i]);
    if (identifier.empty()) return Status::Invalid("empty identifier in ACL");
    Result<Rights> rights = ParseRights(fields[i + 1], syntax);
    if (!rights.ok()) return rights.status().WithContext(std::string(fields[i]));
    RightsChange add{RightsChange::Mode::kAdd, *rights};
    SATRAP_RETURN_IF_ERROR(acl.Apply(fields[i], add));
    // An entry stored with no rights ("fred\t\t") still says something to
    // a reader of the raw database; we drop it, as a SETACL would.
  }
  return acl;
}

std::string Acl::Format(const RightsSyntax& syntax) const {
  std::string out;
  for (const AclEntry& entry : entries_) {
    if (entry.negative) out.push_back('-');
    out.append(entry.identifier);
    out.push_back('\t');
    out.append(FormatRights(entry.rights, syntax));
    out.push_back('\t');
  }
  return out;
}

std::optional<Rights> Acl::Get(std::string_view identifier) const {
  auto [name, negative] = SplitIdentifier(identifier);
  for (const AclEntry& entry : entries_) {
    if (entry.negative == negative && entry.identifier == name) return entry.rights;
  }
  return std::nullopt;
}

Status Acl::Apply(std::string_view identifier, const RightsChange& change) {
  auto [name, negative] = SplitIdentifier(identifier);
  if (!IsStorableIdentifier(name)) return Status::Invalid("invalid ACL identifier");
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AclEntry& e) {
    return e.negative == negative && e.identifier == name;
  });
  Rights current = it == entries_.end() ? Rights() : it->rights;
  Rights updated = ApplyChange(current, change);
  if (updated.empty()) {
    if (it != entries_.end()) entries_.erase(it);
  } else if (it == entries_.end()) {
    entries_.push_back(AclEntry{std::string(name), negative, updated});
  } else {
    it->rights = updated;
  }
  return Status::Ok();
}

bool Acl::Remove(std::string_view identifier) {
  auto [name, negative] = SplitIdentifier(identifier);
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AclEntry& e) {
    return e.negative == negative && e.identifier == name;
  });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

const std::vector<std::string>* Identity::Groups() const {
  return group_lookup ? group_lookup->Get() : &groups;
}

const std::vector<std::string>* GroupLookup::Get() {
  if (!answer_) answer_ = lookup_();
  return answer_->ok() ? &**answer_ : nullptr;
}

namespace {

// Whether `identifier` names `who`; nullopt when it names a group and the
// user's groups could not be looked up.
std::optional<bool> Names(std::string_view identifier, const Identity& who,
                          const EvaluateOptions& options) {
  if (identifier == "anyone") return !who.anonymous || options.anyone_includes_anonymous;
  if (identifier == "anonymous") return who.anonymous;
  if (who.anonymous) return false;
  if (identifier == who.userid) return true;
  if (identifier.substr(0, kGroupPrefix.size()) == kGroupPrefix) {
    std::string_view group = identifier.substr(kGroupPrefix.size());
    const std::vector<std::string>* groups = who.Groups();
    if (groups == nullptr) return std::nullopt;
    return std::find(groups->begin(), groups->end(), group) != groups->end();
  }
  return false;
}

}  // namespace

bool IdentifierMatches(std::string_view identifier, const Identity& who,
                       const EvaluateOptions& options) {
  return Names(identifier, who, options).value_or(false);
}

Rights Evaluate(const Acl& acl, const Identity& who, const EvaluateOptions& options) {
  Rights granted;
  Rights revoked;
  bool unknown_groups = false;
  for (const AclEntry& entry : acl.entries()) {
    std::optional<bool> names = Names(entry.identifier, who, options);
    if (!names) unknown_groups = true;
    if (!names.value_or(false)) continue;
    if (entry.negative) {
      revoked |= entry.rights;
    } else {
      granted |= entry.rights;
    }
  }
  // Without the user's groups, a negative group entry could be missed: the
  // ACL grants nothing (fail closed).
  Rights rights = unknown_groups ? Rights() : granted - revoked;
  if (who.is_admin) rights |= kLookup | kAdmin;
  if (options.is_owner && !who.anonymous) rights |= options.implicit_owner_rights;
  return rights;
}

}  // namespace satrap::acl
