// cyr_expire: expires old entries of the duplicate delivery database
// (deliver.db), as Cyrus's cyr_expire -E and the older ctl_deliver -E do.
//
//   cyr_expire  [-C imapd.conf] -E days [-v] [-X days] [-D days] [-x] [-a] [-p prefix]
//   ctl_deliver [-C imapd.conf] -E days
//   ctl_deliver [-C imapd.conf] -d          dumps deliver.db (one entry a line)
//
// -E days removes every entry recorded more than `days` days ago (a
// fraction such as 0.5 is allowed; 0 empties the database). Message
// expiry and expunge options (-X, -D, -x, -a, -p) are accepted for
// cron-line compatibility and ignored with a note: expunged messages are
// the store's, not this tool's. Meant to run from cyrus.conf EVENTS:
//   delprune cmd="cyr_expire -E 3" at=0400
//
// Exit codes (sysexits.h): EX_USAGE, EX_CONFIG, EX_TEMPFAIL when the
// database cannot be opened or written (the next run tries again).
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "base/file.h"
#include "base/strings.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "lmtpd/duplicate.h"
#include "log/log.h"

namespace satrap {
namespace {

struct Args {
  std::string config_path;
  double expire_days = -1;  // -E; < 0: not given
  bool dump = false;        // ctl_deliver -d
  bool verbose = false;
};

[[noreturn]] void Usage(bool ctl_deliver) {
  std::fprintf(stderr, ctl_deliver
                           ? "usage: ctl_deliver [-C imapd.conf] -E days | -d\n"
                           : "usage: cyr_expire [-C imapd.conf] -E days [-v] [-X days] [-D days]\n");
  std::exit(EX_USAGE);
}

bool ParseDays(const char* text, double* days) {
  char* end = nullptr;
  *days = std::strtod(text, &end);
  return end != text && *end == '\0' && *days >= 0;
}

Args ParseArgs(int argc, char** argv, bool ctl_deliver) {
  Args args;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:E:dvX:D:xap:")) != -1) {
    switch (opt) {
      case 'C': args.config_path = optarg; break;
      case 'E':
        if (!ParseDays(optarg, &args.expire_days)) Usage(ctl_deliver);
        break;
      case 'd': args.dump = true; break;
      case 'v': args.verbose = true; break;
      case 'X': case 'D': case 'x': case 'a': case 'p':
        log::Notice("cyr_expire: -%c ignored: message expiry belongs to the store", opt);
        break;
      default: Usage(ctl_deliver);
    }
  }
  if (optind != argc || (args.expire_days < 0 && !args.dump)) Usage(ctl_deliver);
  return args;
}

int Dump(db::Database& db) {
  Status status = db.ForEachWithPrefix(nullptr, "", [](std::string_view key,
                                                       std::string_view value) {
    const size_t nul = key.find('\0');
    const std::string_view id = key.substr(0, nul);
    const std::string_view mailbox = nul == std::string_view::npos ? "" : key.substr(nul + 1);
    std::printf("id: %.*s\tto: %.*s\tat: %.*s\n", static_cast<int>(id.size()), id.data(),
                static_cast<int>(mailbox.size()), mailbox.data(), static_cast<int>(value.size()),
                value.data());
    return true;
  });
  if (!status.ok()) {
    log::Error("dump deliver.db: %s", status.ToString().c_str());
    return EX_TEMPFAIL;
  }
  return EX_OK;
}

int Run(int argc, char** argv) {
  const std::string program = argv[0];
  const bool ctl_deliver = program.size() >= 11 &&
                           program.compare(program.size() - 11, 11, "ctl_deliver") == 0;
  log::Options log_options;
  log_options.ident = ctl_deliver ? "ctl_deliver" : "cyr_expire";
  log_options.to_stderr = true;
  log::Init(log_options);
  Args args = ParseArgs(argc, argv, ctl_deliver);
  config::Config config = config::LoadOrExit(args.config_path);
  const std::string db_dir = JoinPath(config.GetString("configdirectory"), "db");
  Result<std::unique_ptr<db::Environment>> env = db::Environment::Open(db_dir);
  if (!env.ok()) {
    log::Error("open %s: %s", db_dir.c_str(), env.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  Result<std::unique_ptr<db::Database>> db = (*env)->OpenDatabase(lmtpd::kDeliverDb);
  if (!db.ok()) {
    log::Error("open deliver.db: %s", db.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  if (args.dump) return Dump(**db);
  const int64_t cutoff = time(nullptr) - static_cast<int64_t>(args.expire_days * 86400);
  lmtpd::DuplicateDb duplicates(env->get(), db->get());
  uint64_t kept = 0;
  Result<uint64_t> removed = duplicates.Prune(cutoff, &kept);
  if (!removed.ok()) {
    log::Error("prune deliver.db: %s", removed.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  // Cyrus's line, which sites grep for in their logs.
  log::Notice("duplicate_prune: expired %llu entries, kept %llu",
              static_cast<unsigned long long>(*removed), static_cast<unsigned long long>(kept));
  if (args.verbose) {
    std::printf("expired %llu and kept %llu of %llu entries\n",
                static_cast<unsigned long long>(*removed), static_cast<unsigned long long>(kept),
                static_cast<unsigned long long>(*removed + kept));
  }
  return EX_OK;
}

}  // namespace
}  // namespace satrap

int main(int argc, char** argv) { return satrap::Run(argc, argv); }
