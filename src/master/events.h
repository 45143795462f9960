// EVENTS: when each entry runs next (Cyrus master.c schedule_event).
//
//   period=N   runs at startup, then every N minutes after each run
//   at=HHMM    runs daily at that local time (period is ignored)
//   neither    runs once at startup and never again (Cyrus's period=0)
//
// The schedule is wall-clock time_t; the master runs due events without
// waiting for them (their exit is reaped like any child's). A reload keeps the
// schedule of an entry whose definition did not change, so SIGHUP does not
// fire every periodic job at once.
//
// Test hook: SATRAP_EVENT_MINUTE_SECONDS=n makes a period "minute" n seconds
// long, so e2e tests can watch a periodic event fire. Test-only; never set it
// in production.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "service_table.h"

namespace satrap::master {

// Seconds in a period minute: 60, or SATRAP_EVENT_MINUTE_SECONDS.
int SecondsPerMinute();

// The first run of `spec` at or after `now`.
time_t FirstRun(const EventSpec& spec, time_t now);
// The run after one that happened at `now`; nullopt when the event runs once.
std::optional<time_t> NextRun(const EventSpec& spec, time_t now, int seconds_per_minute);

class EventSchedule {
 public:
  // Replaces the table. Entries equal to an existing one keep their next run
  // time; new or changed ones are scheduled from `now`.
  void Reset(const std::vector<EventSpec>& specs, time_t now);

  // Entries due at `now`, in table order; their next run is advanced (or they
  // are dropped when they run only once).
  std::vector<EventSpec> TakeDue(time_t now);

  // The earliest next run, or nullopt when nothing is scheduled.
  std::optional<time_t> NextDue() const;

 private:
  struct Entry {
    EventSpec spec;
    time_t next = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace satrap::master
