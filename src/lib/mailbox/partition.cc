#include "mailbox/partition.h"

#include "base/file.h"
#include "base/strings.h"
#include "mailbox/names.h"

namespace satrap::mailbox {

char HashLetter(std::string_view text) {
  if (text.substr(0, kUserPrefix.size()) == kUserPrefix) text.remove_prefix(kUserPrefix.size());
  if (text.empty()) return 'q';
  char c = text[0];
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return (c >= 'a' && c <= 'z') ? c : 'q';
}

Result<std::string> MailboxRelativePath(std::string_view name, bool hashimapspool) {
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  std::string_view domain, local = name;
  size_t bang = name.find('!');
  if (bang != std::string_view::npos) {
    domain = name.substr(0, bang);
    local = name.substr(bang + 1);
  }
  std::string path;
  if (!domain.empty()) {
    path = "domain/";
    if (hashimapspool) path += std::string(1, HashLetter(domain)) + "/";
    path += std::string(domain) + "/";
  }
  if (hashimapspool) path += std::string(1, HashLetter(local)) + "/";
  for (char c : local) path += c == kSeparator ? '/' : c;
  return path;
}

Result<std::string> UserFilePath(std::string_view config_directory, std::string_view userid,
                                 std::string_view suffix, bool virtdomains) {
  if (userid.empty() || userid.front() == '.') return Status::Invalid("bad userid for a path");
  for (unsigned char c : userid) {
    if (c == '/' || c < 0x20 || c == 0x7f) return Status::Invalid("bad userid for a path");
  }
  std::string user(userid);
  std::string prefix = std::string(config_directory) + "/";
  if (virtdomains) {
    size_t at = user.rfind('@');
    if (at != std::string::npos) {
      std::string domain = AsciiLower(user.substr(at + 1));
      user.resize(at);
      if (domain.empty() || domain.front() == '.' || user.empty()) {
        return Status::Invalid("bad userid for a path");
      }
      prefix += "domain/" + std::string(1, HashLetter(domain)) + "/" + domain + "/";
    }
  }
  return prefix + "user/" + std::string(1, HashLetter(user)) + "/" + user + std::string(suffix);
}

Result<std::string> Partitions::Root(std::string_view name) const {
  std::string key(name.empty() ? std::string_view(default_name_) : name);
  auto it = roots_.find(key);
  if (it == roots_.end()) return Status::NotFound("no partition-" + key + " configured");
  return it->second;
}

}  // namespace satrap::mailbox
