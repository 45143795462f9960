// net::Connection over a scripted transport (every split point, byte at a
// time) and over real socketpairs (timeouts, EOF, flush-before-read, writev).
#include "net/connection.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <thread>

namespace satrap::net {
namespace {

using std::chrono::seconds;

// Hands out the given input in fixed pieces, then EOF: deterministic split
// points without relying on the scheduler.
class ScriptedTransport : public Transport {
 public:
  explicit ScriptedTransport(std::deque<std::string> pieces) : pieces_(std::move(pieces)) {}
  Result<size_t> Read(std::span<char> into, Deadline) override {
    ++reads_;
    if (pieces_.empty()) return size_t{0};
    std::string& front = pieces_.front();
    size_t n = std::min(into.size(), front.size());
    front.copy(into.data(), n);
    front.erase(0, n);
    if (front.empty()) pieces_.pop_front();
    return n;
  }
  Status Write(std::string_view from, Deadline) override {
    written_.append(from);
    return Status::Ok();
  }
  int fd() const override { return -1; }
  int reads_ = 0;
  std::string written_;

 private:
  std::deque<std::string> pieces_;
};

std::deque<std::string> Bytewise(std::string_view wire) {
  std::deque<std::string> out;
  for (char c : wire) out.emplace_back(1, c);
  return out;
}

ConnectionLimits Limits(size_t max_line) {
  ConnectionLimits limits;
  limits.max_line = max_line;
  return limits;
}

// One ReadLine() outcome: the line, or kTooBig ("!TOOBIG"), and whether it
// ended with a bare LF.
struct LineResult {
  std::string line;
  bool bare_lf;
  bool operator==(const LineResult&) const = default;
};

std::vector<LineResult> ReadAllLines(Connection& conn) {
  std::vector<LineResult> out;
  for (;;) {
    bool bare = false;
    Result<std::string> line = conn.ReadLine(&bare);
    if (line.ok()) {
      out.push_back({*line, bare});
    } else if (line.code() == Code::kTooBig) {
      out.push_back({"!TOOBIG", false});
    } else {
      EXPECT_EQ(line.code(), Code::kClosed) << line.status().ToString();
      return out;
    }
  }
}

struct LineCase {
  const char* name;
  std::string wire;
  size_t max_line;
  std::vector<LineResult> want;
};

// RFC 3501 §2.2: "All interactions ... are in the form of lines, that is,
// strings that end with a CRLF." A bare LF also ends a line (and is
// reported); an overlong line is refused whole and the next one is served.
const std::vector<LineCase>& LineCases() {
  static const auto* cases = new std::vector<LineCase>{
      {"simple", "a1 NOOP\r\n", 100, {{"a1 NOOP", false}}},
      {"two pipelined", "a\r\nb\r\n", 100, {{"a", false}, {"b", false}}},
      {"bare lf", "a\nb\r\n", 100, {{"a", true}, {"b", false}}},
      {"empty lines", "\r\n\n", 100, {{"", false}, {"", true}}},
      {"cr inside line kept", "a\rb\r\n", 100, {{"a\rb", false}}},
      {"exactly max", "12345\r\n", 5, {{"12345", false}}},
      {"exactly max bare lf", "12345\n", 5, {{"12345", true}}},
      {"one over max", "123456\r\nok\r\n", 5, {{"!TOOBIG", false}, {"ok", false}}},
      {"far over max", std::string(200, 'x') + "\r\nnext\r\n", 5,
       {{"!TOOBIG", false}, {"next", false}}},
      {"overlong then bare lf", std::string(50, 'y') + "\nz\n", 10,
       {{"!TOOBIG", false}, {"z", true}}},
      {"eof mid line drops partial", "done\r\npartial", 100, {{"done", false}}},
      {"nul bytes are data", std::string("a\0b\r\n", 5), 100, {{std::string("a\0b", 3), false}}},
  };
  return *cases;
}

TEST(ConnectionReadLine, EverySplitPoint) {
  for (const LineCase& c : LineCases()) {
    for (size_t cut = 0; cut <= c.wire.size(); ++cut) {
      SCOPED_TRACE(std::string(c.name) + " cut=" + std::to_string(cut));
      std::deque<std::string> pieces;
      if (cut > 0) pieces.push_back(c.wire.substr(0, cut));
      if (cut < c.wire.size()) pieces.push_back(c.wire.substr(cut));
      Connection conn(std::make_unique<ScriptedTransport>(pieces), Limits(c.max_line));
      EXPECT_EQ(ReadAllLines(conn), c.want);
    }
  }
}

TEST(ConnectionReadLine, ByteAtATime) {
  for (const LineCase& c : LineCases()) {
    SCOPED_TRACE(c.name);
    Connection conn(std::make_unique<ScriptedTransport>(Bytewise(c.wire)), Limits(c.max_line));
    EXPECT_EQ(ReadAllLines(conn), c.want);
  }
}

// ReadCrlfLine(): only CR LF ends a line, as at the end of SMTP DATA
// (RFC 5321 §4.1.1.4); bare LF and CR stay in the line, so "." LF is not
// a dot line. An overlong line split right between its CR and LF must
// still end there, or the next line would be swallowed with it.
struct CrlfCase {
  const char* name;
  std::string wire;
  size_t max_line;
  std::vector<std::string> want;  // "!TOOBIG" for a refused line
};

std::vector<std::string> ReadAllCrlfLines(Connection& conn) {
  std::vector<std::string> out;
  for (;;) {
    Result<std::string> line = conn.ReadCrlfLine();
    if (line.ok()) {
      out.push_back(*line);
    } else if (line.code() == Code::kTooBig) {
      out.push_back("!TOOBIG");
    } else {
      EXPECT_EQ(line.code(), Code::kClosed) << line.status().ToString();
      return out;
    }
  }
}

TEST(ConnectionReadCrlfLine, OnlyCrLfEndsALine) {
  const std::vector<CrlfCase> cases = {
      {"simple", "a\r\nb\r\n", 100, {"a", "b"}},
      {"bare lf dot is data", "x\r\n.\nRSET\r\n.\r\n", 100, {"x", ".\nRSET", "."}},
      {"bare cr dot is data", ".\rQUIT\r\n", 100, {".\rQUIT"}},
      {"cr cr lf", "a\r\r\n", 100, {"a\r"}},
      {"lf lf", "\n\n\r\n", 100, {"\n\n"}},
      {"exactly max with bare lf", "ab\ncd\r\n", 5, {"ab\ncd"}},
      {"overlong then next", std::string(40, 'y') + "\r\n.\r\n", 10, {"!TOOBIG", "."}},
      {"overlong with bare lfs", std::string(30, 'y') + "\n.\n" + std::string(30, 'z') +
       "\r\nok\r\n", 10, {"!TOOBIG", "ok"}},
      {"eof mid line", "done\r\n.\n", 100, {"done"}},
  };
  for (const CrlfCase& c : cases) {
    for (size_t cut = 0; cut <= c.wire.size(); ++cut) {
      SCOPED_TRACE(std::string(c.name) + " cut=" + std::to_string(cut));
      std::deque<std::string> pieces;
      if (cut > 0) pieces.push_back(c.wire.substr(0, cut));
      if (cut < c.wire.size()) pieces.push_back(c.wire.substr(cut));
      Connection conn(std::make_unique<ScriptedTransport>(pieces), Limits(c.max_line));
      EXPECT_EQ(ReadAllCrlfLines(conn), c.want);
    }
    SCOPED_TRACE(std::string(c.name) + " bytewise");
    Connection conn(std::make_unique<ScriptedTransport>(Bytewise(c.wire)), Limits(c.max_line));
    EXPECT_EQ(ReadAllCrlfLines(conn), c.want);
  }
}

TEST(ConnectionReadLine, OverlongLineIsNotBuffered) {
  // 1 MB line with a 10-byte limit: memory must stay bounded, which we see
  // through the line after it still being read correctly and promptly.
  std::deque<std::string> pieces;
  for (int i = 0; i < 64; ++i) pieces.push_back(std::string(16384, 'x'));
  pieces.push_back("\r\nafter\r\n");
  Connection conn(std::make_unique<ScriptedTransport>(pieces), Limits(10));
  EXPECT_EQ(conn.ReadLine().code(), Code::kTooBig);
  Result<std::string> next = conn.ReadLine();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, "after");
  EXPECT_TRUE(conn.DisconnectReason().empty());
}

TEST(ConnectionReadLine, EofIsStickyAndNamed) {
  Connection conn(std::make_unique<ScriptedTransport>(std::deque<std::string>{"half"}), {});
  EXPECT_EQ(conn.ReadLine().code(), Code::kClosed);
  EXPECT_EQ(conn.DisconnectReason(), "EOF");
  std::string data;
  EXPECT_EQ(conn.ReadExact(1, &data).code(), Code::kClosed);
  char buf[4];
  EXPECT_EQ(conn.ReadSome(buf).code(), Code::kClosed);
  // Writing stays possible: the server may still say BYE.
  conn.Write("* BYE\r\n");
  EXPECT_TRUE(conn.Flush().ok());
}

TEST(ConnectionReadExact, LiteralAcrossPiecesThenLine) {
  // RFC 3501 §4.3: literal = "{" number "}" CRLF *CHAR8
  const std::string wire = "a APPEND x {5}\r\nhe\r\nlo\r\nb NOOP\r\n";
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE(cut);
    std::deque<std::string> pieces;
    if (cut > 0) pieces.push_back(wire.substr(0, cut));
    if (cut < wire.size()) pieces.push_back(wire.substr(cut));
    Connection conn(std::make_unique<ScriptedTransport>(pieces), {});
    ASSERT_EQ(*conn.ReadLine(), "a APPEND x {5}");
    std::string literal;
    ASSERT_TRUE(conn.ReadExact(5, &literal).ok());
    EXPECT_EQ(literal, "he\r\nl");
    EXPECT_EQ(*conn.ReadLine(), "o");
    EXPECT_EQ(*conn.ReadLine(), "b NOOP");
  }
}

