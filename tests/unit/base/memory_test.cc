#include "base/memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>

namespace satrap {
namespace {

// Resident kB of this process's main-thread stack mapping.
long StackResidentKb() {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in_stack = false;
  while (std::getline(smaps, line)) {
    if (line.find('-') != std::string::npos && line.find(' ') != std::string::npos &&
        std::isxdigit(static_cast<unsigned char>(line[0]))) {
      in_stack = line.find("[stack]") != std::string::npos;
    } else if (in_stack && line.rfind("Rss:", 0) == 0) {
      return std::stol(line.substr(4));
    }
  }
  return -1;
}

// Touches `kb` of stack below the caller, then returns.
[[gnu::noinline]] void UseStack(size_t kb) {
  volatile char block[512 * 1024];
  for (size_t i = 0; i < kb * 1024 && i < sizeof block; i += 4096) block[i] = 1;
  std::memset(const_cast<char*>(block), 2, 64);
}

TEST(ReleaseIdleMemoryTest, GivesBackStackBelowTheCurrentFrame) {
  UseStack(512);
  long before = StackResidentKb();
  ASSERT_GT(before, 400) << "the test could not grow its stack";
  ReleaseIdleMemory();
  long after = StackResidentKb();
  EXPECT_LT(after, before - 300) << before << " kB -> " << after << " kB";
  UseStack(512);  // and the stack still works where it was released
  EXPECT_GT(StackResidentKb(), 400);
}

}  // namespace
}  // namespace satrap
