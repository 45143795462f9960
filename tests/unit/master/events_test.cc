// EVENTS scheduling as Cyrus does it: period= runs at startup then every N
// minutes, at=HHMM daily, neither runs once.
#include "events.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace satrap::master {
namespace {

time_t LocalTime(int year, int month, int day, int hour, int minute, int second = 0) {
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  return mktime(&tm);
}

EventSpec Periodic(std::string name, int minutes) {
  EventSpec spec;
  spec.name = std::move(name);
  spec.argv = {"x"};
  spec.period_minutes = minutes;
  return spec;
}

EventSpec Daily(std::string name, int hour, int minute) {
  EventSpec spec;
  spec.name = std::move(name);
  spec.argv = {"x"};
  spec.at_hour = hour;
  spec.at_minute = minute;
  return spec;
}

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    ::unsetenv("SATRAP_EVENT_MINUTE_SECONDS");
  }
};

TEST_F(EventsTest, PeriodicRunsAtStartupThenEveryPeriod) {
  time_t now = LocalTime(2024, 3, 1, 10, 0);
  EventSpec spec = Periodic("checkpoint", 30);
  EXPECT_EQ(FirstRun(spec, now), now);
  EXPECT_EQ(NextRun(spec, now, 60), now + 30 * 60);
}

TEST_F(EventsTest, NeitherPeriodNorAtRunsOnce) {
  time_t now = LocalTime(2024, 3, 1, 10, 0);
  EventSpec spec = Periodic("once", 0);
  EXPECT_EQ(FirstRun(spec, now), now);
  EXPECT_EQ(NextRun(spec, now, 60), std::nullopt);
}

TEST_F(EventsTest, AtRunsDailyTodayOrTomorrow) {
  EventSpec spec = Daily("delprune", 4, 1);
  EXPECT_EQ(FirstRun(spec, LocalTime(2024, 3, 1, 3, 0)), LocalTime(2024, 3, 1, 4, 1));
  EXPECT_EQ(FirstRun(spec, LocalTime(2024, 3, 1, 4, 1)), LocalTime(2024, 3, 1, 4, 1));
  EXPECT_EQ(FirstRun(spec, LocalTime(2024, 3, 1, 4, 2)), LocalTime(2024, 3, 2, 4, 1));
  EXPECT_EQ(NextRun(spec, LocalTime(2024, 3, 1, 4, 1), 60), LocalTime(2024, 3, 2, 4, 1));
  // Month and year ends roll over.
  EXPECT_EQ(FirstRun(spec, LocalTime(2024, 12, 31, 23, 0)), LocalTime(2025, 1, 1, 4, 1));
  // at= wins over period= (Cyrus ignores period then).
  spec.period_minutes = 5;
  EXPECT_EQ(NextRun(spec, LocalTime(2024, 3, 1, 4, 1), 60), LocalTime(2024, 3, 2, 4, 1));
}

TEST_F(EventsTest, MinuteLengthTestHook) {
  ::setenv("SATRAP_EVENT_MINUTE_SECONDS", "2", 1);
  EXPECT_EQ(SecondsPerMinute(), 2);
  ::setenv("SATRAP_EVENT_MINUTE_SECONDS", "0", 1);
  EXPECT_EQ(SecondsPerMinute(), 60);
  ::setenv("SATRAP_EVENT_MINUTE_SECONDS", "abc", 1);
  EXPECT_EQ(SecondsPerMinute(), 60);
  ::unsetenv("SATRAP_EVENT_MINUTE_SECONDS");
  EXPECT_EQ(SecondsPerMinute(), 60);
}

TEST_F(EventsTest, ScheduleTakesDueEventsAndDropsOneShots) {
  time_t now = LocalTime(2024, 3, 1, 10, 0);
  EventSchedule schedule;
  schedule.Reset({Periodic("tick", 1), Periodic("once", 0), Daily("night", 4, 1)}, now);
  std::vector<EventSpec> due = schedule.TakeDue(now);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].name, "tick");
  EXPECT_EQ(due[1].name, "once");
  EXPECT_EQ(schedule.NextDue(), now + 60);
  EXPECT_TRUE(schedule.TakeDue(now + 59).empty());
  due = schedule.TakeDue(now + 60);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].name, "tick");
  due = schedule.TakeDue(LocalTime(2024, 3, 2, 4, 1));
  ASSERT_EQ(due.size(), 2u);  // tick (overdue) and night; once never again
  EXPECT_EQ(due[1].name, "night");
}

TEST_F(EventsTest, ResetKeepsScheduleOfUnchangedEntries) {
  time_t now = LocalTime(2024, 3, 1, 10, 0);
  EventSchedule schedule;
  schedule.Reset({Periodic("tick", 10)}, now);
  ASSERT_EQ(schedule.TakeDue(now).size(), 1u);
  // A reload five minutes later: the unchanged entry is not run again now...
  schedule.Reset({Periodic("tick", 10), Periodic("new", 10)}, now + 300);
  std::vector<EventSpec> due = schedule.TakeDue(now + 300);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].name, "new");
  // ...while a changed one is scheduled afresh.
  schedule.Reset({Periodic("tick", 20), Periodic("new", 10)}, now + 301);
  due = schedule.TakeDue(now + 301);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].name, "tick");
}

TEST_F(EventsTest, EmptyScheduleHasNothingDue) {
  EventSchedule schedule;
  EXPECT_EQ(schedule.NextDue(), std::nullopt);
  EXPECT_TRUE(schedule.TakeDue(0).empty());
}

}  // namespace
}  // namespace satrap::master
