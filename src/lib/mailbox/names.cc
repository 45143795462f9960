#include "mailbox/names.h"

#include "base/strings.h"

namespace satrap::mailbox {

namespace {

bool IsModifiedBase64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == ',';
}

// A domain is a DNS name: letters, digits, '-' and '.', no empty labels.
Status ValidateDomain(std::string_view domain) {
  if (domain.empty()) return Status::Invalid("empty domain");
  for (std::string_view label : Split(domain, '.')) {
    if (label.empty()) return Status::Invalid("empty label in domain");
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
      if (!ok) return Status::Invalid("bad character in domain");
    }
  }
  return Status::Ok();
}

// Splits "domain!local"; no '!' means no domain.
void SplitDomain(std::string_view name, std::string_view* domain, std::string_view* local) {
  size_t bang = name.find('!');
  if (bang == std::string_view::npos) {
    *domain = {};
    *local = name;
  } else {
    *domain = name.substr(0, bang);
    *local = name.substr(bang + 1);
  }
}

}  // namespace

bool IsValidModifiedUtf7(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') continue;
    size_t j = i + 1;
    while (j < text.size() && IsModifiedBase64(text[j])) ++j;
    if (j >= text.size() || text[j] != '-') return false;
    // RFC 3501 §5.1.3: "&-" is '&'; a run must encode whole UTF-16 units, so
    // N 16-bit units take ceil(16N/6) digits, so a run's length mod 8 is
    // 0, 3 or 6.
    size_t rest = (j - i - 1) % 8;
    if (rest != 0 && rest != 3 && rest != 6) return false;
    i = j;
  }
  return true;
}

Status ValidateComponent(std::string_view component) {
  if (component.empty()) return Status::Invalid("empty name component");
  if (component.front() == '.') return Status::Invalid("hidden name component");
  for (unsigned char c : component) {
    if (c == '.' || c == '/') return Status::Invalid("separator inside a name component");
    if (c < 0x20 || c == 0x7f) return Status::Invalid("control character in name");
    if (c >= 0x80) return Status::Invalid("8-bit character in name (use modified UTF-7)");
    if (c == '!') return Status::Invalid("'!' in name component");
  }
  if (!IsValidModifiedUtf7(component)) return Status::Invalid("malformed modified UTF-7");
  return Status::Ok();
}

Status ValidateName(std::string_view name) {
  if (name.empty()) return Status::Invalid("empty mailbox name");
  if (name.size() > kMaxNameLength) return Status::TooBig("mailbox name too long");
  std::string_view domain, local;
  SplitDomain(name, &domain, &local);
  if (name.find('!') != std::string_view::npos) {
    SATRAP_RETURN_IF_ERROR(ValidateDomain(domain));
  }
  if (local.empty()) return Status::Invalid("empty mailbox name after domain");
  for (std::string_view component : Split(local, kSeparator)) {
    SATRAP_RETURN_IF_ERROR(ValidateComponent(component));
  }
  return Status::Ok();
}

Result<NameParts> ParseName(std::string_view name) {
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  std::string_view domain, local;
  SplitDomain(name, &domain, &local);
  NameParts parts;
  parts.domain = std::string(domain);
  parts.local = std::string(local);
  std::vector<std::string_view> components = Split(local, kSeparator);
  if (components.size() >= 2 && components[0] == "user") {
    parts.owner = std::string(components[1]);
    for (size_t i = 2; i < components.size(); ++i) parts.folders.emplace_back(components[i]);
  } else {
    for (std::string_view c : components) parts.folders.emplace_back(c);
  }
  return parts;
}

std::optional<std::string> OwnerOf(std::string_view name) {
  Result<NameParts> parts = ParseName(name);
  if (!parts.ok() || !parts->owner) return std::nullopt;
  std::string owner = *parts->owner;
  if (!parts->domain.empty()) owner += "@" + parts->domain;
  return owner;
}

Result<std::string> UserInboxName(std::string_view userid, bool virtdomains) {
  std::string user(userid);
  std::string domain;
  if (virtdomains) {
    size_t at = user.rfind('@');
    if (at != std::string::npos) {
      domain = AsciiLower(user.substr(at + 1));
      user.resize(at);
    }
  }
  for (char& c : user) {
    if (c == '.') c = '^';
  }
  std::string name = domain.empty() ? "user." + user : domain + "!user." + user;
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  return name;
}

bool IsUserInbox(std::string_view name) {
  Result<NameParts> parts = ParseName(name);
  return parts.ok() && parts->owner && parts->folders.empty();
}

std::optional<std::string> ParentName(std::string_view name) {
  if (IsUserInbox(name)) return std::nullopt;
  size_t bang = name.find('!');
  size_t start = bang == std::string_view::npos ? 0 : bang + 1;
  size_t dot = name.rfind(kSeparator);
  if (dot == std::string_view::npos || dot < start) return std::nullopt;
  return std::string(name.substr(0, dot));
}

bool IsSameOrUnder(std::string_view name, std::string_view ancestor) {
  if (name.size() < ancestor.size() || name.substr(0, ancestor.size()) != ancestor) return false;
  return name.size() == ancestor.size() || name[ancestor.size()] == kSeparator;
}

std::string ReplacePrefix(std::string_view name, std::string_view from, std::string_view to) {
  return std::string(to) + std::string(name.substr(from.size()));
}

}  // namespace satrap::mailbox
