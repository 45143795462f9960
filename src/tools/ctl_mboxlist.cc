// ctl_mboxlist: dump (-d) and restore (-u) mailboxes.db in the classic text
// form, one mailbox a line: name<TAB>partition<TAB>acl (003 seed,
// "ctl_mboxlist"). The ACL is written exactly as stored, so a dump fed back
// with -u and dumped again is byte-for-byte the same.
//
// -u keeps a mailbox's unique id when its folder still has a cyrus.header
// naming it, and otherwise makes a new one; it replaces entries with the same
// name and leaves the others alone. Run it as the cyrus user.
#include <fcntl.h>
#include <getopt.h>
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "config/imapd_config.h"
#include "log/log.h"
#include "mailbox/header_file.h"
#include "mailbox/mboxlist.h"
#include "mailbox/store.h"

using namespace satrap;

namespace {

[[noreturn]] void Usage() {
  std::fprintf(stderr, "usage: ctl_mboxlist [-C imapd.conf] -d [-p partition] | -u\n");
  std::exit(EX_USAGE);
}

int Dump(mailbox::Store& store, const std::string& partition) {
  Status status = store.mboxlist().ForEach(nullptr, "", [&](const mailbox::MailboxEntry& e) {
    if (partition.empty() || e.partition == partition) {
      std::fputs((mailbox::FormatDumpLine(e) + "\n").c_str(), stdout);
    }
    return true;
  });
  if (!status.ok()) {
    log::Error("dump mailboxes.db: %s", status.ToString().c_str());
    return EX_TEMPFAIL;
  }
  return std::fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

int Undump(mailbox::Store& store) {
  std::string line;
  int line_number = 0;
  int failures = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.empty()) continue;
    Result<mailbox::MailboxEntry> entry = mailbox::ParseDumpLine(line);
    if (!entry.ok()) {
      log::Error("line %d: %s", line_number, entry.status().ToString().c_str());
      ++failures;
      continue;
    }
    Result<mailbox::MailboxEntry> old = store.mboxlist().Lookup(nullptr, entry->name);
    if (old.ok()) entry->uniqueid = old->uniqueid;
    if (entry->uniqueid.empty()) {
      Result<std::string> folder = store.FolderOf(*entry);
      int dir = folder.ok() ? ::open(folder->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      if (dir >= 0) {
        Result<mailbox::MailboxHeader> header = mailbox::ReadMailboxHeader(dir);
        if (header.ok() && header->name == entry->name) entry->uniqueid = header->uniqueid;
        ::close(dir);
      }
    }
    if (entry->uniqueid.empty()) entry->uniqueid = mailbox::NewUniqueId();
    Status put = store.mboxlist().Put(nullptr, *entry);
    if (!put.ok()) {
      log::Error("line %d: %s: %s", line_number, entry->name.c_str(), put.ToString().c_str());
      ++failures;
    }
  }
  return failures == 0 ? EX_OK : EX_DATAERR;
}

}  // namespace

int main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "ctl_mboxlist";
  log_options.to_stderr = true;
  log::Init(log_options);
  std::string config_path, partition;
  bool dump = false, undump = false;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:dup:")) != -1) {
    switch (opt) {
      case 'C': config_path = optarg; break;
      case 'd': dump = true; break;
      case 'u': undump = true; break;
      case 'p': partition = optarg; break;
      default: Usage();
    }
  }
  if (optind != argc || dump == undump) Usage();
  config::Config config = config::LoadOrExit(config_path);
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(config));
  if (!store.ok()) log::Fatal(EX_TEMPFAIL, "open the mail store: %s", store.status().ToString().c_str());
  return dump ? Dump(**store, partition) : Undump(**store);
}
