// Where things live on disk: partitions, mailbox folders, per-user files.
//
// A partition is a named spool root (`partition-default: /var/spool/cyrus/mail`,
// `defaultpartition: default`). With `hashimapspool: true` a mailbox folder is
// <root>/<h>/<name with '.' as '/'>, where <h> is the first letter of the user
// for user.* names and of the name otherwise, lower-cased, 'q' outside a-z
// (Cyrus dir_hash_c). The Debian guide's tree (001 seed):
//   user.julien.Lists.OpenSSL -> <root>/j/user/julien/Lists/OpenSSL
// Without hashing the letter level is absent. A virtual domain adds
// <root>/domain/<hd>/<domain>/ before it (no <hd> without hashing).
//
// Per-user files sit in configdirectory the same way:
//   <configdirectory>/user/<h>/<userid>.seen   .sub
//
// Every path is built from a name that passed names.h validation, so no
// component can be "..", empty, hidden, or contain '/'. Pure; no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::mailbox {

// Cyrus dir_hash_c (without fulldirhash): see the header comment.
char HashLetter(std::string_view text);

// The folder of `name` relative to its partition root ("j/user/julien/Sent").
// `name` must be valid (names.h); kInvalid otherwise.
Result<std::string> MailboxRelativePath(std::string_view name, bool hashimapspool);

// <configdirectory>/user/<h>/<userid><suffix> (with the domain levels for
// "user@domain" when virtdomains is on). kInvalid for a userid that could
// escape the folder (empty, '/', leading '.', control characters).
Result<std::string> UserFilePath(std::string_view config_directory, std::string_view userid,
                                 std::string_view suffix, bool virtdomains);

// The partitions of one configuration.
class Partitions {
 public:
  Partitions() = default;
  Partitions(std::map<std::string, std::string> roots, std::string default_name)
      : roots_(std::move(roots)), default_name_(std::move(default_name)) {}

  // The root folder of partition `name` ("" means the default). kNotFound
  // when no `partition-NAME` is configured.
  Result<std::string> Root(std::string_view name) const;
  const std::string& default_name() const { return default_name_; }
  const std::map<std::string, std::string>& roots() const { return roots_; }

 private:
  std::map<std::string, std::string> roots_;
  std::string default_name_ = "default";
};

}  // namespace satrap::mailbox
