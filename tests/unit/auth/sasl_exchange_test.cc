// RunSaslExchange() over a real AuthSession (real libsasl2, real sasldb),
// with a real libsasl2 client behind each protocol's framing: "+ <base64>"
// (RFC 3501 §7.5 continue-req, RFC 5034 §4) and "334 <base64>" (RFC 4954 §4).
//   RFC 3501 §6.2.2: "If the client wishes to cancel an authentication
//   exchange, it issues a line consisting of a single "*"."
#include "auth/sasl_exchange.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/base64.h"
#include "sasl_fixture.h"

namespace satrap::auth {
namespace {

using Kind = SaslOutcome::Kind;
using testing::Credentials;
using testing::PasswordOf;
using testing::SaslClient;

// What the client does when asked for its `answer_at`th response.
enum class Twist { kNone, kCancel, kGarbage, kReadFails, kSendFails };

// A protocol's channel with a libsasl2 client on the other end. It records
// every framed challenge line, as the socket would carry it.
class ClientChannel : public SaslChannel {
 public:
  ClientChannel(std::string prefix, SaslClient* client, Twist twist, int twist_at)
      : prefix_(std::move(prefix)), client_(client), twist_(twist), twist_at_(twist_at) {}

  Status SendChallenge(std::string_view base64) override {
    if (twist_ == Twist::kSendFails && sent_.size() + 1 == static_cast<size_t>(twist_at_)) {
      return Status::TempFail("broken pipe");
    }
    sent_.push_back(prefix_ + std::string(base64) + "\r\n");
    last_challenge_ = std::string(base64);
    return Status();
  }

  Result<std::string> ReadResponse() override {
    ++responses_;
    if (responses_ == twist_at_) {
      if (twist_ == Twist::kCancel) return std::string("*");
      if (twist_ == Twist::kGarbage) return std::string("not base64!");
      if (twist_ == Twist::kReadFails) return Status::TempFail("idle timeout");
    }
    Result<std::string> challenge = Base64Decode(last_challenge_);
    if (!challenge.ok()) return challenge.status();
    // A client that had its first message ready but sent no initial
    // response gives it when the server asks with an empty challenge.
    if (pending_initial_ && challenge->empty()) {
      std::string first = std::move(*pending_initial_);
      pending_initial_.reset();
      return Base64Encode(first);
    }
    std::optional<std::string> answer = client_->Step(*challenge);
    if (!answer) return std::string("*");  // the client gave up
    return Base64Encode(*answer);
  }

  void HoldInitial(std::optional<std::string> first) { pending_initial_ = std::move(first); }
  const std::vector<std::string>& sent() const { return sent_; }
  int responses() const { return responses_; }

 private:
  std::string prefix_;
  SaslClient* client_;
  Twist twist_;
  int twist_at_;
  std::string last_challenge_;
  std::optional<std::string> pending_initial_;
  std::vector<std::string> sent_;
  int responses_ = 0;
};

class SaslExchangeTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::UseConfig("allowplaintext: yes\n"); }

  std::unique_ptr<AuthSession> NewSession() {
    SessionOptions options;
    options.service = "imap";
    options.sasl_service = "imap";
    Result<std::unique_ptr<AuthSession>> session = AuthSession::Create(options, &groups_);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? std::move(session).value() : nullptr;
  }

  testing::TableGroupResolver groups_;
};

struct ExchangeCase {
  const char* name;
  const char* mechanism;  // as the client typed it
  const char* prefix;     // the protocol's challenge framing
  bool initial_response;  // SASL-IR / AUTH with an initial response
  std::string password;
  Twist twist;
  int twist_at;
  Kind want;
  Code want_code;  // for kFailed and kMalformed
};

