// ctl_cyrusdb: maintenance of the shared Berkeley DB environment, as in Cyrus.
//
//   ctl_cyrusdb [-C imapd.conf] -r [-x]   recovery, run from cyrus.conf START
//   ctl_cyrusdb [-C imapd.conf] -c        checkpoint, from cyrus.conf EVENTS
//
// -r runs BDB recovery on `configdirectory/db` (creating it when missing) and
// then removes the stale per-process files in `configdirectory/proc` (or
// proc_path): at START no service runs, so every pid file there is left over
// from before a crash or reboot. -x skips that clean-up.
//
// -c checkpoints, removes the log files that recovery no longer needs, and
// refreshes the hot backup: a new copy is made in `db.backup.new`, then the
// previous `db.backup1` becomes `db.backup2` and the new copy becomes
// `db.backup1`. A failed copy leaves both older backups as they were. To
// restore: stop the services, replace `db` with `db.backup1` and run -r.
//
// Exit codes are from sysexits.h: EX_USAGE, EX_CONFIG (bad or missing
// imapd.conf / configdirectory), EX_TEMPFAIL (the database operation failed;
// the master retries START jobs on the next start, EVENTS on the next tick).
#include <dirent.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "base/file.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "log/log.h"

namespace satrap {
namespace {

struct Args {
  std::string config_path;
  bool recover = false;
  bool checkpoint = false;
  bool keep_proc = false;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr, "usage: ctl_cyrusdb [-C imapd.conf] -r [-x] | -c\n");
  std::exit(EX_USAGE);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:rcx")) != -1) {
    switch (opt) {
      case 'C': args.config_path = optarg; break;
      case 'r': args.recover = true; break;
      case 'c': args.checkpoint = true; break;
      case 'x': args.keep_proc = true; break;
      default: Usage();
    }
  }
  if (optind != argc || args.recover == args.checkpoint) Usage();
  return args;
}

bool AllDigits(const char* name) {
  if (*name == '\0') return false;
  for (; *name != '\0'; ++name) {
    if (*name < '0' || *name > '9') return false;
  }
  return true;
}

// Removes every entry of `proc_dir` named by a pid. Other names are not ours
// and stay. A missing folder is fine: nothing ran yet.
void ClearProcDir(const std::string& proc_dir) {
  DIR* dir = ::opendir(proc_dir.c_str());
  if (dir == nullptr) {
    if (errno != ENOENT) log::Warning("open %s: %s", proc_dir.c_str(), std::strerror(errno));
    return;
  }
  int removed = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (!AllDigits(entry->d_name)) continue;
    std::string path = JoinPath(proc_dir, entry->d_name);
    if (::unlink(path.c_str()) == 0) {
      ++removed;
    } else {
      log::Warning("remove stale process file %s: %s", path.c_str(), std::strerror(errno));
    }
  }
  ::closedir(dir);
  if (removed > 0) log::Info("removed %d stale process files from %s", removed, proc_dir.c_str());
}

int Recover(const config::Config& config, const std::string& db_dir, bool keep_proc) {
  log::Notice("recovering cyrus databases");
  Status status = db::Environment::Recover(db_dir);
  if (!status.ok()) {
    log::Error("recovery of %s failed: %s", db_dir.c_str(), status.ToString().c_str());
    return EX_TEMPFAIL;
  }
  if (!keep_proc) {
    std::string proc_dir = config.GetString("proc_path");
    if (proc_dir.empty()) proc_dir = JoinPath(config.GetString("configdirectory"), "proc");
    ClearProcDir(proc_dir);
  }
  log::Notice("done recovering cyrus databases");
  return EX_OK;
}

Status RemoveTree(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) return Status::FromErrno("remove " + path, error.value());
  return Status();
}

Status Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::FromErrno("rename " + from + " to " + to, errno);
  }
  return Status();
}

// Copy first, rotate after: the old backups stay until a new one exists.
Status RefreshBackups(db::Environment& env, const std::string& config_dir) {
  const std::string fresh = JoinPath(config_dir, "db.backup.new");
  const std::string first = JoinPath(config_dir, "db.backup1");
  const std::string second = JoinPath(config_dir, "db.backup2");
  SATRAP_RETURN_IF_ERROR(RemoveTree(fresh));
  SATRAP_RETURN_IF_ERROR(env.Backup(fresh));
  SATRAP_RETURN_IF_ERROR(RemoveTree(second));
  if (PathExists(first)) SATRAP_RETURN_IF_ERROR(Rename(first, second));
  SATRAP_RETURN_IF_ERROR(Rename(fresh, first));
  return SyncDirectory(config_dir);
}

int Checkpoint(const std::string& config_dir, const std::string& db_dir) {
  log::Notice("checkpointing cyrus databases");
  auto env = db::Environment::Open(db_dir);
  Status status = env.ok() ? Status() : env.status();
  if (status.ok()) status = (*env)->Checkpoint();
  if (status.ok()) status = (*env)->RemoveUnusedLogs();
  if (status.ok()) {
    log::Info("archiving cyrus databases to %s/db.backup1", config_dir.c_str());
    status = RefreshBackups(**env, config_dir);
  }
  if (!status.ok()) {
    log::Error("checkpoint of %s failed: %s", db_dir.c_str(), status.ToString().c_str());
    return EX_TEMPFAIL;
  }
  log::Notice("done checkpointing cyrus databases");
  return EX_OK;
}

int Main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "ctl_cyrusdb";
  log_options.to_stderr = ::isatty(STDERR_FILENO) != 0;
  log::Init(log_options);
  Args args = ParseArgs(argc, argv);
  config::Config config = config::LoadOrExit(args.config_path);
  const std::string& config_dir = config.GetString("configdirectory");
  if (config_dir.empty()) log::Fatal(EX_CONFIG, "%s: configdirectory is not set",
                                     config.path().c_str());
  const std::string db_dir = JoinPath(config_dir, "db");
  if (args.recover) return Recover(config, db_dir, args.keep_proc);
  return Checkpoint(config_dir, db_dir);
}

}  // namespace
}  // namespace satrap

int main(int argc, char** argv) { return satrap::Main(argc, argv); }
