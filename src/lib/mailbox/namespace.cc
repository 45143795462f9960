#include "mailbox/namespace.h"

#include "base/strings.h"
#include "mailbox/names.h"

namespace satrap::mailbox {

namespace {

// External separators to internal ones: with unixhierarchysep '/' becomes '.'
// and '.' becomes '^'. kInvalid for a '^' the translation could not undo.
Result<std::string> SeparatorsToInternal(std::string_view external, bool unixhierarchysep) {
  if (!unixhierarchysep) return std::string(external);
  std::string out;
  out.reserve(external.size());
  for (size_t i = 0; i < external.size(); ++i) {
    const char c = external[i];
    if (c == '^') return Status::Invalid("'^' in mailbox name");
    // A level may not start with '.': "INBOX/.." or "INBOX/.hidden".
    if (c == '.' && (i == 0 || external[i - 1] == '/')) {
      return Status::Invalid("hidden mailbox name component");
    }
    out += c == '/' ? '.' : c == '.' ? '^' : c;
  }
  return out;
}

std::string SeparatorsToExternal(std::string_view internal, bool unixhierarchysep) {
  if (!unixhierarchysep) return std::string(internal);
  std::string out;
  out.reserve(internal.size());
  for (char c : internal) out += c == '.' ? '/' : c == '^' ? '.' : c;
  return out;
}

// "INBOX" or "INBOX.<rest>" in any case: returns true and sets *rest (empty
// for the bare INBOX).
bool SplitInbox(std::string_view name, std::string_view* rest) {
  if (name.size() < 5 || !EqualsIgnoreCase(name.substr(0, 5), "INBOX")) return false;
  if (name.size() == 5) {
    *rest = {};
    return true;
  }
  if (name[5] != kSeparator) return false;
  *rest = name.substr(6);
  return true;
}

// `name` == prefix or starts with prefix + '.': sets *rest.
bool SplitPrefix(std::string_view name, std::string_view prefix, std::string_view* rest) {
  if (prefix.empty() || name.substr(0, prefix.size()) != prefix) return false;
  if (name.size() == prefix.size()) {
    *rest = {};
    return true;
  }
  if (name[prefix.size()] != kSeparator) return false;
  *rest = name.substr(prefix.size() + 1);
  return true;
}

}  // namespace

std::string Namespace::DomainOf(std::string_view userid) const {
  if (!options_.virtdomains) return "";
  size_t at = userid.rfind('@');
  return at == std::string_view::npos ? "" : AsciiLower(userid.substr(at + 1));
}

Result<std::string> Namespace::ToInternal(std::string_view external,
                                          std::string_view userid) const {
  if (external.empty()) return Status::Invalid("empty mailbox name");
  if (external.size() > kMaxNameLength) return Status::TooBig("mailbox name too long");
  SATRAP_ASSIGN_OR_RETURN(std::string name,
                          SeparatorsToInternal(external, options_.unixhierarchysep));
  std::string domain = DomainOf(userid);
  if (options_.virtdomains && domain.empty()) {
    // A user without a domain may name one: "user.bob.Sent@example.com".
    size_t at = name.rfind('@');
    if (at != std::string::npos) {
      domain = AsciiLower(name.substr(at + 1));
      name.resize(at);
    }
  }
  std::string local;
  std::string_view rest;
  if (SplitInbox(name, &rest)) {
    if (userid.empty()) return Status::Invalid("INBOX without a user");
    SATRAP_ASSIGN_OR_RETURN(std::string inbox, UserInboxName(userid, options_.virtdomains));
    size_t bang = inbox.find('!');
    local = bang == std::string::npos ? inbox : inbox.substr(bang + 1);
    if (name.size() > 5) local += kSeparator + std::string(rest);
  } else if (!options_.altnamespace) {
    local = name;
  } else if (SplitPrefix(name, options_.userprefix, &rest)) {
    if (rest.empty()) return Status::Invalid("namespace prefix is not a mailbox");
    local = "user." + std::string(rest);
  } else if (SplitPrefix(name, options_.sharedprefix, &rest)) {
    if (rest.empty()) return Status::Invalid("namespace prefix is not a mailbox");
    local = std::string(rest);
  } else {
    if (userid.empty()) return Status::Invalid("no personal namespace");
    SATRAP_ASSIGN_OR_RETURN(std::string inbox, UserInboxName(userid, options_.virtdomains));
    size_t bang = inbox.find('!');
    local = (bang == std::string::npos ? inbox : inbox.substr(bang + 1)) + kSeparator + name;
  }
  std::string internal = domain.empty() ? local : domain + "!" + local;
  SATRAP_RETURN_IF_ERROR(ValidateName(internal));
  return internal;
}

Result<std::string> Namespace::ToExternal(std::string_view internal,
                                          std::string_view userid) const {
  SATRAP_RETURN_IF_ERROR(ValidateName(internal));
  std::string_view domain, local = internal;
  size_t bang = internal.find('!');
  if (bang != std::string_view::npos) {
    domain = internal.substr(0, bang);
    local = internal.substr(bang + 1);
  }
  std::string user_domain = DomainOf(userid);
  std::string suffix;
  if (domain != user_domain) {
    if (!user_domain.empty()) return Status::NotFound("mailbox in another domain");
    suffix = "@" + std::string(domain);
  }
  std::string own_local;
  if (!userid.empty()) {
    Result<std::string> inbox = UserInboxName(userid, options_.virtdomains);
    if (inbox.ok()) {
      size_t b = inbox->find('!');
      own_local = b == std::string::npos ? *inbox : inbox->substr(b + 1);
    }
  }
  std::string out;
  std::string_view rest;
  if (suffix.empty() && !own_local.empty() && SplitPrefix(local, own_local, &rest)) {
    if (rest.empty()) {
      out = "INBOX";
    } else {
      out = options_.altnamespace ? std::string(rest) : "INBOX." + std::string(rest);
    }
  } else if (!options_.altnamespace) {
    out = std::string(local);
  } else if (SplitPrefix(local, "user", &rest) && !rest.empty()) {
    out = options_.userprefix + kSeparator + std::string(rest);
  } else {
    out = options_.sharedprefix + kSeparator + std::string(local);
  }
  return SeparatorsToExternal(out, options_.unixhierarchysep) + suffix;
}

NamespacePrefixes Namespace::Prefixes() const {
  std::string sep(1, separator());
  if (!options_.altnamespace) return {"INBOX" + sep, "user" + sep, ""};
  return {"", options_.userprefix + sep, options_.sharedprefix + sep};
}

}  // namespace satrap::mailbox
