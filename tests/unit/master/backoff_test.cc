// Spawn throttling: doubling delay after failed starts (Postfix/Dovecot), reset
// after a served connection, and the maxforkrate window.
#include "backoff.h"

#include <gtest/gtest.h>

namespace satrap::master {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, FailedStartsDoubleUpToTheCap) {
  Backoff b;
  Clock::time_point t0{};
  t0 += std::chrono::hours(1);
  milliseconds expected[] = {milliseconds(1000), milliseconds(2000), milliseconds(4000),
                             milliseconds(8000), milliseconds(16000), milliseconds(32000),
                             milliseconds(60000), milliseconds(60000)};
  for (milliseconds want : expected) {
    SCOPED_TRACE(want.count());
    EXPECT_EQ(b.FailedStart(t0), want);
    EXPECT_TRUE(b.Throttled(t0));
    EXPECT_TRUE(b.Throttled(t0 + want - milliseconds(1)));
    EXPECT_FALSE(b.Throttled(t0 + want));
  }
}

TEST(Backoff, ServedResetsTheDelay) {
  Backoff b;
  Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);
  b.FailedStart(t0);
  b.FailedStart(t0);
  b.Served();
  EXPECT_EQ(b.FailedStart(t0), milliseconds(1000));
}

TEST(Backoff, NotThrottledInitially) {
  Backoff b;
  EXPECT_FALSE(b.Throttled(Clock::now()));
}

TEST(Backoff, EarlyDeathNeedsAbnormalExitNoConnectionAndShortLife) {
  struct Case {
    bool abnormal;
    bool served;
    milliseconds lifetime;
    bool early;
  } cases[] = {
      {true, false, milliseconds(10), true},
      {true, false, milliseconds(4999), true},
      {true, false, milliseconds(5000), false},
      {true, true, milliseconds(10), false},
      {false, false, milliseconds(10), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.lifetime.count());
    EXPECT_EQ(Backoff::IsEarlyDeath(c.abnormal, c.served, c.lifetime), c.early);
  }
}

TEST(Backoff, ForkRateWindow) {
  Backoff b;
  Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(b.MayFork(t0, 0));  // unlimited
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b.MayFork(t0 + milliseconds(i), 3));
    b.Forked(t0 + milliseconds(i));
  }
  EXPECT_FALSE(b.MayFork(t0 + milliseconds(500), 3));
  EXPECT_TRUE(b.MayFork(t0 + milliseconds(500), 0));
  EXPECT_TRUE(b.MayFork(t0 + milliseconds(1000), 3));  // the next window
  b.Forked(t0 + milliseconds(1000));
  EXPECT_TRUE(b.MayFork(t0 + milliseconds(1001), 3));
}

}  // namespace
}  // namespace satrap::master
