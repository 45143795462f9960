// pop3d_mail_tool: puts mail into a test installation's store and reads its
// state back, through the store's own API, for pop3d's end-to-end tests
// (tests/e2e/test_pop3_*.py). Test-only; not installed.
//
//   pop3d_mail_tool IMAPD_CONF create USER         creates USER's INBOX
//   pop3d_mail_tool IMAPD_CONF append USER FILE..  appends each file to it
//   pop3d_mail_tool IMAPD_CONF show USER           prints "uidvalidity N",
//       "uids U1 U2 ...", "quota BYTES MESSAGES" (quota: "none" without a root)
//   pop3d_mail_tool IMAPD_CONF setquota USER KB    sets a STORAGE limit on user.USER
//
// Runs as whoever calls it (the tests run it as the cyrus user).
#include <cstdio>
#include <string>
#include <vector>

#include "base/file.h"
#include "config/imapd_config.h"
#include "mailbox/mailbox.h"
#include "mailbox/names.h"
#include "mailbox/store.h"

namespace {

using satrap::Result;
using satrap::Status;
namespace mailbox = satrap::mailbox;

int Fail(const Status& status) {
  std::fprintf(stderr, "pop3d_mail_tool: %s\n", status.ToString().c_str());
  return 1;
}

int Append(mailbox::Store& store, const std::string& user, int argc, char** argv) {
  Result<std::string> inbox = mailbox::UserInboxName(user, store.options().ns.virtdomains);
  if (!inbox.ok()) return Fail(inbox.status());
  satrap::acl::Identity admin = store.MakeIdentity(user);
  for (int i = 0; i < argc; ++i) {
    Result<std::string> data = satrap::ReadFile(argv[i]);
    if (!data.ok()) return Fail(data.status());
    mailbox::NewMessage message;
    message.data = *data;
    mailbox::AppendPolicy policy;
    policy.quota_check = satrap::quota::QuotaCheck::kDelivery;
    policy.trusted_delivery = true;
    std::vector<std::string> targets = {*inbox};
    auto results = store.Append(admin, std::span(&message, 1), targets, policy);
    if (!results.ok()) return Fail(results.status());
    if (!(*results)[0].ok()) return Fail((*results)[0].status());
  }
  return 0;
}

int Show(mailbox::Store& store, const std::string& user) {
  Result<std::string> inbox = mailbox::UserInboxName(user, store.options().ns.virtdomains);
  if (!inbox.ok()) return Fail(inbox.status());
  satrap::acl::Identity who = store.MakeIdentity(user);
  auto box = store.Open(who, *inbox, /*read_only=*/true);
  if (!box.ok()) return Fail(box.status());
  std::printf("uidvalidity %u\nuids", (*box)->uidvalidity());
  for (uint32_t msgno = 1; msgno <= (*box)->exists(); ++msgno) std::printf(" %u", (*box)->Uid(msgno));
  std::printf("\n");
  auto root = store.QuotaRootOf(who, *inbox);
  if (root.ok() && root->has_value()) {
    std::printf("quota %llu %llu\n", static_cast<unsigned long long>((*root)->used_bytes),
                static_cast<unsigned long long>((*root)->used_messages));
  } else {
    std::printf("quota none\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pop3d_mail_tool IMAPD_CONF create|append|show|setquota USER ...\n");
    return 2;
  }
  Result<satrap::config::Config> config = satrap::config::Config::Load(argv[1]);
  if (!config.ok()) return Fail(config.status());
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(*config));
  if (!store.ok()) return Fail(store.status());
  const std::string command = argv[2];
  const std::string user = argv[3];
  if (command == "create") {
    Status s = (*store)->CreateUser(user);
    return s.ok() ? 0 : Fail(s);
  }
  if (command == "append") return Append(**store, user, argc - 4, argv + 4);
  if (command == "show") return Show(**store, user);
  if (command == "setquota" && argc == 5) {
    satrap::acl::Identity admin = (*store)->MakeIdentity("admin");
    admin.is_admin = true;
    Result<std::string> inbox = mailbox::UserInboxName(user, false);
    if (!inbox.ok()) return Fail(inbox.status());
    Status s = (*store)->SetQuota(admin, *inbox, std::stoll(argv[4]), -1);
    return s.ok() ? 0 : Fail(s);
  }
  std::fprintf(stderr, "pop3d_mail_tool: unknown command %s\n", command.c_str());
  return 2;
}
