// quota: reports quota roots, their usage and limits; -f first recomputes
// the usage of every root from the mailboxes' index files (Cyrus quota(8)).
//   quota [-C imapd.conf] [-f] [prefix]
// Output, one root a line:
//   Quota  % Used   Used  Root
//   (STORAGE in KiB; MESSAGE lines for message limits)
#include <getopt.h>
#include <sysexits.h>

#include <cstdio>
#include <string>

#include "config/imapd_config.h"
#include "log/log.h"
#include "mailbox/store.h"

using namespace satrap;

namespace {

void PrintRoot(const quota::QuotaRoot& r) {
  auto print = [&](const char* resource, int64_t limit, uint64_t used) {
    if (limit < 0) {
      std::printf("%9s %6s %9llu %-8s %s\n", "", "", static_cast<unsigned long long>(used),
                  resource, r.root.c_str());
    } else {
      unsigned long long percent = limit > 0 ? used * 100 / static_cast<uint64_t>(limit) : 0;
      std::printf("%9lld %6llu %9llu %-8s %s\n", static_cast<long long>(limit), percent,
                  static_cast<unsigned long long>(used), resource, r.root.c_str());
    }
  };
  print("STORAGE", r.storage_limit_kb, r.used_bytes / 1024);
  if (r.message_limit >= 0) print("MESSAGE", r.message_limit, r.used_messages);
}

}  // namespace

int main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "quota";
  log_options.to_stderr = true;
  log::Init(log_options);
  std::string config_path;
  bool fix = false;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:f")) != -1) {
    switch (opt) {
      case 'C': config_path = optarg; break;
      case 'f': fix = true; break;
      default:
        std::fprintf(stderr, "usage: quota [-C imapd.conf] [-f] [prefix]\n");
        return EX_USAGE;
    }
  }
  if (argc - optind > 1) {
    std::fprintf(stderr, "usage: quota [-C imapd.conf] [-f] [prefix]\n");
    return EX_USAGE;
  }
  const std::string prefix = optind < argc ? argv[optind] : "";
  config::Config config = config::LoadOrExit(config_path);
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(config));
  if (!store.ok()) log::Fatal(EX_TEMPFAIL, "open the mail store: %s", store.status().ToString().c_str());
  if (fix) {
    Result<std::vector<quota::QuotaRoot>> fixed = (*store)->FixQuotas(prefix);
    if (!fixed.ok()) {
      log::Error("quota -f: %s", fixed.status().ToString().c_str());
      return EX_TEMPFAIL;
    }
    for (const quota::QuotaRoot& r : *fixed) {
      std::printf("%s: usage was %llu bytes in %llu messages, fixed\n", r.root.c_str(),
                  static_cast<unsigned long long>(r.used_bytes),
                  static_cast<unsigned long long>(r.used_messages));
    }
  }
  std::printf("%9s %6s %9s %-8s %s\n", "Quota", "% Used", "Used", "Resource", "Root");
  Status status = (*store)->quotas().ForEach(nullptr, prefix, [](const quota::QuotaRoot& r) {
    PrintRoot(r);
    return true;
  });
  if (!status.ok()) {
    log::Error("quota: %s", status.ToString().c_str());
    return EX_TEMPFAIL;
  }
  return EX_OK;
}
