// Session resumption through tls_sessions.db (real Berkeley DB) across two
// TlsServerContext instances, as two workers would have; and pruning.
#include <ctime>

#include "db/kv.h"
#include "tls/session_cache.h"
#include "tls_fixture.h"

namespace satrap::tls::testing {
namespace {

class TlsSessionTest : public TlsTest {
 protected:
  void SetUp() override {
    TlsTest::SetUp();
    Result<std::unique_ptr<db::Environment>> env = db::Environment::Open(JoinPath(dir_, "db"));
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(*env);
  }
  void TearDown() override {
    env_.reset();
    TlsTest::TearDown();
  }

  std::unique_ptr<db::Database> OpenSessions() {
    Result<std::unique_ptr<db::Database>> database = env_->OpenDatabase("tls_sessions.db");
    EXPECT_TRUE(database.ok()) << database.status().ToString();
    return database.ok() ? std::move(*database) : nullptr;
  }

  // One connection: handshake, one line from the server (which carries the
  // TLS 1.3 ticket to the client), then the client's session for next time.
  // Returns whether the server saw a resumption; *session gets the client's.
  bool Connect(TlsServerContext& context, const TlsClientOptions& options,
               std::string* session) {
    bool client_resumed = false;
    std::string offered = *session;
    auto server_end = StartClient([&](std::unique_ptr<net::Transport> t) {
      auto tls = (*TlsClientContext::Create(options))->Connect(std::move(t), Soon(), offered);
      if (!tls.ok()) return;
      client_resumed = (*tls)->Info().resumed;
      TlsTransport* raw = tls->get();
      net::Connection conn(std::move(*tls), {});
      (void)conn.ReadLine();
      *session = raw->SessionDer();
    });
    TlsInfo info;
    auto transport = context.Handshake(std::move(server_end), Soon(), &info);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (transport.ok()) {
      net::Connection conn(std::move(*transport), {});
      conn.Write("* OK\r\n");
      EXPECT_TRUE(conn.Flush().ok());
    }
    Join();
    EXPECT_EQ(client_resumed, info.resumed);
    return info.resumed;
  }

