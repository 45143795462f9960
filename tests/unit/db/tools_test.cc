// The db tools run as real subprocesses: ctl_cyrusdb -r / -c (proc clean-up,
// recovery, backup rotation) and cyr_dbtool, with a real imapd.conf.
#include <gtest/gtest.h>
#include <sysexits.h>

#include <string>
#include <vector>

#include "base/file.h"
#include "db/kv.h"
#include "db_test_util.h"

namespace satrap::db {
namespace {

using testing::RunProgram;
using testing::ScratchDir;
using testing::TestOptions;

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = scratch_.Sub("imapd.conf");
    ASSERT_TRUE(WriteFileAtomic(config_, "configdirectory: " + scratch_.path() + "\n").ok());
  }
  int CtlCyrusdb(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SATRAP_CTL_CYRUSDB, "-C", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv);
  }
  int DbTool(const std::vector<std::string>& args, std::string* out = nullptr) {
    std::vector<std::string> argv = {SATRAP_CYR_DBTOOL, "-C", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, out);
  }
  // Reads `key` from `db_name` in the environment at `dir`, opened as is.
  std::string Lookup(const std::string& dir, const std::string& db_name, const std::string& key) {
    EnvironmentOptions options = TestOptions();
    options.create = false;
    auto env = Environment::Open(dir, options);
    if (!env.ok()) return "<no environment: " + env.status().ToString() + ">";
    auto db = (*env)->OpenDatabase(db_name);
    if (!db.ok()) return "<no database>";
    return (*db)->Get(nullptr, key).value_or("<absent>");
  }

  ScratchDir scratch_;
  std::string config_;
};

TEST_F(ToolsTest, RecoverCreatesTheEnvironmentAndClearsPidFiles) {
  ASSERT_TRUE(MakeDirectories(scratch_.Sub("proc")).ok());
  for (const char* name : {"123", "4567", "abc", "12a", ".hidden"}) {
    ASSERT_TRUE(WriteFileAtomic(scratch_.Sub("proc/") + name, "x").ok());
  }
  EXPECT_EQ(CtlCyrusdb({"-r"}), EX_OK);
  EXPECT_TRUE(PathExists(scratch_.Sub("db")));
  EXPECT_FALSE(PathExists(scratch_.Sub("proc/123")));
  EXPECT_FALSE(PathExists(scratch_.Sub("proc/4567")));
  // Only names that are pids are ours to remove.
  EXPECT_TRUE(PathExists(scratch_.Sub("proc/abc")));
  EXPECT_TRUE(PathExists(scratch_.Sub("proc/12a")));
  EXPECT_TRUE(PathExists(scratch_.Sub("proc/.hidden")));
}

TEST_F(ToolsTest, RecoverWithXKeepsPidFiles) {
  ASSERT_TRUE(MakeDirectories(scratch_.Sub("proc")).ok());
  ASSERT_TRUE(WriteFileAtomic(scratch_.Sub("proc/99"), "x").ok());
  EXPECT_EQ(CtlCyrusdb({"-r", "-x"}), EX_OK);
  EXPECT_TRUE(PathExists(scratch_.Sub("proc/99")));
}