TEST_F(SaslExchangeTest, Table) {
  const std::string good = PasswordOf("alice");
  const ExchangeCase cases[] = {
      {"PLAIN with initial response", "PLAIN", "+ ", true, good, Twist::kNone, 0, Kind::kDone,
       Code::kOk},
      {"PLAIN without: empty challenge first", "PLAIN", "+ ", false, good, Twist::kNone, 0,
       Kind::kDone, Code::kOk},
      {"lower-case mechanism name", "plain", "334 ", true, good, Twist::kNone, 0, Kind::kDone,
       Code::kOk},
      {"CRAM-MD5 over LMTP framing", "CRAM-MD5", "334 ", false, good, Twist::kNone, 0, Kind::kDone,
       Code::kOk},
      {"SCRAM-SHA-256, several rounds", "SCRAM-SHA-256", "+ ", true, good, Twist::kNone, 0,
       Kind::kDone, Code::kOk},
      {"DIGEST-MD5", "DIGEST-MD5", "+ ", false, good, Twist::kNone, 0, Kind::kDone, Code::kOk},
      {"wrong password", "PLAIN", "+ ", true, "wrong", Twist::kNone, 0, Kind::kFailed,
       Code::kNoPermission},
      {"wrong password, CRAM-MD5", "CRAM-MD5", "+ ", false, "wrong", Twist::kNone, 0,
       Kind::kFailed, Code::kNoPermission},
      {"'*' cancels", "CRAM-MD5", "+ ", false, good, Twist::kCancel, 1, Kind::kCancelled,
       Code::kOk},
      {"'*' cancels mid SCRAM", "SCRAM-SHA-256", "+ ", true, good, Twist::kCancel, 2,
       Kind::kCancelled, Code::kOk},
      {"response not base64", "CRAM-MD5", "334 ", false, good, Twist::kGarbage, 1,
       Kind::kMalformed, Code::kInvalid},
      {"client disconnects", "CRAM-MD5", "+ ", false, good, Twist::kReadFails, 1,
       Kind::kDisconnected, Code::kOk},
      {"challenge cannot be sent", "CRAM-MD5", "+ ", false, good, Twist::kSendFails, 1,
       Kind::kDisconnected, Code::kOk},
  };
  for (const ExchangeCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::unique_ptr<AuthSession> session = NewSession();
    ASSERT_NE(session, nullptr);
    SaslClient client(c.mechanism, Credentials{"alice", c.password, ""});
    ASSERT_TRUE(client.started());
    ClientChannel channel(c.prefix, &client, c.twist, c.twist_at);
    std::optional<std::string_view> initial;
    if (c.initial_response && client.initial()) initial = *client.initial();
    if (!c.initial_response) channel.HoldInitial(client.initial());
    SaslOutcome outcome = RunSaslExchange(*session, c.mechanism, initial, channel);
    EXPECT_EQ(outcome.kind, c.want) << outcome.status.ToString();
    EXPECT_EQ(outcome.status.code(), c.want_code) << outcome.status.ToString();
    EXPECT_EQ(session->authenticated() != nullptr, c.want == Kind::kDone);
    if (c.want == Kind::kDone) { EXPECT_EQ(session->authenticated()->userid, "alice"); }
    for (const std::string& line : channel.sent()) {
      EXPECT_EQ(line.rfind(c.prefix, 0), 0u) << line;
      EXPECT_EQ(line.substr(line.size() - 2), "\r\n");
    }
    if (c.twist == Twist::kSendFails) { EXPECT_EQ(channel.responses(), 0); }
    if (!c.initial_response && c.want == Kind::kDone && std::string(c.mechanism) == "PLAIN") {
      ASSERT_FALSE(channel.sent().empty());
      EXPECT_EQ(channel.sent()[0], std::string(c.prefix) + "\r\n");  // the empty challenge
    }
  }
}

// After a cancel, a malformed line or a lost client, the session takes a new
// exchange; only the mechanism's own refusals count as failed logins.
TEST_F(SaslExchangeTest, AbortedExchangesLeaveTheSessionUsable) {
  std::unique_ptr<AuthSession> session = NewSession();
  ASSERT_NE(session, nullptr);
  for (Twist twist : {Twist::kCancel, Twist::kGarbage, Twist::kReadFails}) {
    SaslClient client("CRAM-MD5", Credentials{"alice", PasswordOf("alice"), ""});
    ClientChannel channel("+ ", &client, twist, 1);
    EXPECT_NE(RunSaslExchange(*session, "CRAM-MD5", std::nullopt, channel).kind, Kind::kDone);
  }
  EXPECT_EQ(session->failures(), 0);
  SaslClient client("CRAM-MD5", Credentials{"alice", PasswordOf("alice"), ""});
  ClientChannel channel("+ ", &client, Twist::kNone, 0);
  EXPECT_EQ(RunSaslExchange(*session, "CRAM-MD5", std::nullopt, channel).kind, Kind::kDone);
}

TEST_F(SaslExchangeTest, UnknownMechanismFailsWithoutAChallenge) {
  std::unique_ptr<AuthSession> session = NewSession();
  ASSERT_NE(session, nullptr);
  SaslClient client("PLAIN", Credentials{"alice", PasswordOf("alice"), ""});
  ClientChannel channel("+ ", &client, Twist::kNone, 0);
  SaslOutcome outcome = RunSaslExchange(*session, "X-NOSUCH", std::nullopt, channel);
  EXPECT_EQ(outcome.kind, Kind::kFailed);
  EXPECT_EQ(outcome.status.code(), Code::kUnsupported);
  EXPECT_TRUE(channel.sent().empty());
}

// RFC 4959 §3 / RFC 5034 §4 / RFC 4954 §4: initial-response = base64 / "="
TEST(DecodeInitialResponse, Table) {
  struct Row {
    const char* text;
    bool ok;
    std::string decoded;
  };
  const Row rows[] = {
      {"=", true, ""},
      {"AGFsaWNlAHNlY3JldA==", true, std::string("\0alice\0secret", 13)},
      {"YQ==", true, "a"},
      {"not base64!", false, ""},
      {"YQ=", false, ""},
      {"==", false, ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    Result<std::string> decoded = DecodeInitialResponse(row.text);
    ASSERT_EQ(decoded.ok(), row.ok);
    if (row.ok) { EXPECT_EQ(*decoded, row.decoded); }
    if (!row.ok) { EXPECT_EQ(decoded.code(), Code::kInvalid); }
  }
}

}  // namespace
}  // namespace satrap::auth