TEST(ConnectionReadSome, StreamsBufferedBytesFirst) {
  Connection conn(std::make_unique<ScriptedTransport>(std::deque<std::string>{"l\r\nabc", "def"}),
                  {});
  ASSERT_EQ(*conn.ReadLine(), "l");
  char buf[16];
  Result<size_t> n = conn.ReadSome(buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "abc");
  n = conn.ReadSome(std::span<char>(buf, 2));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "de");
  EXPECT_EQ(conn.bytes_in(), 9u);
}

// Wraps another transport; proves PushTransport swapped the stack.
class TaggingTransport : public Transport {
 public:
  explicit TaggingTransport(std::unique_ptr<Transport> lower) : lower_(std::move(lower)) {}
  Result<size_t> Read(std::span<char> into, Deadline d) override { return lower_->Read(into, d); }
  Status Write(std::string_view from, Deadline d) override {
    return lower_->Write("[" + std::string(from) + "]", d);
  }
  int fd() const override { return lower_->fd(); }

 private:
  std::unique_ptr<Transport> lower_;
};

TEST(ConnectionPushTransport, RefusedWhenInputIsPipelined) {
  // CVE-2011-0411: "a STARTTLS\r\nb LOGIN evil\r\n" in one packet must not
  // let "b LOGIN evil" be read as if it came through TLS.
  auto* raw = new ScriptedTransport({"a STARTTLS\r\nb LOGIN x y\r\n"});
  Connection conn(std::unique_ptr<Transport>(raw), {});
  ASSERT_EQ(*conn.ReadLine(), "a STARTTLS");
  EXPECT_TRUE(conn.HasBufferedInput());
  bool called = false;
  Status status = conn.PushTransport([&](std::unique_ptr<Transport> plain) {
    called = true;
    return Result<std::unique_ptr<Transport>>(std::move(plain));
  });
  EXPECT_EQ(status.code(), Code::kInvalid);
  EXPECT_FALSE(called);
  EXPECT_TRUE(conn.DisconnectReason().empty());
}

