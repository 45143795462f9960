#include "base/memory.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace satrap {
namespace {

// Left alone under the current frame: the x86-64 red zone (128 bytes) and
// the libc wrapper of madvise. pthread_getattr_np's deeper frames are
// already gone by then.
constexpr uintptr_t kStackMargin = 4096;

// noinline: its own frame is where "the current frame" ends.
[[gnu::noinline]] void ReleaseStackBelowHere() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* low = nullptr;
  size_t size = 0;
  int got = pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  if (got != 0 || low == nullptr) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(low) + page - 1) & ~(page - 1);
  if (here < begin + kStackMargin) return;
  const uintptr_t end = (here - kStackMargin) & ~(page - 1);
  if (end <= begin) return;
  // The range may start below the stack's mapping (the main thread's stack
  // grows on demand): the kernel then skips the hole and says ENOMEM, after
  // releasing what is mapped.
  (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace

void ReleaseIdleMemory() {
  (void)::malloc_trim(0);
  ReleaseStackBelowHere();
}

}  // namespace satrap
