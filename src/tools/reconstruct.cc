// reconstruct: rebuilds mailboxes from their message files; the work is in
// mailbox/reconstruct.h (Cyrus reconstruct(8)).
//   reconstruct [-C imapd.conf] [-r] [-f] [-n] [-q] [mailbox...]
// Mailbox names are internal ("user.alice.Sent"); none means every mailbox.
// Output: one line per repair ("<mailbox>: <what>"; with -n prefixed
// "would repair: "), one per cleanup of what a killed process left of an
// unacknowledged operation ("cleanup: <mailbox>: <what>"; with -n "would
// clean up: "), "<mailbox>: mailbox consistent" for each mailbox that
// needed no repair (not with -q).
// Exit status: 0 when every mailbox was consistent or has been repaired;
// with -n, 1 when some repair would be made (cleanups alone give 0); 75
// (EX_TEMPFAIL) when a mailbox could not be processed; 64 on a usage error.
#include <getopt.h>
#include <sysexits.h>

#include <cstdio>
#include <string>
#include <vector>

#include "config/imapd_config.h"
#include "log/log.h"
#include "mailbox/reconstruct.h"
#include "mailbox/store.h"

using namespace satrap;

namespace {

constexpr const char* kUsage =
    "usage: reconstruct [-C imapd.conf] [-r] [-f] [-n] [-q] [mailbox...]\n"
    "  -r  also the mailboxes beneath each name\n"
    "  -f  match folders found on disk to mailboxes.db\n"
    "  -n  change nothing; exit 1 if a repair would be made (cleanups of\n"
    "      uncommitted appends and dead processes' temp files do not count)\n"
    "  -q  do not list consistent mailboxes\n";

}  // namespace

int main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "reconstruct";
  log_options.to_stderr = true;
  log::Init(log_options);
  std::string config_path;
  mailbox::ReconstructOptions options;
  bool quiet = false;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:rfnq")) != -1) {
    switch (opt) {
      case 'C': config_path = optarg; break;
      case 'r': options.recursive = true; break;
      case 'f': options.find_folders = true; break;
      case 'n': options.dry_run = true; break;
      case 'q': quiet = true; break;
      default: std::fputs(kUsage, stderr); return EX_USAGE;
    }
  }
  std::vector<std::string> names(argv + optind, argv + argc);
  config::Config config = config::LoadOrExit(config_path);
  auto store = mailbox::Store::Open(mailbox::StoreOptions::FromConfig(config));
  if (!store.ok()) {
    log::Fatal(EX_TEMPFAIL, "open the mail store: %s", store.status().ToString().c_str());
  }
  Result<mailbox::ReconstructReport> report = mailbox::Reconstruct(**store, names, options);
  if (!report.ok()) {
    log::Error("reconstruct: %s", report.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  const char* prefix = options.dry_run ? "would repair: " : "";
  for (const std::string& line : report->changes) std::printf("%s%s\n", prefix, line.c_str());
  const char* cleanup_prefix = options.dry_run ? "would clean up: " : "cleanup: ";
  for (const std::string& line : report->cleanups) {
    std::printf("%s%s\n", cleanup_prefix, line.c_str());
  }
  if (!quiet) {
    for (const std::string& name : report->consistent) {
      std::printf("%s: mailbox consistent\n", name.c_str());
    }
  }
  for (const std::string& line : report->errors) std::fprintf(stderr, "error: %s\n", line.c_str());
  if (!report->errors.empty()) return EX_TEMPFAIL;
  return options.dry_run && !report->changes.empty() ? 1 : EX_OK;
}
