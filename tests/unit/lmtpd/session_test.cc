// The LMTP session (RFC 2033) over a real socket pair, with a Deliverer that
// records what it is asked to file. Each test plays a client transcript and
// checks the replies (RFC 3463 codes on every one) and what was delivered.
#include "lmtpd/session.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "base/strings.h"

namespace satrap::lmtpd {
namespace {

// Users: alice, bob (over quota), carol (temporary failure). Records every
// delivered message per recipient address.
class RecordingDeliverer : public Deliverer {
 public:
  Result<Recipient> Resolve(const protocol::MailPath& path) override {
    SATRAP_ASSIGN_OR_RETURN(Recipient r, ResolveAddress(path, RecipientOptions{}));
    if (r.kind == Recipient::Kind::kUser && r.userid != "alice" && r.userid != "bob" &&
        r.userid != "carol") {
      return Status::NotFound("no user " + r.userid);
    }
    return r;
  }
  std::vector<Status> Deliver(const IncomingMessage& message,
                              std::span<const Recipient> recipients,
                              const acl::Identity& poster) override {
    std::vector<Status> out;
    for (const Recipient& r : recipients) {
      if (r.userid == "bob") {
        out.push_back(Status::OverQuota("bob is full"));
      } else if (r.userid == "carol") {
        out.push_back(Status::TempFail("lock"));
      } else {
        delivered[r.address].push_back(std::string(message.data.substr(message.added_headers)));
        added[r.address].push_back(std::string(message.data.substr(0, message.added_headers)));
        message_ids.push_back(message.message_id.value_or(""));
        posters.push_back(poster.userid);
        out.push_back(Status());
      }
    }
    return out;
  }
  std::map<std::string, std::vector<std::string>> delivered;  // without lmtpd's headers
  std::map<std::string, std::vector<std::string>> added;      // lmtpd's headers
  std::vector<std::string> message_ids;
  std::vector<std::string> posters;
};

struct Options {
  uint64_t max_size = 0;
  bool reject8bit = false;
  bool munge8bit = true;
  size_t max_line = 1000;
  bool preauthenticated = true;  // as on the unix socket
  bool soft_noauth = true;
  bool strict = true;
};

// Runs a session over a socket pair: `script` is sent by a writer thread,
// then the write side is shut; returns every reply line.
std::vector<std::string> Play(RecordingDeliverer& deliverer, const std::string& script,
                              Options o = {}) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::thread server([&, fd = fds[0]] {
    net::ConnectionLimits limits;
    limits.max_line = o.max_line;
    limits.idle_timeout = std::chrono::seconds(10);
    limits.io_timeout = std::chrono::seconds(10);
    net::Connection conn(net::MakeSocketTransport(UniqueFd(fd)), limits);
    SessionOptions options;
    options.server_name = "test.host";
    options.session_id = "t1";
    options.max_message_size = o.max_size;
    options.reject8bit = o.reject8bit;
    options.munge8bit = o.munge8bit;
    options.max_data_line = 4000;
    options.preauthenticated = o.preauthenticated;
    options.soft_noauth = o.soft_noauth;
    options.strict_rfc2821 = o.strict;
    Session(conn, deliverer, options).Run();
  });
  std::thread writer([&, fd = fds[1]] {
    size_t off = 0;
    while (off < script.size()) {
      ssize_t n = write(fd, script.data() + off, script.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
  });
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[1], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  writer.join();
  server.join();
  close(fds[1]);
  std::vector<std::string> lines;
  for (std::string_view l : Split(out, '\n')) {
    if (l.empty()) continue;
    EXPECT_EQ(l.back(), '\r') << l;
    lines.emplace_back(l.substr(0, l.size() - 1));
  }
  return lines;
}

// Only the reply codes, multi-line replies folded to their last line.
std::vector<std::string> Codes(const std::vector<std::string>& lines) {
  std::vector<std::string> codes;
  for (const std::string& l : lines) {
    if (l.size() >= 4 && l[3] == '-') continue;
    codes.push_back(l.substr(0, std::min<size_t>(l.size(), 9)));
  }
  return codes;
}

bool OnlyCrlfLineEnds(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
  }
  return true;
}

const char kMessage[] = "Message-ID: <m1@x>\r\nSubject: hi\r\n\r\nbody\r\n..dot\r\n";

TEST(Session, GreetLhloAndCapabilities) {
  RecordingDeliverer d;
  auto lines = Play(d, "LHLO client\r\nQUIT\r\n", {.max_size = 1000});
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "220 test.host LMTP Satrap ready");
  std::string all = Join(lines, "\n");
  for (const char* cap : {"250-PIPELINING", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
                          "250-CHUNKING", "SIZE 1000"}) {
    EXPECT_NE(all.find(cap), std::string::npos) << cap;
  }
  // No STARTTLS or AUTH without a TLS context or SASL.
  EXPECT_EQ(all.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(lines.back(), "221 2.0.0 test.host Bye");
}

TEST(Session, OneReplyPerRecipientAfterTheDot) {
  RecordingDeliverer d;
  std::string script = "LHLO c\r\nMAIL FROM:<s@x>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<bob@x>\r\n"
                       "RCPT TO:<nobody@x>\r\nRCPT TO:<carol@x>\r\nDATA\r\n" +
                       std::string(kMessage) + ".\r\nQUIT\r\n";
  auto codes = Codes(Play(d, script));
  std::vector<std::string> want = {"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5",
                                   "250 2.1.5", "550 5.1.1", "250 2.1.5", "354 Go ah",
                                   "250 2.0.0", "452 4.2.2", "451 4.3.0", "221 2.0.0"};
  EXPECT_EQ(codes, want);
  ASSERT_EQ(d.delivered["alice@x"].size(), 1u);
  // Dot-stuffing undone, CRLF kept.
  EXPECT_EQ(d.delivered["alice@x"][0],
            "Message-ID: <m1@x>\r\nSubject: hi\r\n\r\nbody\r\n.dot\r\n");
  EXPECT_EQ(d.message_ids, std::vector<std::string>{"<m1@x>"});
  EXPECT_EQ(d.posters, std::vector<std::string>{"anonymous"});
  // RFC 5321 §4.4: the delivery records the envelope sender (Return-Path)
  // and a Received trace field, ahead of the message, as Cyrus lmtpd does.
  ASSERT_EQ(d.added["alice@x"].size(), 1u);
  const std::string& added = d.added["alice@x"][0];
  EXPECT_EQ(added.rfind("Return-Path: <s@x>\r\nReceived: from c ()\r\n\tby test.host (Satrap) "
                        "with LMTPA;\r\n\t", 0), 0u) << added;
  EXPECT_EQ(added.substr(added.size() - 2), "\r\n");
}

TEST(Session, SequenceErrors) {
  struct Case {
    const char* script;
    std::vector<std::string> codes;
  };
  const Case cases[] = {
      {"MAIL FROM:<a@b>\r\n", {"220 test.", "503 5.5.1"}},
      {"LHLO c\r\nRCPT TO:<alice@x>\r\n", {"220 test.", "250 SIZE", "503 5.5.1"}},
      {"LHLO c\r\nMAIL FROM:<>\r\nDATA\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "503 5.5.1"}},
      {"LHLO c\r\nMAIL FROM:<>\r\nMAIL FROM:<>\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "503 5.5.1"}},
      {"EHLO c\r\n", {"220 test.", "500 5.5.1"}},
      {"FOO\r\n", {"220 test.", "500 5.5.1"}},
      {"LHLO\r\n", {"220 test.", "501 5.5.4"}},
      {"LHLO c\r\nMAIL FROM:<> FOO=1\r\n", {"220 test.", "250 SIZE", "555 5.5.4"}},
      {"LHLO c\r\nMAIL FROM:<> BODY=BINARYMIME\r\n", {"220 test.", "250 SIZE", "555 5.5.4"}},
      {"LHLO c\r\nMAIL FROM:bad\r\n", {"220 test.", "250 SIZE", "501 5.5.4"}},
      {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<>\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "501 5.1.3"}},
      {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nRSET\r\nDATA\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5", "250 2.0.0", "503 5.5.1"}},
      {"LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice>\r\nRCPT TO:<nobody>\r\nRCPT TO:<a b>\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5", "550 5.1.1", "501 5.1.3"}},
      {"NOOP\r\nVRFY alice\r\nVRFY <nobody@x>\r\n",
       {"220 test.", "250 2.0.0", "250 2.1.5", "550 5.1.1"}},
      {"STARTTLS\r\nAUTH PLAIN\r\n", {"220 test.", "502 5.5.1", "502 5.5.1"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.script);
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, c.script)), c.codes);
    EXPECT_TRUE(d.delivered.empty());
  }
}

TEST(Session, SizeLimits) {
  RecordingDeliverer d;
  // SIZE= over the limit is refused at MAIL (RFC 1870 §6.1).
  EXPECT_EQ(Codes(Play(d, "LHLO c\r\nMAIL FROM:<> SIZE=5000\r\n", {.max_size = 100})),
            (std::vector<std::string>{"220 test.", "250 SIZE ", "552 5.3.4"}));
  // A message over the limit is read to its end, then refused for each recipient.
  std::string big(300, 'x');
  std::string script = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<alice+f@x>\r\n"
                       "DATA\r\n" + big + "\r\n.\r\nNOOP\r\n";
  EXPECT_EQ(Codes(Play(d, script, {.max_size = 100})),
            (std::vector<std::string>{"220 test.", "250 SIZE ", "250 2.1.0", "250 2.1.5",
                                      "250 2.1.5", "354 Go ah", "552 5.3.4", "552 5.3.4",
                                      "250 2.0.0"}));
  EXPECT_TRUE(d.delivered.empty());
}

TEST(Session, BadMessageBytesAreRefused) {
  struct Case {
    const char* name;
    std::string body;
    const char* code;
  };
  const Case cases[] = {
      {"NUL", std::string("a\0b\r\n", 5), "554 5.6.0"},
      {"bare LF", "a\nb\r\n", "554 5.6.0"},
      {"bare CR", "a\rb\r\n", "554 5.6.0"},
      {"long line", std::string(5000, 'y') + "\r\n", "554 5.6.0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RecordingDeliverer d;
    std::string script = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\nA: b\r\n\r\n" +
                         c.body + ".\r\nNOOP\r\n";
    auto codes = Codes(Play(d, script));
    ASSERT_EQ(codes.size(), 7u);
    EXPECT_EQ(codes[5], c.code);
    EXPECT_EQ(codes[6], "250 2.0.0");  // the session goes on
    EXPECT_TRUE(d.delivered.empty());
  }
}

TEST(Session, CommandLineBadInput) {
  struct Case {
    const char* name;
    std::string script;
    const char* code;
  };
  const Case cases[] = {
      {"bare LF", "NOOP\n", "500 5.5.2"},
      {"NUL", std::string("NO\0OP\r\n", 7), "500 5.5.2"},
      {"too long", std::string(2000, 'A') + "\r\n", "500 5.5.2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RecordingDeliverer d;
    auto codes = Codes(Play(d, c.script + "NOOP\r\n"));
    ASSERT_EQ(codes.size(), 3u);
    EXPECT_EQ(codes[1], c.code);
    EXPECT_EQ(codes[2], "250 2.0.0");
  }
}

TEST(Session, TooManyErrorsCloses) {
  RecordingDeliverer d;
  std::string script;
  for (int i = 0; i < 30; ++i) script += "BOGUS\r\n";
  auto lines = Play(d, script);
  EXPECT_EQ(lines.back().substr(0, 9), "421 4.7.0");
  EXPECT_LT(lines.size(), 30u);
}

TEST(Session, ClientVanishingMidDataStoresNothing) {
  RecordingDeliverer d;
  auto codes = Codes(Play(d, "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\nA: b\r\n"
                             "\r\npartial body\r\n"));
  EXPECT_EQ(codes.back(), "354 Go ah");
  EXPECT_TRUE(d.delivered.empty());
}

TEST(Session, BdatChunks) {
  RecordingDeliverer d;
  const std::string part1 = "Subject: c\r\n\r\nfirst ";
  const std::string part2 = "second\r\n.not stuffed\r\n";
  std::string script = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<bob@x>\r\n"
                       "BDAT " + std::to_string(part1.size()) + "\r\n" + part1 +
                       "BDAT " + std::to_string(part2.size()) + " LAST\r\n" + part2 + "QUIT\r\n";
  EXPECT_EQ(Codes(Play(d, script)),
            (std::vector<std::string>{"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5",
                                      "250 2.1.5", "250 2.0.0", "250 2.0.0", "452 4.2.2",
                                      "221 2.0.0"}));
  ASSERT_EQ(d.delivered["alice@x"].size(), 1u);
  EXPECT_EQ(d.delivered["alice@x"][0], part1 + part2);
}

TEST(Session, BdatWithoutRecipientsIsConsumedAndRefused) {
  RecordingDeliverer d;
  std::string script = "LHLO c\r\nMAIL FROM:<>\r\nBDAT 6 LAST\r\nNOOP\r\nNOOP\r\n";
  EXPECT_EQ(Codes(Play(d, script)),
            (std::vector<std::string>{"220 test.", "250 SIZE", "250 2.1.0", "503 5.5.1",
                                      "250 2.0.0"}));
}

// SMTP smuggling: only CR LF "." CR LF ends DATA. A dot line ended by a
// bare LF or CR is message data, so the commands after it are never run:
// strictly the whole message is refused (554), leniently it is stored
// with its line ends repaired, and either way the session reads the next
// command only after the real end.
TEST(Session, DotWithBareLineEndDoesNotEndData) {
  const std::string smuggled[] = {
      "A: b\r\n\r\nx\r\n.\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nevil\r\n",
      "A: b\r\n\r\nx\n.\nMAIL FROM:<evil@x>\nRCPT TO:<bob@x>\r\nDATA\r\nevil\r\n",
      "A: b\r\n\r\nx\r\n.\rMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nevil\r\n",
      "A: b\r\n\r\nx\r\r\n.\r\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nevil\r\n",
  };
  for (const std::string& body : smuggled) {
    SCOPED_TRACE(body);
    const std::string script = "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\n" +
                               body + ".\r\nNOOP\r\n";
    {
      RecordingDeliverer d;
      EXPECT_EQ(Codes(Play(d, script)),
                (std::vector<std::string>{"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5",
                                          "354 Go ah", "554 5.6.0", "250 2.0.0"}));
      EXPECT_TRUE(d.delivered.empty());
    }
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, script, {.strict = false})),
              (std::vector<std::string>{"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5",
                                        "354 Go ah", "250 2.0.0", "250 2.0.0"}));
    ASSERT_EQ(d.delivered["alice@x"].size(), 1u);
    EXPECT_TRUE(d.delivered["bob@x"].empty());
    const std::string& stored = d.delivered["alice@x"][0];
    EXPECT_NE(stored.find("MAIL FROM:<evil@x>\r\n"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\r\nevil\r\n"), std::string::npos) << stored;
    EXPECT_TRUE(OnlyCrlfLineEnds(stored)) << stored;
  }
}

// A BDAT refused for any reason still has its chunk on the wire: exactly
// that many bytes are read and dropped, one reply is sent, and the bytes
// are never taken for commands (RFC 3030 §2).
TEST(Session, RefusedBdatConsumesItsChunk) {
  const std::string chunk = "MAIL FROM:<ev@x>\r\n";  // 18 bytes that look like a command
  struct Case {
    const char* name;
    std::string before;
    std::string bdat;
    std::vector<std::string> codes;
  };
  const Case cases[] = {
      {"before LHLO", "", "BDAT 18 LAST\r\n", {"220 test.", "503 5.5.1", "250 2.0.0"}},
      {"before MAIL", "LHLO c\r\n", "BDAT 18 LAST\r\n",
       {"220 test.", "250 SIZE", "503 5.5.1", "250 2.0.0"}},
      {"before RCPT", "LHLO c\r\nMAIL FROM:<>\r\n", "BDAT 18 LAST\r\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "503 5.5.1", "250 2.0.0"}},
      {"no recipient accepted", "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@x>\r\n",
       "BDAT 18\r\n", {"220 test.", "250 SIZE", "250 2.1.0", "550 5.1.1", "503 5.5.1", "250 2.0.0"}},
      {"bare LF after BDAT", "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\n",
       "BDAT 18 LAST\n",
       {"220 test.", "250 SIZE", "250 2.1.0", "250 2.1.5", "500 5.5.2", "250 2.0.0"}},
      {"extra spaces", "LHLO c\r\n", "BDAT  18   LAST \r\n",
       {"220 test.", "250 SIZE", "503 5.5.1", "250 2.0.0"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, c.before + c.bdat + chunk + "NOOP\r\n")), c.codes);
    EXPECT_TRUE(d.delivered.empty());
  }
}

// Over TCP (not preauthenticated) MAIL and VRFY need AUTH, as in Cyrus:
// soft_noauth (the default) answers 430 4.7.0 so the MTA retries,
// otherwise 530 5.7.0 (RFC 4954 §6).
TEST(Session, TcpClientsMustAuthenticate) {
  const std::string script =
      "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nVRFY alice\r\nDATA\r\nNOOP\r\n";
  RecordingDeliverer d;
  EXPECT_EQ(Codes(Play(d, script, {.preauthenticated = false, .soft_noauth = false})),
            (std::vector<std::string>{"220 test.", "250 SIZE", "530 5.7.0", "503 5.5.1",
                                      "530 5.7.0", "503 5.5.1", "250 2.0.0"}));
  EXPECT_EQ(Codes(Play(d, script, {.preauthenticated = false})),
            (std::vector<std::string>{"220 test.", "250 SIZE", "430 4.7.0", "503 5.5.1",
                                      "430 4.7.0", "503 5.5.1", "250 2.0.0"}));
  EXPECT_TRUE(d.delivered.empty());
}

TEST(Session, BdatSyntaxErrorCloses) {
  RecordingDeliverer d;
  auto codes = Codes(Play(d, "LHLO c\r\nBDAT x\r\nNOOP\r\n"));
  EXPECT_EQ(codes.back(), "501 5.5.4");
}

TEST(Session, EightBitHeaders) {
  const std::string message = "Subject: caf\xc3\xa9\r\n\r\nbody \xc3\xa9\r\n";
  std::string script =
      "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\n" + message + ".\r\n";
  {
    SCOPED_TRACE("munge8bit: header bytes become X, the body stays");
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, script)).back(), "250 2.0.0");
    ASSERT_EQ(d.delivered["alice@x"].size(), 1u);
    EXPECT_EQ(d.delivered["alice@x"][0], "Subject: cafXX\r\n\r\nbody \xc3\xa9\r\n");
  }
  {
    SCOPED_TRACE("reject8bit");
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, script, {.reject8bit = true})).back(), "554 5.6.0");
    EXPECT_TRUE(d.delivered.empty());
  }
  {
    SCOPED_TRACE("neither: kept as sent");
    RecordingDeliverer d;
    EXPECT_EQ(Codes(Play(d, script, {.munge8bit = false})).back(), "250 2.0.0");
    EXPECT_EQ(d.delivered["alice@x"][0], message);
  }
}

TEST(Session, SeveralTransactionsOnOneConnection) {
  RecordingDeliverer d;
  std::string one = "MAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\nA: 1\r\n\r\nx\r\n.\r\n";
  std::string two = "MAIL FROM:<>\r\nRCPT TO:<alice@x>\r\nDATA\r\nA: 2\r\n\r\ny\r\n.\r\n";
  auto codes = Codes(Play(d, "LHLO c\r\n" + one + two + "QUIT\r\n"));
  EXPECT_EQ(codes.size(), 11u);
  ASSERT_EQ(d.delivered["alice@x"].size(), 2u);
  EXPECT_EQ(d.delivered["alice@x"][1], "A: 2\r\n\r\ny\r\n");
}

}  // namespace
}  // namespace satrap::lmtpd