  std::unique_ptr<db::Environment> env_;
};

int CountEntries(db::Database& database) {
  int n = 0;
  EXPECT_TRUE(database.ForEachWithPrefix(nullptr, "", [&](std::string_view, std::string_view) {
                ++n;
                return true;
              }).ok());
  return n;
}

TEST_F(TlsSessionTest, ResumesAcrossContextsSharingTheDatabase) {
  for (const char* max_version : {"", "tls1_2"}) {
    SCOPED_TRACE(*max_version ? max_version : "tls1_3");
    auto db1 = OpenSessions();
    auto db2 = OpenSessions();
    auto worker1 = TlsServerContext::Create(ServerSettings(), db1.get());
    auto worker2 = TlsServerContext::Create(ServerSettings(), db2.get());
    ASSERT_TRUE(worker1.ok() && worker2.ok());
    TlsClientOptions options = ClientOptions();
    options.max_version = max_version;
    std::string session;
    EXPECT_FALSE(Connect(**worker1, options, &session));
    ASSERT_FALSE(session.empty());
    EXPECT_GE(CountEntries(*db1), 1);
    EXPECT_TRUE(Connect(**worker2, options, &session));   // the other "process"
    EXPECT_TRUE(Connect(**worker1, options, &session));   // and back
  }
}

TEST_F(TlsSessionTest, NoResumptionWithoutCacheOrAcrossServices) {
  auto database = OpenSessions();
  TlsSettings imap = ServerSettings();
  imap.session_id_context = "satrap/imaps";
  TlsSettings pop = ServerSettings();
  pop.session_id_context = "satrap/pop3s";
  TlsSettings off = imap;
  off.session_timeout = std::chrono::seconds(0);
  auto imap_ctx = TlsServerContext::Create(imap, database.get());
  auto pop_ctx = TlsServerContext::Create(pop, database.get());
  auto off_ctx = TlsServerContext::Create(off, database.get());
  auto no_db_ctx = TlsServerContext::Create(imap, nullptr);
  ASSERT_TRUE(imap_ctx.ok() && pop_ctx.ok() && off_ctx.ok() && no_db_ctx.ok());

  for (const char* max_version : {"", "tls1_2"}) {
    SCOPED_TRACE(*max_version ? max_version : "tls1_3");
    TlsClientOptions options = ClientOptions();
    options.max_version = max_version;
    std::string session;
    EXPECT_FALSE(Connect(**imap_ctx, options, &session));
    std::string imap_session = session;
    EXPECT_FALSE(Connect(**pop_ctx, options, &session));  // other service: full handshake
    session = imap_session;
    EXPECT_FALSE(Connect(**off_ctx, options, &session));
    session = imap_session;
    EXPECT_FALSE(Connect(**no_db_ctx, options, &session));
  }
}

TEST_F(TlsSessionTest, ExpiredEntryIsNotResumed) {
  auto database = OpenSessions();
  auto context = TlsServerContext::Create(ServerSettings(), database.get());
  ASSERT_TRUE(context.ok());
  TlsClientOptions options = ClientOptions();
  options.max_version = "tls1_2";
  std::string session;
  EXPECT_FALSE(Connect(**context, options, &session));
  // Age every stored entry past its expiry, as time would.
  std::vector<std::pair<std::string, std::string>> entries;
  ASSERT_TRUE(database->ForEachWithPrefix(nullptr, "", [&](std::string_view k, std::string_view v) {
                entries.emplace_back(k, v);
                return true;
              }).ok());
  ASSERT_FALSE(entries.empty());
  for (auto& [key, value] : entries) {
    int64_t expiry;
    std::string_view der;
    ASSERT_TRUE(DecodeSessionEntry(value, &expiry, &der));
    EXPECT_GT(expiry, time(nullptr) + 23 * 3600);  // default 24 h
    ASSERT_TRUE(database->Put(nullptr, key, EncodeSessionEntry(time(nullptr) - 1, der)).ok());
  }
  EXPECT_FALSE(Connect(**context, options, &session));
}

TEST(SessionEntry, EncodingRoundTrips) {
  const int64_t expiries[] = {0, 1, 1700000000, INT64_MAX, -5};
  for (int64_t expiry : expiries) {
    SCOPED_TRACE(expiry);
    std::string value = EncodeSessionEntry(expiry, std::string("\0der", 4));
    int64_t got;
    std::string_view der;
    ASSERT_TRUE(DecodeSessionEntry(value, &got, &der));
    EXPECT_EQ(got, expiry);
    EXPECT_EQ(der, std::string_view("\0der", 4));
  }
  int64_t got;
  std::string_view der;
  EXPECT_FALSE(DecodeSessionEntry("short", &got, &der));
}

TEST_F(TlsSessionTest, PruneDeletesOnlyExpiredAndCorruptEntries) {
  auto database = OpenSessions();
  const int64_t now = 1700000000;
  struct Entry {
    std::string key;
    std::string value;
    bool survives;
  };
  const Entry entries[] = {
      {"live", EncodeSessionEntry(now + 60, "der1"), true},
      {std::string("\x00\xff", 2), EncodeSessionEntry(now + 1, "der2"), true},
      {"expired", EncodeSessionEntry(now - 60, "der3"), false},
      {"expires-now", EncodeSessionEntry(now, "der4"), false},
      {"corrupt", "abc", false},
  };
  for (const Entry& e : entries) ASSERT_TRUE(database->Put(nullptr, e.key, e.value).ok());
  int total = 0;
  Result<int> pruned = PruneExpiredSessions(*database, now, &total);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(*pruned, 3);
  EXPECT_EQ(total, 5);
  for (const Entry& e : entries) {
    SCOPED_TRACE(e.key);
    EXPECT_EQ(database->Get(nullptr, e.key).ok(), e.survives);
  }
  pruned = PruneExpiredSessions(*database, now);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0);
  EXPECT_EQ(*PruneExpiredSessions(*database, now + 3600), 2);
  EXPECT_EQ(CountEntries(*database), 0);
}

TEST_F(TlsSessionTest, CacheLookupHonoursExpiry) {
  auto database = OpenSessions();
  SessionCache cache(database.get(), std::chrono::seconds(600));
  ASSERT_TRUE(cache.Store("id1", "der", 1000).ok());
  Result<std::string> der = cache.Lookup("id1", 1599);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, "der");
  EXPECT_EQ(cache.Lookup("id1", 1600).code(), Code::kNotFound);
  EXPECT_EQ(database->Get(nullptr, "id1").code(), Code::kNotFound);  // deleted on the way
  EXPECT_EQ(cache.Lookup("nope", 0).code(), Code::kNotFound);
  EXPECT_EQ(cache.Remove("nope").code(), Code::kNotFound);
}

}  // namespace
}  // namespace satrap::tls::testing
