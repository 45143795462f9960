// cyr_dbtool: read and edit one database of the shared environment by hand.
//
//   cyr_dbtool [-C imapd.conf] <db> <backend> show [prefix]
//   cyr_dbtool [-C imapd.conf] <db> <backend> get <key>
//   cyr_dbtool [-C imapd.conf] <db> <backend> set <key> <value>
//   cyr_dbtool [-C imapd.conf] <db> <backend> delete <key>
//
// <db> names a database inside `configdirectory/db` ("mailboxes.db"); a path
// as Cyrus scripts pass it ("/var/lib/cyrus/mailboxes.db") is reduced to its
// file name. <backend> is accepted for compatibility with Cyrus's command
// line; Berkeley DB is the only backend, others get a warning.
//
// show prints `key<TAB>value` per line, get prints the value; bytes are
// written as stored. Each set or delete is one committed transaction.
// Exit codes (sysexits.h): EX_USAGE (also a bad database name), EX_CONFIG, EX_DATAERR (no such key),
// EX_TEMPFAIL (database error), EX_IOERR (stdout failed).
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "base/file.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "log/log.h"

namespace satrap {
namespace {

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: cyr_dbtool [-C imapd.conf] <db> <backend> show [prefix]\n"
               "       cyr_dbtool [-C imapd.conf] <db> <backend> get <key>\n"
               "       cyr_dbtool [-C imapd.conf] <db> <backend> set <key> <value>\n"
               "       cyr_dbtool [-C imapd.conf] <db> <backend> delete <key>\n");
  std::exit(EX_USAGE);
}

struct Args {
  std::string config_path;
  std::string database;
  std::string backend;
  std::string action;
  std::vector<std::string> operands;
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  int opt;
  // Cyrus's -n (create), -o (read-only) and -T (transactions) change
  // nothing here: databases are created on demand and writes are always
  // transactional.
  while ((opt = ::getopt(argc, argv, "+C:noT")) != -1) {
    if (opt == 'C') {
      args.config_path = optarg;
    } else if (opt != 'n' && opt != 'o' && opt != 'T') {
      Usage();
    }
  }
  if (argc - optind < 3) Usage();
  args.database = argv[optind];
  args.backend = argv[optind + 1];
  args.action = argv[optind + 2];
  for (int i = optind + 3; i < argc; ++i) args.operands.push_back(argv[i]);
  size_t expected = args.action == "set" ? 2 : 1;
  bool optional = args.action == "show";
  if (args.action != "show" && args.action != "get" && args.action != "set" &&
      args.action != "delete") {
    Usage();
  }
  if (args.operands.size() > expected || (!optional && args.operands.size() < expected)) Usage();
  return args;
}

bool WriteOut(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

int Report(const Status& status, const std::string& what) {
  if (status.ok()) return EX_OK;
  std::fprintf(stderr, "cyr_dbtool: %s: %s\n", what.c_str(), status.ToString().c_str());
  if (status.Is(Code::kNotFound)) return EX_DATAERR;
  return status.Is(Code::kInvalid) ? EX_USAGE : EX_TEMPFAIL;
}

int Show(db::Database& db, const std::string& prefix) {
  bool output_ok = true;
  Status status = db.ForEachWithPrefix(nullptr, prefix, [&](std::string_view k,
                                                            std::string_view v) {
    output_ok = WriteOut(k) && WriteOut("\t") && WriteOut(v) && WriteOut("\n");
    return output_ok;
  });
  if (!status.ok()) return Report(status, "show");
  return output_ok && std::fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

int Run(db::Environment& env, db::Database& db, const Args& args) {
  const std::vector<std::string>& ops = args.operands;
  if (args.action == "show") return Show(db, ops.empty() ? "" : ops[0]);
  if (args.action == "get") {
    Result<std::string> value = db.Get(nullptr, ops[0]);
    if (!value.ok()) return Report(value.status(), "get");
    return WriteOut(*value) && WriteOut("\n") && std::fflush(stdout) == 0 ? EX_OK : EX_IOERR;
  }
  if (args.action == "set") {
    return Report(db::RunTransaction(env, [&](db::Transaction& txn) {
                    return db.Put(&txn, ops[0], ops[1]);
                  }),
                  "set");
  }
  return Report(db::RunTransaction(env, [&](db::Transaction& txn) {
                  return db.Delete(&txn, ops[0]);
                }),
                "delete");
}

int Main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "cyr_dbtool";
  log_options.to_stderr = true;
  log::Init(log_options);
  Args args = ParseArgs(argc, argv);
  config::Config config = config::LoadOrExit(args.config_path);
  const std::string& config_dir = config.GetString("configdirectory");
  if (config_dir.empty()) {
    log::Fatal(EX_CONFIG, "%s: configdirectory is not set", config.path().c_str());
  }
  if (args.backend.rfind("berkeley", 0) != 0) {
    log::Warning("backend %s is not available; using berkeley", args.backend.c_str());
  }
  std::string name = args.database;
  size_t slash = name.rfind('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);

  auto env = db::Environment::Open(JoinPath(config_dir, "db"));
  if (!env.ok()) return Report(env.status(), "open environment");
  auto db = (*env)->OpenDatabase(name);
  if (!db.ok()) return Report(db.status(), "open " + name);
  return Run(**env, **db, args);
}

}  // namespace
}  // namespace satrap

int main(int argc, char** argv) { return satrap::Main(argc, argv); }
