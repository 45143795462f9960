// Tests for protocol/sequence_set.h against RFC 3501 §9:
//   seq-number = nz-number / "*"
//   seq-range = seq-number ":" seq-number
//   sequence-set = (seq-number / seq-range) *("," sequence-set)
#include "protocol/sequence_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace satrap::protocol {
namespace {

TEST(SequenceSet, ParsesAndResolves) {
  struct Row {
    const char* text;
    uint32_t largest;
    const char* resolved;
  };
  const Row rows[] = {
      {"1:*", 10, "1:10"},       {"5:3", 10, "3:5"},       {"1,3,5:7", 10, "1,3,5:7"},
      {"*", 10, "10"},           {"*:4", 10, "4:10"},      {"2,1,3", 10, "1:3"},
      {"1:3,2:6,8", 10, "1:6,8"}, {"7:7", 10, "7"},         {"4294967295", 10, "4294967295"},
      {"1:4294967295", 5, "1:4294967295"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    Result<SequenceSet> set = SequenceSet::Parse(row.text);
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    if (row.largest == 0) continue;
    EXPECT_EQ(set->Resolve(row.largest).ToString(), row.resolved);
  }
}

TEST(SequenceSet, RejectsMalformed) {
  const char* bad[] = {"",    "0",     "0:5",  "1:0",  "01",  "1,",  ",1",  "1,,2", "1:",
                       ":1",  "1:2:3", "a",    "1 2",  " 1",  "-1",  "**",  "*:",  "4294967296",
                       "1:4294967296", "1;2", "+1", "1.5"};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(SequenceSet::Parse(text).code(), Code::kInvalid);
  }
}

TEST(SequenceSet, BoundsRangeCount) {
  EXPECT_TRUE(SequenceSet::Parse("1,2,3", 3).ok());
  EXPECT_EQ(SequenceSet::Parse("1,2,3,4", 3).code(), Code::kTooBig);
}

// RFC 3501 §9: a message sequence number past the last message is invalid.
TEST(SequenceSet, MsgnumsResolveStarToExists) {
  Result<SequenceSet> set = SequenceSet::Parse("2:*");
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->HasStar());
  EXPECT_EQ(set->ResolveMsgnums(5)->ToString(), "2:5");
  // "2:*" with one message is "2:1": message 2 does not exist.
  EXPECT_EQ(set->ResolveMsgnums(1).code(), Code::kInvalid);
  EXPECT_FALSE(SequenceSet::Parse("2:3")->HasStar());
}

TEST(SequenceSet, MsgnumsOutOfRange) {
  struct Row {
    const char* text;
    uint32_t exists;
    bool ok;
  };
  const Row rows[] = {{"1:5", 5, true},  {"1:6", 5, false}, {"6", 5, false}, {"*", 5, true},
                      {"*:7", 5, false}, {"1", 0, false},   {"*", 0, false}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(SequenceSet::Parse(row.text)->ResolveMsgnums(row.exists).ok(), row.ok);
  }
}

// RFC 3501 §6.4.8: "559:*" includes the last UID even when 559 is larger.
TEST(SequenceSet, MatchUids) {
  const std::vector<uint32_t> uids = {3, 7, 8, 20, 500};
  struct Row {
    const char* text;
    std::vector<uint32_t> msgnums;
  };
  const Row rows[] = {{"1:*", {1, 2, 3, 4, 5}}, {"559:*", {5}},      {"*", {5}},
                      {"4:7", {2}},             {"9:19", {}},        {"8,3,500", {1, 3, 5}},
                      {"1:4294967295", {1, 2, 3, 4, 5}}, {"7:8,8:20", {2, 3, 4}}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(SequenceSet::Parse(row.text)->MatchUids(uids), row.msgnums);
  }
  EXPECT_TRUE(SequenceSet::Parse("1:*")->MatchUids({}).empty());
}

// Against a mailbox that finds UIDs by binary search: two lower bounds per
// range, however many messages the range holds.
TEST(SequenceSet, MatchUidsAsksTwoLowerBoundsPerRange) {
  std::vector<uint32_t> uids(100000);
  for (uint32_t i = 0; i < uids.size(); ++i) uids[i] = 2 * i + 1;
  int asked = 0;
  auto lower_bound = [&](uint32_t uid) {
    ++asked;
    return static_cast<uint32_t>(std::lower_bound(uids.begin(), uids.end(), uid) - uids.begin()) + 1;
  };
  std::vector<uint32_t> all =
      SequenceSet::Parse("1:*")->MatchUids(static_cast<uint32_t>(uids.size()), uids.back(), lower_bound);
  EXPECT_EQ(all.size(), uids.size());
  EXPECT_LE(asked, 2);
  asked = 0;
  std::vector<uint32_t> some =
      SequenceSet::Parse("2:6,199999,300000:*")->MatchUids(static_cast<uint32_t>(uids.size()),
                                                          uids.back(), lower_bound);
  EXPECT_EQ(some, (std::vector<uint32_t>{2, 3, 100000}));
  EXPECT_LE(asked, 6);
}

TEST(NumberSet, HugeRangesStayRanges) {
  NumberSet set = SequenceSet::Parse("1:4294967295")->Resolve(1);
  EXPECT_EQ(set.ranges().size(), 1u);
  EXPECT_EQ(set.Count(), 4294967295ull);
  EXPECT_TRUE(set.Contains(4294967295u));
  EXPECT_FALSE(set.Contains(0));
  uint32_t seen = 0;
  set.ForEach([&](uint32_t n) {
    seen = n;
    return n < 3;
  });
  EXPECT_EQ(seen, 3u);
}

// COPYUID / APPENDUID (RFC 4315) and ESEARCH (RFC 4731) want compact sets.
TEST(NumberSet, CompactStrings) {
  struct Row {
    std::vector<uint32_t> numbers;
    const char* text;
  };
  const Row rows[] = {{{}, ""},
                      {{5}, "5"},
                      {{1, 2, 3}, "1:3"},
                      {{1, 2, 3, 5, 7, 8, 9}, "1:3,5,7:9"},
                      {{4, 4, 5}, "4:5"},
                      {{4294967294u, 4294967295u}, "4294967294:4294967295"}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    NumberSet set = NumberSet::FromSorted(row.numbers);
    EXPECT_EQ(set.ToString(), row.text);
    for (uint32_t n : row.numbers) EXPECT_TRUE(set.Contains(n));
  }
  EXPECT_EQ(NumberSet::FromRanges({{7, 9}, {1, 3}, {4, 4}, {11, 12}}).ToString(), "1:4,7:9,11:12");
}

}  // namespace
}  // namespace satrap::protocol