TEST(ConnectionPushTransport, FlushesThenWraps) {
  auto* raw = new ScriptedTransport({"a STARTTLS\r\n"});
  Connection conn(std::unique_ptr<Transport>(raw), {});
  ASSERT_EQ(*conn.ReadLine(), "a STARTTLS");
  conn.Write("a OK Begin TLS negotiation now\r\n");
  ASSERT_TRUE(conn.PushTransport([&](std::unique_ptr<Transport> plain) {
                    EXPECT_EQ(raw->written_, "a OK Begin TLS negotiation now\r\n");
                    return Result<std::unique_ptr<Transport>>(
                        std::make_unique<TaggingTransport>(std::move(plain)));
                  }).ok());
  conn.Write("x");
  ASSERT_TRUE(conn.Flush().ok());
  EXPECT_EQ(raw->written_, "a OK Begin TLS negotiation now\r\n[x]");
}

TEST(ConnectionPushTransport, FailedWrapIsSticky) {
  Connection conn(std::make_unique<ScriptedTransport>(std::deque<std::string>{}), {});
  Status status = conn.PushTransport([](std::unique_ptr<Transport>) {
    return Result<std::unique_ptr<Transport>>(Status::Invalid("handshake failed"));
  });
  EXPECT_EQ(status.code(), Code::kInvalid);
  EXPECT_EQ(conn.ReadLine().code(), Code::kInvalid);
  EXPECT_NE(conn.DisconnectReason().find("handshake failed"), std::string::npos);
}

