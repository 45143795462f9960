// LoadOrExit: what every program's main() does with imapd.conf.
#include <gtest/gtest.h>
#include <sysexits.h>
#include <syslog.h>

#include <cstdio>
#include <string>

#include "base/file.h"
#include "config/imapd_config.h"
#include "log/log.h"

namespace satrap::config {
namespace {

class LoadOrExitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/satrap_config_load_or_exit_" + std::to_string(::getpid()) + ".conf";
    log::Options options;
    options.ident = "config_test";
    options.to_stderr = true;
    log::Init(options);
  }
  void TearDown() override {
    std::remove(path_.c_str());
    log::Init(log::Options());
  }
  void Write(std::string_view text) { ASSERT_TRUE(WriteFileAtomic(path_, text).ok()); }

  std::string path_;
};

TEST_F(LoadOrExitTest, ReinitialisesLoggingFromTheFileAndLogsWarnings) {
  Write("configdirectory: /var/imap\nsyslog_prefix: cyrus\nsyslog_facility: LOCAL6\nodd: 1\n");
  ::testing::internal::CaptureStderr();
  Config config = LoadOrExit(path_);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(config.GetString("configdirectory"), "/var/imap");
  const log::Options& options = log::CurrentOptions();
  EXPECT_EQ(options.prefix, "cyrus");
  EXPECT_EQ(options.facility, LOG_LOCAL6);
  EXPECT_EQ(options.ident, "config_test");  // kept
  EXPECT_TRUE(options.to_stderr);           // kept
  EXPECT_FALSE(options.debug);
  // The warning goes out under the new identity.
  EXPECT_NE(err.find("cyrus/config_test["), std::string::npos) << err;
  EXPECT_NE(err.find(path_ + ":4: unknown option 'odd'"), std::string::npos) << err;
}

TEST_F(LoadOrExitTest, DebugInTheFileTurnsDebugOn) {
  Write("configdirectory: /c\ndebug: yes\n");
  LoadOrExit(path_);
  EXPECT_TRUE(log::CurrentOptions().debug);
  EXPECT_EQ(log::CurrentOptions().prefix, "");
}

using LoadOrExitDeathTest = LoadOrExitTest;

TEST_F(LoadOrExitDeathTest, ExitsWithExConfigOnABadValue) {
  Write("configdirectory: /var/imap\nquotawarn: many\n");
  EXPECT_EXIT(LoadOrExit(path_), ::testing::ExitedWithCode(EX_CONFIG),
              ":2: quotawarn: not an integer: 'many'");
}

TEST_F(LoadOrExitDeathTest, ExitsWithExConfigWithoutConfigDirectory) {
  Write("# nothing\nadmins: cyrus\n");
  EXPECT_EXIT(LoadOrExit(path_), ::testing::ExitedWithCode(EX_CONFIG),
              "configdirectory is not set");
}

TEST_F(LoadOrExitDeathTest, ExitsWithExConfigWhenTheFileIsMissing) {
  EXPECT_EXIT(LoadOrExit("/tmp/satrap_config_no_such_dir/imapd.conf"),
              ::testing::ExitedWithCode(EX_CONFIG), "/tmp/satrap_config_no_such_dir/imapd.conf");
}

}  // namespace
}  // namespace satrap::config
