// lmtpd_store_tool: prepares and inspects a test installation's store for
// lmtpd's end-to-end tests (tests/e2e/test_lmtp_*.py), through the store's
// own API. Test-only; not installed. Runs as whoever calls it (the tests
// run it as the cyrus user).
//
//   lmtpd_store_tool IMAPD_CONF create USER           USER's INBOX
//   lmtpd_store_tool IMAPD_CONF mkmailbox NAME        any mailbox (internal name), as admin
//   lmtpd_store_tool IMAPD_CONF setacl NAME ID RIGHTS
//   lmtpd_store_tool IMAPD_CONF setquota ROOT KB      STORAGE limit in KiB
//   lmtpd_store_tool IMAPD_CONF show NAME             "uids U1 U2 ..."
//   lmtpd_store_tool IMAPD_CONF cat NAME UID          the message bytes
//   lmtpd_store_tool IMAPD_CONF field NAME HEADER     per message "UID value-of-HEADER"
#include <strings.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "config/imapd_config.h"
#include "mailbox/mailbox.h"
#include "mailbox/names.h"
#include "mailbox/store.h"

namespace {

using satrap::Result;
using satrap::Status;
namespace mailbox = satrap::mailbox;

int Fail(const Status& status) {
  std::fprintf(stderr, "lmtpd_store_tool: %s\n", status.ToString().c_str());
  return 1;
}

int Check(const Status& status) { return status.ok() ? 0 : Fail(status); }

// The value of the first `header` field of `message`, unfolded no further
// than its first line ("" when absent).
std::string FieldOf(const std::string& message, const std::string& header) {
  size_t pos = 0;
  while (pos < message.size()) {
    size_t end = message.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;  // end of the header
    std::string_view line(message.data() + pos, end - pos);
    if (line.size() > header.size() && line[header.size()] == ':' &&
        strncasecmp(line.data(), header.c_str(), header.size()) == 0) {
      std::string_view value = line.substr(header.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    pos = end + 2;
  }
  return "";
}

int Show(mailbox::Store& store, const satrap::acl::Identity& admin, const std::string& name,
         const char* cat_uid, const char* field = nullptr) {
  // Admins hold only l and a on users' mailboxes; the owner may read them.
  std::optional<std::string> owner = mailbox::OwnerOf(name);
  satrap::acl::Identity reader = owner.has_value() ? store.MakeIdentity(*owner) : admin;
  auto box = store.Open(reader, name, /*read_only=*/true);
  if (!box.ok()) return Fail(box.status());
  if (cat_uid != nullptr) {
    const uint32_t msgno = (*box)->MsgnoOfUid(static_cast<uint32_t>(std::stoul(cat_uid)));
    if (msgno == 0) return Fail(Status::NotFound("no such uid"));
    Result<std::string> data = (*box)->ReadMessage(msgno);
    if (!data.ok()) return Fail(data.status());
    std::fwrite(data->data(), 1, data->size(), stdout);
    return 0;
  }
  if (field != nullptr) {
    for (uint32_t msgno = 1; msgno <= (*box)->exists(); ++msgno) {
      Result<std::string> data = (*box)->ReadMessage(msgno);
      if (!data.ok()) return Fail(data.status());
      std::printf("%u %s\n", (*box)->Uid(msgno), FieldOf(*data, field).c_str());
    }
    return 0;
  }
  std::printf("uids");
  for (uint32_t msgno = 1; msgno <= (*box)->exists(); ++msgno) {
    std::printf(" %u", (*box)->Uid(msgno));
  }
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: lmtpd_store_tool IMAPD_CONF COMMAND ARGS...\n");
    return 2;
  }
  Result<satrap::config::Config> config = satrap::config::Config::Load(argv[1]);
  if (!config.ok()) return Fail(config.status());
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(*config));
  if (!store.ok()) return Fail(store.status());
  satrap::acl::Identity admin = (*store)->MakeIdentity("admin");
  admin.is_admin = true;
  const std::string command = argv[2];
  const std::string arg = argv[3];
  if (command == "create") return Check((*store)->CreateUser(arg));
  if (command == "mkmailbox") return Check((*store)->Create(admin, arg));
  if (command == "setacl" && argc == 6) return Check((*store)->SetAcl(admin, arg, argv[4], argv[5]));
  if (command == "setquota" && argc == 5) {
    return Check((*store)->SetQuota(admin, arg, std::stoll(argv[4]), -1));
  }
  if (command == "show") return Show(**store, admin, arg, nullptr);
  if (command == "cat" && argc == 5) return Show(**store, admin, arg, argv[4]);
  if (command == "field" && argc == 5) return Show(**store, admin, arg, nullptr, argv[4]);
  std::fprintf(stderr, "lmtpd_store_tool: bad command %s\n", command.c_str());
  return 2;
}