// ---- Real sockets.

struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    server = UniqueFd(fds[0]);
    client = UniqueFd(fds[1]);
  }
  UniqueFd server;
  UniqueFd client;
};

std::string ReadN(int fd, size_t n) {
  std::string out;
  while (out.size() < n) {
    char buf[65536];
    ssize_t got = read(fd, buf, std::min(sizeof(buf), n - out.size()));
    if (got <= 0) break;
    out.append(buf, got);
  }
  return out;
}

TEST(ConnectionSocket, IdleTimeoutIsStickyButWritesGoOn) {
  SocketPair pair;
  ConnectionLimits limits;
  limits.idle_timeout = seconds(1);
  Connection conn(MakeSocketTransport(std::move(pair.server)), limits);
  auto start = Clock::now();
  EXPECT_EQ(conn.ReadLine().code(), Code::kTimeout);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(990));
  EXPECT_EQ(conn.DisconnectReason(), "timeout");
  ASSERT_EQ(write(pair.client.get(), "late\r\n", 6), 6);
  EXPECT_EQ(conn.ReadLine().code(), Code::kTimeout);  // sticky
  conn.Write("* BYE Autologout\r\n");
  ASSERT_TRUE(conn.Flush().ok());
  EXPECT_EQ(ReadN(pair.client.get(), 18), "* BYE Autologout\r\n");
}

TEST(ConnectionSocket, MidLineUsesIoTimeout) {
  SocketPair pair;
  ConnectionLimits limits;
  limits.idle_timeout = seconds(3600);
  limits.io_timeout = seconds(0);
  Connection conn(MakeSocketTransport(std::move(pair.server)), limits);
  ASSERT_EQ(write(pair.client.get(), "partial", 7), 7);
  EXPECT_EQ(conn.ReadLine().code(), Code::kTimeout);
}

TEST(ConnectionSocket, FlushesBeforeBlockingRead) {
  SocketPair pair;
  Connection conn(MakeSocketTransport(std::move(pair.server)), {});
  int client = pair.client.get();
  // The client speaks only after it sees the greeting; if the greeting were
  // still queued, both sides would wait forever.
  std::thread peer([client] {
    if (ReadN(client, 6) == "* OK\r\n") (void)!write(client, "a1 LOGIN\r\n", 10);
  });
  conn.Write("* OK\r\n");
  Result<std::string> line = conn.ReadLine();
  peer.join();
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line, "a1 LOGIN");
  EXPECT_EQ(conn.bytes_out(), 6u);
  EXPECT_EQ(conn.bytes_in(), 10u);
}

