// Quota roots and checks (003 seed "Quotas" and "Quota Details"; RFC 2087),
// over a real Berkeley DB environment.
#include "quota/quota.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace satrap::quota {
namespace {

class QuotaDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-quota-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto env = db::Environment::Open(dir_ + "/db");
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
    auto database = env_->OpenDatabase(kQuotaDb);
    ASSERT_TRUE(database.ok()) << database.status().ToString();
    db_ = std::move(*database);
  }
  void TearDown() override {
    db_.reset();
    env_.reset();
    ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0);
  }
  std::string dir_;
  std::unique_ptr<db::Environment> env_;
  std::unique_ptr<db::Database> db_;
};

TEST(QuotaTest, EncodeDecode) {
  QuotaRoot r{"user.adam", 123456, 100, 7, -1};
  Result<QuotaRoot> back = DecodeQuotaRoot("user.adam", EncodeQuotaRoot(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  for (const char* bad : {"", "1 2 3", "1 2 3 4 5", "x 1 2 3", "1 -2 3 4", "-1 1 1 1", "1 1 1 1 "}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(DecodeQuotaRoot("r", bad).code(), Code::kCorrupt);
  }
}

TEST(QuotaTest, CandidateRootsNearestFirst) {
  EXPECT_EQ(CandidateRoots("user.adam.subsys.gnome"),
            (std::vector<std::string>{"user.adam.subsys.gnome", "user.adam.subsys", "user.adam",
                                      "user"}));
  EXPECT_EQ(CandidateRoots("d.org!user.a.b"),
            (std::vector<std::string>{"d.org!user.a.b", "d.org!user.a", "d.org!user"}));
}

TEST(QuotaTest, DeliveryAcceptsAnySizeUntilOver) {
  // Seed: "If a folder has a quota of 100Mb, and contents 96Mb of messages, a
  // 7Mb message could be successfully delivered. The mailbox would then be
  // over-quota and refuse further messages."
  QuotaRoot r{"user.adam", 96ull << 20, 100 << 10, 0, kUnlimited};
  EXPECT_TRUE(CheckQuota(r, 7ull << 20, 1, QuotaCheck::kDelivery).ok());
  EXPECT_EQ(CheckQuota(r, 7ull << 20, 1, QuotaCheck::kStrict).code(), Code::kOverQuota);
  r.used_bytes += 7ull << 20;
  EXPECT_EQ(CheckQuota(r, 1, 1, QuotaCheck::kDelivery).code(), Code::kOverQuota);
  r.used_bytes = 100ull << 20;  // exactly at the limit: refused too
  EXPECT_EQ(CheckQuota(r, 1, 1, QuotaCheck::kDelivery).code(), Code::kOverQuota);
  EXPECT_TRUE(CheckQuota(r, 0, 0, QuotaCheck::kStrict).ok());
  // kNone (a move inside one root, e.g. renaming INBOX) never refuses.
  EXPECT_TRUE(CheckQuota(r, 1ull << 30, 1000, QuotaCheck::kNone).ok());

  QuotaRoot messages{"user.b", 0, kUnlimited, 9, 10};
  EXPECT_TRUE(CheckQuota(messages, 5, 1, QuotaCheck::kStrict).ok());
  EXPECT_EQ(CheckQuota(messages, 5, 2, QuotaCheck::kStrict).code(), Code::kOverQuota);
  EXPECT_TRUE(CheckQuota(messages, 5, 5, QuotaCheck::kDelivery).ok());
  messages.used_messages = 10;
  EXPECT_EQ(CheckQuota(messages, 5, 1, QuotaCheck::kDelivery).code(), Code::kOverQuota);
  QuotaRoot unlimited{"user.c", 1ull << 40, kUnlimited, 1 << 30, kUnlimited};
  EXPECT_TRUE(CheckQuota(unlimited, 1ull << 40, 1, QuotaCheck::kStrict).ok());
}

TEST(QuotaTest, Warn) {
  QuotaRoot r{"user.a", 89 * 1024, 100, 0, kUnlimited};
  EXPECT_FALSE(ShouldWarn(r, 90));
  r.used_bytes = 90 * 1024;
  EXPECT_TRUE(ShouldWarn(r, 90));
  QuotaRoot m{"user.a", 0, kUnlimited, 95, 100};
  EXPECT_TRUE(ShouldWarn(m, 90));
  EXPECT_FALSE(ShouldWarn(QuotaRoot{"x", 1 << 30, kUnlimited, 0, kUnlimited}, 90));
}

TEST_F(QuotaDbTest, NearestRootFromTheSeed) {
  // "If a quota is created on user.adam and user.adam.subsys then
  // user.adam.subsys.* are not included in the quota on user.adam, but
  // user.adam.klug, user.adam.personal, and user.adam.vendorfiles would be."
  QuotaDb quotas(db_.get());
  ASSERT_TRUE(quotas.Put(nullptr, {"user.adam", 0, 1000, 0, kUnlimited}).ok());
  ASSERT_TRUE(quotas.Put(nullptr, {"user.adam.subsys", 0, 500, 0, kUnlimited}).ok());
  struct Case {
    const char* mailbox;
    const char* root;
  };
  const Case cases[] = {
      {"user.adam", "user.adam"},
      {"user.adam.klug", "user.adam"},
      {"user.adam.personal", "user.adam"},
      {"user.adam.vendorfiles", "user.adam"},
      {"user.adam.subsys", "user.adam.subsys"},
      {"user.adam.subsys.mail.mta.sendmail", "user.adam.subsys"},
      {"user.adam.subsys.gnome", "user.adam.subsys"},
      {"user.adamant", ""},
      {"user.bob", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mailbox);
    Result<std::optional<QuotaRoot>> root = quotas.FindRoot(nullptr, c.mailbox);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(root->has_value() ? (*root)->root : "", c.root);
  }
}

TEST_F(QuotaDbTest, ApplyInsideTransactionsAndClamp) {
  QuotaDb quotas(db_.get());
  ASSERT_TRUE(quotas.Put(nullptr, {"user.a", 0, 10, 0, kUnlimited}).ok());
  ASSERT_TRUE(db::RunTransaction(*env_, [&](db::Transaction& txn) {
                return quotas.Apply(&txn, "user.a", 5000, 2);
              }).ok());
  {
    auto txn = env_->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(quotas.Apply(txn->get(), "user.a", 100, 1).ok());
    // dropped without Commit(): aborted
  }
  EXPECT_EQ(quotas.Get(nullptr, "user.a")->used_bytes, 5000u);
  ASSERT_TRUE(quotas.Apply(nullptr, "user.a", -9000, -5).ok());
  EXPECT_EQ(quotas.Get(nullptr, "user.a")->used_bytes, 0u);
  EXPECT_EQ(quotas.Get(nullptr, "user.a")->used_messages, 0u);
  EXPECT_EQ(quotas.Apply(nullptr, "user.none", 1, 1).code(), Code::kNotFound);
  int seen = 0;
  ASSERT_TRUE(quotas.ForEach(nullptr, "user.", [&](const QuotaRoot&) { return ++seen, true; }).ok());
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace satrap::quota
