// mbpath: prints the folder of each named mailbox (internal names, or
// external ones with -u USER... not yet), one a line. Exit status 0 when every
// name was found, EX_DATAERR otherwise.
#include <getopt.h>
#include <sysexits.h>

#include <cstdio>
#include <string>

#include "config/imapd_config.h"
#include "log/log.h"
#include "mailbox/store.h"

using namespace satrap;

int main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "mbpath";
  log_options.to_stderr = true;
  log::Init(log_options);
  std::string config_path;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:")) != -1) {
    if (opt == 'C') {
      config_path = optarg;
    } else {
      std::fprintf(stderr, "usage: mbpath [-C imapd.conf] mailbox...\n");
      return EX_USAGE;
    }
  }
  if (optind == argc) {
    std::fprintf(stderr, "usage: mbpath [-C imapd.conf] mailbox...\n");
    return EX_USAGE;
  }
  config::Config config = config::LoadOrExit(config_path);
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(config));
  if (!store.ok()) log::Fatal(EX_TEMPFAIL, "open the mail store: %s", store.status().ToString().c_str());
  int status = EX_OK;
  for (int i = optind; i < argc; ++i) {
    Result<mailbox::MailboxEntry> entry = (*store)->mboxlist().Lookup(nullptr, argv[i]);
    Result<std::string> folder = entry.ok() ? (*store)->FolderOf(*entry)
                                            : Result<std::string>(entry.status());
    if (!folder.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], folder.status().ToString().c_str());
      status = EX_DATAERR;
      continue;
    }
    std::printf("%s\n", folder->c_str());
  }
  return status;
}