TEST_F(ToolsTest, CheckpointMakesAndRotatesBackups) {
  std::string dir = scratch_.Sub("db");
  auto write_generation = [&](const char* value) {
    auto env = Environment::Open(dir, TestOptions());
    ASSERT_TRUE(env.ok());
    auto db = (*env)->OpenDatabase("mailboxes.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Put(nullptr, "generation", value).ok());
  };
  write_generation("1");
  ASSERT_EQ(CtlCyrusdb({"-c"}), EX_OK);
  EXPECT_EQ(Lookup(scratch_.Sub("db.backup1"), "mailboxes.db", "generation"), "1");
  EXPECT_FALSE(PathExists(scratch_.Sub("db.backup2")));

  write_generation("2");
  ASSERT_EQ(CtlCyrusdb({"-c"}), EX_OK);
  EXPECT_EQ(Lookup(scratch_.Sub("db.backup1"), "mailboxes.db", "generation"), "2");
  EXPECT_EQ(Lookup(scratch_.Sub("db.backup2"), "mailboxes.db", "generation"), "1");
  EXPECT_FALSE(PathExists(scratch_.Sub("db.backup.new")));
  // The live environment is untouched.
  EXPECT_EQ(Lookup(dir, "mailboxes.db", "generation"), "2");
}

TEST_F(ToolsTest, CtlCyrusdbRejectsBadUsageAndConfig) {
  struct Case {
    std::vector<std::string> argv;
    int exit_code;
  };
  ASSERT_TRUE(WriteFileAtomic(scratch_.Sub("empty.conf"), "# nothing\n").ok());
  const std::vector<Case> cases = {
      {{SATRAP_CTL_CYRUSDB}, EX_USAGE},
      {{SATRAP_CTL_CYRUSDB, "-C", config_}, EX_USAGE},
      {{SATRAP_CTL_CYRUSDB, "-C", config_, "-r", "-c"}, EX_USAGE},
      {{SATRAP_CTL_CYRUSDB, "-C", config_, "-q"}, EX_USAGE},
      {{SATRAP_CTL_CYRUSDB, "-C", config_, "-r", "extra"}, EX_USAGE},
      {{SATRAP_CTL_CYRUSDB, "-C", scratch_.Sub("missing.conf"), "-r"}, EX_CONFIG},
      {{SATRAP_CTL_CYRUSDB, "-C", scratch_.Sub("empty.conf"), "-r"}, EX_CONFIG},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.argv));
    EXPECT_EQ(RunProgram(c.argv), c.exit_code);
  }
}

TEST_F(ToolsTest, DbToolSetGetShowDelete) {
  std::string out;
  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "set", "user.bob", "0 default bob lrs"}), EX_OK);
  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "set", "user.alice", "0 default alice lrs"}),
            EX_OK);
  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "set", "shared", ""}), EX_OK);

  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "get", "user.bob"}, &out), EX_OK);
  EXPECT_EQ(out, "0 default bob lrs\n");

  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "show"}, &out), EX_OK);
  EXPECT_EQ(out, "shared\t\nuser.alice\t0 default alice lrs\nuser.bob\t0 default bob lrs\n");
  ASSERT_EQ(DbTool({"mailboxes.db", "berkeley", "show", "user."}, &out), EX_OK);
  EXPECT_EQ(out, "user.alice\t0 default alice lrs\nuser.bob\t0 default bob lrs\n");

  // A Cyrus-style path names the same database; other backends warn only.
  ASSERT_EQ(DbTool({"/var/lib/cyrus/mailboxes.db", "skiplist", "delete", "user.bob"}), EX_OK);
  EXPECT_EQ(DbTool({"mailboxes.db", "berkeley", "get", "user.bob"}, &out), EX_DATAERR);
  EXPECT_EQ(DbTool({"mailboxes.db", "berkeley", "delete", "user.bob"}), EX_DATAERR);
  EXPECT_EQ(Lookup(scratch_.Sub("db"), "mailboxes.db", "user.alice"), "0 default alice lrs");
}

TEST_F(ToolsTest, DbToolRejectsBadUsage) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"mailboxes.db"},
      {"mailboxes.db", "berkeley"},
      {"mailboxes.db", "berkeley", "frobnicate"},
      {"mailboxes.db", "berkeley", "get"},
      {"mailboxes.db", "berkeley", "get", "a", "b"},
      {"mailboxes.db", "berkeley", "set", "a"},
      {"mailboxes.db", "berkeley", "set", "a", "b", "c"},
      {"mailboxes.db", "berkeley", "delete"},
      {"mailboxes.db", "berkeley", "show", "a", "b"},
      {"..", "berkeley", "show"},
  };
  for (const auto& args : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    EXPECT_EQ(DbTool(args), EX_USAGE);
  }
}

}  // namespace
}  // namespace satrap::db
