#include "base/memory.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

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

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcMalloc = false;  // ASan's allocator has no arenas
#else
constexpr bool kGlibcMalloc = true;
#endif

// How many malloc arenas the process has: malloc_info lists one <heap> each.
int MallocArenas() {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return -1;
  malloc_info(0, out);
  fclose(out);
  int arenas = 0;
  for (const char* at = text; (at = std::strstr(at, "<heap nr=")) != nullptr; ++at) ++arenas;
  std::free(text);
  return arenas;
}

// A worker's helper threads (cache read-ahead) allocate and free the
// batches they read; in an arena of their own, what they freed stayed
// resident after ReleaseIdleMemory (malloc_trim never trims the top of a
// thread's arena). They must allocate from the main arena.
TEST(UseOneMallocArenaTest, HelperThreadsAllocateFromTheMainArena) {
  if (!kGlibcMalloc) GTEST_SKIP() << "glibc malloc only (built with AddressSanitizer)";
  UseOneMallocArena();
  std::thread helper([] {
    std::vector<char*> blocks;
    for (int i = 0; i < 64; ++i) blocks.push_back(static_cast<char*>(std::malloc(4096)));
    for (char* block : blocks) std::free(block);
  });
  helper.join();
  EXPECT_EQ(MallocArenas(), 1);
}

}  // namespace
}  // namespace satrap
