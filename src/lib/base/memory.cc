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
// The lowest address the calling thread's stack may reach, page-aligned;
// 0 if unknown. Looked up once per thread: for the main thread glibc reads
// /proc/self/maps to answer, too slow to do after every connection.
uintptr_t StackLowest() {
  thread_local uintptr_t lowest = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* low = nullptr;
    size_t size = 0;
    int got = pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    if (got != 0 || low == nullptr) return uintptr_t{0};
    const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    return (reinterpret_cast<uintptr_t>(low) + page - 1) & ~(page - 1);
  }();
  return lowest;
}

[[gnu::noinline]] void ReleaseStackBelowHere() {
  const uintptr_t begin = StackLowest();
  if (begin == 0) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (here < begin + kStackMargin) return;
  const uintptr_t end = (here - kStackMargin) & ~(page - 1);
  if (end <= begin) return;
  // The range may start below the stack's mapping (the main thread's stack
  // grows on demand): the kernel then skips the hole and says ENOMEM, after
  // releasing what is mapped.
  (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace

void UseOneMallocArena() { (void)::mallopt(M_ARENA_MAX, 1); }

void ReleaseIdleMemory() {
  (void)::malloc_trim(0);
  ReleaseStackBelowHere();
}

}  // namespace satrap
