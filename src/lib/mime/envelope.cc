#include "mime/envelope.h"

#include <optional>

#include "mime/header.h"
#include "mime/imap_string.h"

namespace satrap::mime {
namespace {

void AppendOptional(const std::optional<std::string_view>& raw, std::string* out) {
  if (!raw) {
    out->append("NIL");
    return;
  }
  AppendImapString(UnfoldValue(*raw), out);
}

std::vector<Address> AddressesOf(const std::vector<HeaderField>& fields, std::string_view name) {
  std::optional<std::string_view> raw = FindField(fields, name);
  if (!raw) return {};
  return ParseAddressList(*raw);
}

}  // namespace

void AppendAddressList(const std::vector<Address>& addresses, std::string* out) {
  if (addresses.empty()) {
    out->append("NIL");
    return;
  }
  out->push_back('(');
  for (const Address& a : addresses) {
    out->push_back('(');
    switch (a.kind) {
      case Address::Kind::kGroupStart:
        out->append("NIL NIL ");
        AppendImapString(a.mailbox, out);
        out->append(" NIL");
        break;
      case Address::Kind::kGroupEnd:
        out->append("NIL NIL NIL NIL");
        break;
      case Address::Kind::kMailbox:
        AppendImapNStringOrNil(a.name, out);
        out->push_back(' ');
        AppendImapNStringOrNil(a.route, out);
        out->push_back(' ');
        AppendImapString(a.mailbox, out);
        out->push_back(' ');
        AppendImapString(a.host, out);
        break;
    }
    out->push_back(')');
  }
  out->push_back(')');
}

void AppendEnvelope(std::string_view header, std::string* out) {
  std::vector<HeaderField> fields = ParseHeaderFields(header);
  std::vector<Address> from = AddressesOf(fields, "From");
  std::vector<Address> sender = AddressesOf(fields, "Sender");
  std::vector<Address> reply_to = AddressesOf(fields, "Reply-To");
  out->push_back('(');
  AppendOptional(FindField(fields, "Date"), out);
  out->push_back(' ');
  AppendOptional(FindField(fields, "Subject"), out);
  out->push_back(' ');
  AppendAddressList(from, out);
  out->push_back(' ');
  AppendAddressList(sender.empty() ? from : sender, out);
  out->push_back(' ');
  AppendAddressList(reply_to.empty() ? from : reply_to, out);
  for (std::string_view name : {"To", "Cc", "Bcc"}) {
    out->push_back(' ');
    AppendAddressList(AddressesOf(fields, name), out);
  }
  out->push_back(' ');
  AppendOptional(FindField(fields, "In-Reply-To"), out);
  out->push_back(' ');
  AppendOptional(FindField(fields, "Message-ID"), out);
  out->push_back(')');
}

std::string BuildEnvelope(std::string_view header) {
  std::string out;
  AppendEnvelope(header, &out);
  return out;
}

}  // namespace satrap::mime
