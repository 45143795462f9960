// LIST levels without a mailbox (RFC 3501 §7.2.2 \Noselect, RFC 5258
// \NonExistent), the prefix-limited scan, quotawarn on append, and cache
// compaction when the index is compacted.
#include <sys/stat.h>

#include "base/file.h"
#include "mailbox/reconstruct.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class ListTest : public StoreTest {
 protected:
  // "name" for a mailbox, "name/" for a level without one.
  std::vector<std::string> Listed(const acl::Identity& who, const std::string& pattern) {
    Result<std::vector<ListEntry>> found = store_->List(who, pattern);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> out;
    if (!found.ok()) return out;
    for (const ListEntry& e : *found) {
      EXPECT_EQ(e.exists, e.selectable);
      if (!e.exists) {
        EXPECT_TRUE(e.has_children) << e.name;
      }
      out.push_back(e.name + (e.exists ? "" : "/"));
    }
    return out;
  }
};

TEST_F(ListTest, LevelsWithoutAMailboxAreNoselect) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->Create(alice, "user.alice.a.b.c").ok());  // a and a.b do not exist
  ASSERT_TRUE(store_->Create(admin_, "news.comp.lang").ok());
  ASSERT_TRUE(store_->Create(admin_, "hidden.deep").ok());
  ASSERT_TRUE(store_->SetAcl(admin_, "hidden.deep", "anyone", "").ok());
  struct Case {
    const char* pattern;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"%", {"news/", "user.alice"}},  // "hidden" is not revealed by an invisible child
      {"INBOX.%", {"user.alice.a/"}},
      {"inbox.a.%", {"user.alice.a.b/"}},
      {"INBOX.*", {"user.alice.a/", "user.alice.a.b/", "user.alice.a.b.c"}},
      {"INBOX.a.b.c", {"user.alice.a.b.c"}},
      {"INBOX.a", {"user.alice.a/"}},
      {"news.%", {"news.comp/"}},
      {"*", {"news/", "news.comp/", "news.comp.lang", "user.alice", "user.alice.a/",
             "user.alice.a.b/", "user.alice.a.b.c"}},
      {"INBOX.zz.%", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    EXPECT_EQ(Listed(alice, c.pattern), c.expected);
  }
}

TEST_F(ListTest, PrefixScanFindsWhatAFullScanFinds) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (const char* name : {"user.alice.L", "user.alice.L.x", "user.alice.Lz", "user.alice.L-y"}) {
    ASSERT_TRUE(store_->Create(alice, name).ok());
  }
  EXPECT_EQ(Listed(alice, "INBOX.L.%"), std::vector<std::string>{"user.alice.L.x"});
  EXPECT_EQ(Listed(alice, "INBOX.L*"),
            (std::vector<std::string>{"user.alice.L", "user.alice.L-y", "user.alice.L.x",
                                      "user.alice.Lz"}));
  Result<std::vector<ListEntry>> l = store_->List(alice, "INBOX.L");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), 1u);
  EXPECT_TRUE((*l)[0].has_children);
}

TEST_F(ListTest, QuotaWarnOnAppend) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", -1, 10).ok());  // 10 messages
  NewMessage m;
  std::string data = "Subject: q\r\n\r\nq\r\n";
  m.data = data;
  std::string targets[] = {"user.alice"};
  std::vector<std::pair<bool, bool>> seen;  // (warning, new) per append
  for (int i = 0; i < 10; ++i) {
    auto r = store_->Append(alice, std::span<const NewMessage>(&m, 1), targets, {});
    ASSERT_TRUE(r.ok() && (*r)[0].ok());
    seen.emplace_back((*r)[0]->quota_warning.has_value(), (*r)[0]->quota_warning_new);
  }
  // quotawarn 90: the 9th message reaches 90 %.
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE(i + 1);
    EXPECT_EQ(seen[i].first, i >= 8);
    EXPECT_EQ(seen[i].second, i == 8);
  }
  EXPECT_TRUE(quota::ShouldWarn({"r", 0, -1, 9, 10}, 90, 0, 0));
  EXPECT_FALSE(quota::ShouldWarn({"r", 0, -1, 9, 10}, 90, 0, 1)) << "quotawarnmsg: 1 left";
  EXPECT_TRUE(quota::ShouldWarn({"r", 0, -1, 9, 10}, 90, 0, 2));
  EXPECT_FALSE(quota::ShouldWarn({"r", 950 * 1024, 1000, 0, -1}, 90, 10, 0)) << "50 KiB left";
}

TEST_F(ListTest, CompactionAlsoCompactsTheCache) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  acl::Identity alice = User("alice");
  for (int i = 0; i < 6; ++i) ASSERT_NE(AppendOne(alice, "user.alice", "m", i < 5 ? kFlagDeleted : 0), 0u);
  const std::string cache = dir_ + "/spool/a/user/alice/cyrus.cache";
  struct stat before, after;
  ASSERT_EQ(::stat(cache.c_str(), &before), 0);
  {
    auto box = store_->Open(alice, "user.alice", false);
    ASSERT_TRUE(box.ok());
    ASSERT_TRUE((*box)->Expunge(std::nullopt).ok());
  }  // the last close compacts
  ASSERT_EQ(::stat(cache.c_str(), &after), 0);
  EXPECT_LT(after.st_size * 4, before.st_size) << "one record of six is left";
  auto box = store_->Open(alice, "user.alice", true);
  ASSERT_TRUE(box.ok());
  ASSERT_EQ((*box)->exists(), 1u);
  EXPECT_EQ((*box)->Record(1).cache_offset, 0u);
  EXPECT_TRUE((*box)->CachePayload(1).ok());
  EXPECT_TRUE(Reconstruct(*store_, {}, {false, false, true})->clean());
}

}  // namespace
}  // namespace satrap::mailbox
