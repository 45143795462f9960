// Giving memory back to the kernel while a worker waits.
//
// A worker process serves one client at a time, and most clients sit idle
// for minutes between commands: whatever the process touched while busy
// (freed heap, stack pages under the current frame) stays in its resident
// set, and across a thousand idle connections that is most of the server's
// memory. Called when a session goes quiet and when a worker goes back to
// waiting for its next connection.
#pragma once

namespace satrap {

// Returns free heap pages (malloc_trim) and the calling thread's stack pages
// below the current frame (madvise MADV_DONTNEED: they read back as zeros
// when the stack grows again, which is all an unused stack page can hold).
// Costs one pass over the heap's free chunks and two system calls.
void ReleaseIdleMemory();

// Makes every thread of the process allocate from the main malloc arena.
// A worker's helper threads (cache read-ahead, the lock watchdog) would get
// arenas of their own, and malloc_trim never gives back the top of those:
// after a FETCH ENVELOPE of 100,000 messages each kept 1.7 MB resident in
// an idle worker. The helpers rarely allocate at the same time as the main
// thread, so one arena's lock costs nothing measurable. Call before the
// first thread starts.
void UseOneMallocArena();

}  // namespace satrap