// The idle hook runs once the client has been quiet for `after`, after our
// reply went out, and not while input is waiting.
TEST(ConnectionSocket, IdleHookRunsWhenTheClientIsQuiet) {
  SocketPair pair;
  Connection conn(MakeSocketTransport(std::move(pair.server)), {});
  int calls = 0;
  bool reply_was_out = false;
  int client = pair.client.get();
  conn.SetIdleHook(std::chrono::milliseconds(20), [&] {
    ++calls;
    char buf[16];
    reply_was_out = recv(client, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT) == 6;
  });
  ASSERT_EQ(write(client, "a1 NOOP\r\nb1 NOOP\r\n", 18), 18);
  ASSERT_EQ(*conn.ReadLine(), "a1 NOOP");
  ASSERT_EQ(*conn.ReadLine(), "b1 NOOP");  // buffered: no waiting, no hook
  EXPECT_EQ(calls, 0);
  conn.Write("* OK\r\n");
  std::thread peer([client] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (void)!write(client, "c1 NOOP\r\n", 9);
  });
  Result<std::string> line = conn.ReadLine();
  peer.join();
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line, "c1 NOOP");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(reply_was_out);
  // A client that answers at once never triggers it.
  ASSERT_EQ(write(client, "d1 NOOP\r\n", 9), 9);
  ASSERT_EQ(*conn.ReadLine(), "d1 NOOP");
  EXPECT_EQ(calls, 1);
}

TEST(ConnectionSocket, LargeWritesArriveInOrder) {
  SocketPair pair;
  Connection conn(MakeSocketTransport(std::move(pair.server)), {});
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    // Mixed sizes exercise coalescing, separate pieces and the early flush.
    std::string piece = std::to_string(i) + std::string(i % 7 == 0 ? 9000 : 13, 'a' + i % 26);
    expected += piece;
  }
  int client = pair.client.get();
  std::string received;
  std::thread peer([&] { received = ReadN(client, expected.size()); });
  for (int i = 0; i < 2000; ++i) {
    conn.Write(std::to_string(i) + std::string(i % 7 == 0 ? 9000 : 13, 'a' + i % 26));
  }
  ASSERT_TRUE(conn.Flush().ok());
  peer.join();
  EXPECT_EQ(received, expected);
  EXPECT_EQ(conn.bytes_out(), expected.size());
}

TEST(ConnectionSocket, WriteToClosedPeerIsStickyForEverything) {
  SocketPair pair;
  Connection conn(MakeSocketTransport(std::move(pair.server)), {});
  pair.client.Reset();
  conn.Write("* OK\r\n");
  Status status = conn.Flush();  // no SIGPIPE: MSG_NOSIGNAL
  EXPECT_EQ(status.code(), Code::kClosed) << status.ToString();
  EXPECT_EQ(conn.Flush().code(), Code::kClosed);
  EXPECT_EQ(conn.ReadLine().code(), Code::kClosed);
  EXPECT_FALSE(conn.DisconnectReason().empty());
}

TEST(ConnectionSocket, EofAfterPipelinedLines) {
  SocketPair pair;
  Connection conn(MakeSocketTransport(std::move(pair.server)), {});
  ASSERT_EQ(write(pair.client.get(), "a\r\nb\r\nc", 7), 7);
  pair.client.Reset();
  EXPECT_EQ(*conn.ReadLine(), "a");
  EXPECT_TRUE(conn.HasBufferedInput());
  EXPECT_EQ(*conn.ReadLine(), "b");
  EXPECT_EQ(conn.ReadLine().code(), Code::kClosed);
  EXPECT_EQ(conn.DisconnectReason(), "EOF");
}

TEST(ConnectionSocket, WaitForFdTimesOut) {
  SocketPair pair;
  EXPECT_EQ(WaitForFd(pair.server.get(), POLLIN, Clock::now()).code(), Code::kTimeout);
  ASSERT_EQ(write(pair.client.get(), "x", 1), 1);
  EXPECT_TRUE(WaitForFd(pair.server.get(), POLLIN, Clock::now() + seconds(5)).ok());
}

}  // namespace
}  // namespace satrap::net
