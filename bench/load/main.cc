// satrap_load: the benchmark's load generator (see bench/README.md).
//
//   satrap_load <scenario> --imap=PORT [--imaps=PORT] [--pop3=PORT]
//               [--lmtp=PORT|/socket] --users=N --password=P [scenario flags]
//
// Scenarios: lmtp, imap-mixed, large-populate, large-ops, idle, connrate,
// pop3 (flags in scenarios.h). Prints results and checks as common.h says.
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <map>

#include "scenarios.h"

namespace {

using satrap::bench::Options;
using satrap::bench::Target;

// Room for a thousand idle connections and their threads' descriptors.
void RaiseDescriptorLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, void (*)(const Options&, const Target&)> scenarios = {
      {"lmtp", satrap::bench::RunLmtp},
      {"imap-mixed", satrap::bench::RunImapMixed},
      {"large-populate", satrap::bench::RunLargePopulate},
      {"large-ops", satrap::bench::RunLargeOps},
      {"idle", satrap::bench::RunIdle},
      {"connrate", satrap::bench::RunConnRate},
      {"pop3", satrap::bench::RunPop3},
  };
  if (argc < 2 || scenarios.count(argv[1]) == 0) {
    fprintf(stderr, "usage: %s <scenario> --imap=PORT [--imaps=] [--pop3=] [--lmtp=] "
                    "--users=N --password=P [flags]\nscenarios:", argv[0]);
    for (const auto& [name, fn] : scenarios) fprintf(stderr, " %s", name.c_str());
    fprintf(stderr, "\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  RaiseDescriptorLimit();
  satrap::Result<Options> options = Options::Parse(argc, argv, 2);
  if (!options.ok()) {
    fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  satrap::Result<Target> target = Target::FromOptions(*options);
  if (!target.ok()) {
    fprintf(stderr, "%s\n", target.status().ToString().c_str());
    return 2;
  }
  scenarios.at(argv[1])(*options, *target);
  return satrap::bench::Report::failures() == 0 ? 0 : 1;
}
