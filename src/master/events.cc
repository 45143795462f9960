#include "events.h"

#include <cstdlib>

#include "base/strings.h"

namespace satrap::master {

namespace {

// The next local time HH:MM strictly after `now` (today or tomorrow). Built
// with mktime on the calendar day, so daylight-saving shifts land on the
// right wall-clock minute.
time_t NextDaily(int hour, int minute, time_t now) {
  struct tm tm;
  localtime_r(&now, &tm);
  for (int day = 0; day < 2; ++day) {
    struct tm candidate = tm;
    candidate.tm_mday += day;
    candidate.tm_hour = hour;
    candidate.tm_min = minute;
    candidate.tm_sec = 0;
    candidate.tm_isdst = -1;
    time_t t = mktime(&candidate);
    if (t > now) return t;
  }
  return now + 86400;
}

}  // namespace

int SecondsPerMinute() {
  const char* env = std::getenv("SATRAP_EVENT_MINUTE_SECONDS");
  if (env != nullptr) {
    std::optional<uint64_t> v = ParseUint64(env);
    if (v && *v >= 1 && *v <= 60) return static_cast<int>(*v);
  }
  return 60;
}

time_t FirstRun(const EventSpec& spec, time_t now) {
  if (spec.at_hour) {
    // Cyrus: a time already passed today is tomorrow's; exactly now runs now.
    time_t t = NextDaily(*spec.at_hour, spec.at_minute, now - 1);
    return t;
  }
  return now;
}

std::optional<time_t> NextRun(const EventSpec& spec, time_t now, int seconds_per_minute) {
  if (spec.at_hour) return NextDaily(*spec.at_hour, spec.at_minute, now);
  if (spec.period_minutes <= 0) return std::nullopt;
  return now + static_cast<time_t>(spec.period_minutes) * seconds_per_minute;
}

void EventSchedule::Reset(const std::vector<EventSpec>& specs, time_t now) {
  std::vector<Entry> next;
  for (const EventSpec& spec : specs) {
    Entry entry{spec, FirstRun(spec, now)};
    for (const Entry& old : entries_) {
      if (old.spec == spec) entry.next = old.next;
    }
    next.push_back(std::move(entry));
  }
  entries_ = std::move(next);
}

std::vector<EventSpec> EventSchedule::TakeDue(time_t now) {
  std::vector<EventSpec> due;
  std::vector<Entry> kept;
  int spm = SecondsPerMinute();
  for (Entry& entry : entries_) {
    if (entry.next > now) {
      kept.push_back(std::move(entry));
      continue;
    }
    due.push_back(entry.spec);
    std::optional<time_t> next = NextRun(entry.spec, now, spm);
    if (next) {
      entry.next = *next;
      kept.push_back(std::move(entry));
    }
  }
  entries_ = std::move(kept);
  return due;
}

std::optional<time_t> EventSchedule::NextDue() const {
  std::optional<time_t> best;
  for (const Entry& entry : entries_) {
    if (!best || entry.next < *best) best = entry.next;
  }
  return best;
}

}  // namespace satrap::master
