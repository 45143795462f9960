// Flags on the wire (flag_list.h).
#include "flag_list.h"

#include "acl/rights.h"
#include "base/strings.h"
#include "mailbox/index_format.h"
#include "protocol/imap_output.h"

namespace satrap::imapd {
namespace {

struct SystemFlag {
  std::string_view name;
  uint32_t bit;
};
constexpr SystemFlag kSystemFlags[] = {
    {"\\Answered", mailbox::kFlagAnswered}, {"\\Flagged", mailbox::kFlagFlagged},
    {"\\Draft", mailbox::kFlagDraft},       {"\\Deleted", mailbox::kFlagDeleted},
    {"\\Seen", mailbox::kFlagSeen},
};

bool KeywordSet(const mailbox::KeywordBits& bits, size_t n) {
  return n < bits.size() * 32 && ((bits[n / 32] >> (n % 32)) & 1) != 0;
}

}  // namespace

std::string FormatFlags(const mailbox::Mailbox& mailbox, uint32_t msgno) {
  std::string out;
  AppendFlags(mailbox, msgno, &out);
  return out;
}

void AppendFlags(const mailbox::Mailbox& mailbox, uint32_t msgno, std::string* to) {
  mailbox::MessageFlags flags = mailbox.Flags(msgno);
  std::string& out = *to;
  out += '(';
  bool first = true;
  auto add = [&out, &first](std::string_view name) {
    if (!first) out += ' ';
    first = false;
    out.append(name);
  };
  for (const SystemFlag& flag : kSystemFlags) {
    if (flags.system & flag.bit) add(flag.name);
  }
  if (flags.recent) add("\\Recent");
  const std::vector<std::string>& names = mailbox.keywords();
  for (size_t i = 0; i < names.size(); ++i) {
    if (KeywordSet(flags.keywords, i)) add(names[i]);
  }
  out += ')';
}

std::string MailboxFlags(const mailbox::Mailbox& mailbox) {
  std::string out = "(\\Answered \\Flagged \\Draft \\Deleted \\Seen";
  for (const std::string& keyword : mailbox.keywords()) out += " " + keyword;
  out += ")";
  return out;
}

std::string PermanentFlags(const mailbox::Mailbox& mailbox) {
  if (mailbox.read_only()) return "()";
  acl::Rights rights = mailbox.rights();
  std::vector<std::string> flags;
  bool write = rights.Has(acl::kWrite);
  if (write) flags.insert(flags.end(), {"\\Answered", "\\Flagged", "\\Draft"});
  if (rights.Has(acl::kDeleteMessage)) flags.push_back("\\Deleted");
  if (rights.Has(acl::kSeen)) flags.push_back("\\Seen");
  if (write) {
    for (const std::string& keyword : mailbox.keywords()) flags.push_back(keyword);
    flags.push_back("\\*");
  }
  return "(" + Join(flags, " ") + ")";
}

Result<ParsedFlags> ParseFlags(std::span<const protocol::ImapArg> flags) {
  ParsedFlags parsed;
  for (const protocol::ImapArg& arg : flags) {
    if (!arg.IsAtom() || arg.text.empty()) return Status::Invalid("flag is not an atom");
    if (arg.text[0] != '\\') {
      // Keywords are atoms; '\' and the list-wildcards are not atom-chars.
      if (!protocol::IsImapAtom(arg.text) || arg.text.find_first_of("%*]") != std::string::npos) {
        return Status::Invalid("bad keyword");
      }
      parsed.keywords.push_back(arg.text);
      continue;
    }
    bool known = false;
    for (const SystemFlag& flag : kSystemFlags) {
      if (EqualsIgnoreCase(arg.text, flag.name)) {
        parsed.system |= flag.bit;
        known = true;
      }
    }
    if (!known) return Status::Invalid("unknown system flag");
  }
  return parsed;
}

}  // namespace satrap::imapd
