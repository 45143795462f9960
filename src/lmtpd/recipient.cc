#include "lmtpd/recipient.h"

#include "base/strings.h"
#include "mailbox/names.h"

namespace satrap::lmtpd {

RecipientOptions RecipientOptions::FromConfig(const config::Config& config) {
  RecipientOptions options;
  options.downcase = config.GetBool("lmtp_downcase_rcpt");
  options.virtdomains = config.GetString("virtdomains") != "off";
  options.defaultdomain = AsciiLower(config.GetString("defaultdomain"));
  options.postuser = config.GetString("postuser");
  options.unixhierarchysep = config.GetBool("unixhierarchysep");
  return options;
}

std::string FolderToInternal(std::string_view folder, bool unixhierarchysep) {
  std::string out(folder);
  if (!unixhierarchysep) return out;
  for (char& c : out) {
    if (c == '.') {
      c = '^';
    } else if (c == '/') {
      c = '.';
    }
  }
  return out;
}

namespace {

// The domain part of the internal name ("example.com!"), or "" when the
// recipient lives in the default domain or domains are off.
std::string DomainPrefix(std::string_view domain, const RecipientOptions& options) {
  if (!options.virtdomains || domain.empty() || domain == options.defaultdomain) return "";
  return std::string(domain) + "!";
}

Result<Recipient> ResolveShared(Recipient recipient, std::string_view domain,
                                const RecipientOptions& options) {
  recipient.kind = Recipient::Kind::kShared;
  if (recipient.detail.empty()) return Status::Invalid("no shared folder named");
  recipient.folder = DomainPrefix(domain, options) +
                     FolderToInternal(recipient.detail, options.unixhierarchysep);
  SATRAP_RETURN_IF_ERROR(mailbox::ValidateName(recipient.folder));
  if (mailbox::OwnerOf(recipient.folder).has_value()) {
    // postuser+user.bob would reach another user's folders by a side door;
    // Cyrus refuses shared names under the user hierarchy too.
    return Status::Invalid("shared folder lies under user.");
  }
  return recipient;
}

}  // namespace

Result<Recipient> ResolveAddress(const protocol::MailPath& path,
                                 const RecipientOptions& options) {
  Recipient recipient;
  recipient.address = path.Address();
  std::string_view local = path.local_part;
  std::string user(local.substr(0, local.find('+')));
  if (size_t plus = local.find('+'); plus != std::string_view::npos) {
    recipient.detail = std::string(local.substr(plus + 1));
  }
  if (options.downcase) user = AsciiLower(user);
  const std::string domain = AsciiLower(path.domain);
  const bool has_plus = local.find('+') != std::string_view::npos;
  if (has_plus && (user.empty() || (!options.postuser.empty() && user == options.postuser))) {
    return ResolveShared(std::move(recipient), domain, options);
  }
  if (user.empty()) return Status::Invalid("empty user part");

  recipient.kind = Recipient::Kind::kUser;
  recipient.userid = user;
  if (options.virtdomains && !domain.empty() && domain != options.defaultdomain) {
    recipient.userid += "@" + domain;
  }
  SATRAP_ASSIGN_OR_RETURN(recipient.inbox,
                          mailbox::UserInboxName(recipient.userid, options.virtdomains));
  if (!recipient.detail.empty()) {
    std::string folder =
        recipient.inbox + "." + FolderToInternal(recipient.detail, options.unixhierarchysep);
    // A detail that is no valid name still reaches the user: INBOX.
    if (mailbox::ValidateName(folder).ok()) recipient.folder = std::move(folder);
  }
  return recipient;
}

}  // namespace satrap::lmtpd
