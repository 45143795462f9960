// UnixGroupResolver against the machine's own group database, compared with
// what id(1) reports for the same users.
#include "auth/groups.h"

#include <gtest/gtest.h>
#include <pwd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "base/strings.h"

namespace satrap::auth {
namespace {

// `id -Gn user`, sorted.
std::vector<std::string> IdGroups(const std::string& user) {
  std::string command = "id -Gn " + user + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  if (pipe != nullptr) pclose(pipe);
  std::vector<std::string> groups;
  for (std::string_view name : SplitWhitespace(TrimWhitespace(output))) {
    groups.emplace_back(name);
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

TEST(UnixGroupResolver, MatchesIdForSystemUsers) {
  UnixGroupResolver resolver;
  for (const char* user : {"root", "cyrus", "nobody", "daemon"}) {
    if (getpwnam(user) == nullptr) continue;
    SCOPED_TRACE(user);
    Result<std::vector<std::string>> groups = resolver.GroupsOf(user);
    ASSERT_TRUE(groups.ok()) << groups.status().ToString();
    EXPECT_EQ(*groups, IdGroups(user));
  }
  Result<std::vector<std::string>> root = resolver.GroupsOf("root");
  ASSERT_TRUE(root.ok());
  EXPECT_NE(std::find(root->begin(), root->end(), "root"), root->end());
}

TEST(UnixGroupResolver, UnknownUsersHaveNoGroups) {
  UnixGroupResolver resolver;
  for (std::string user : {std::string("no-such-user-satrap"), std::string(""),
                           std::string("ro\0ot", 5), std::string(5000, 'x')}) {
    SCOPED_TRACE(user.substr(0, 20));
    Result<std::vector<std::string>> groups = resolver.GroupsOf(user);
    ASSERT_TRUE(groups.ok()) << groups.status().ToString();
    EXPECT_TRUE(groups->empty());
  }
}

TEST(GroupResolver, MadeFromConfig) {
  Result<config::Config> off = config::Config::Parse("unix_group_enable: no\n", "t.conf");
  ASSERT_TRUE(off.ok());
  auto none = MakeGroupResolver(*off);
  EXPECT_TRUE(none->GroupsOf("root")->empty());
  auto unix_groups = MakeGroupResolver(config::Config());
  EXPECT_FALSE(unix_groups->GroupsOf("root")->empty());
}

}  // namespace
}  // namespace satrap::auth
