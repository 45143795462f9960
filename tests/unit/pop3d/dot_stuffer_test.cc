// Byte-stuffing and TOP truncation (src/pop3d/dot_stuffer.h).
//
// RFC 1939 §3: "If any line of the multi-line response begins with the
// termination octet, the line is "byte-stuffed" by pre-pending the
// termination octet to that line of the response."
// RFC 1939 §7 (TOP): "the POP3 server sends the headers of the message, the
// blank line separating the headers from the body, and then the number of
// lines of the indicated message's body".
#include "pop3d/dot_stuffer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace satrap::pop3d {
namespace {

std::string Stuff(const std::string& message, std::optional<uint32_t> lines,
                  size_t chunk = std::string::npos) {
  DotStuffer stuffer(lines);
  std::string out;
  if (chunk == std::string::npos) chunk = message.size() + 1;
  for (size_t pos = 0; pos < message.size(); pos += chunk) {
    if (!stuffer.Feed(std::string_view(message).substr(pos, chunk), &out)) break;
  }
  stuffer.Finish(&out);
  return out;
}

struct Case {
  const char* name;
  std::string message;
  std::optional<uint32_t> lines;
  std::string wire;
};

const Case kCases[] = {
    {"plain", "Subject: a\r\n\r\nbody\r\n", std::nullopt, "Subject: a\r\n\r\nbody\r\n.\r\n"},
    {"dot lines", ".\r\n..x\r\n.", std::nullopt, "..\r\n...x\r\n..\r\n.\r\n"},
    {"dot in body", "A: b\r\n\r\n.\r\nx.y\r\n.end\r\n", std::nullopt,
     "A: b\r\n\r\n..\r\nx.y\r\n..end\r\n.\r\n"},
    {"no final CRLF", "A: b\r\n\r\nlast", std::nullopt, "A: b\r\n\r\nlast\r\n.\r\n"},
    {"empty message", "", std::nullopt, ".\r\n"},
    {"8-bit and NUL kept", std::string("A: \xff\r\n\r\n\0x\r\n", 12), std::nullopt,
     std::string("A: \xff\r\n\r\n\0x\r\n.\r\n", 15)},
    {"top 0", "A: b\r\nC: d\r\n\r\none\r\ntwo\r\n", 0u, "A: b\r\nC: d\r\n\r\n.\r\n"},
    {"top 1", "A: b\r\n\r\none\r\ntwo\r\n", 1u, "A: b\r\n\r\none\r\n.\r\n"},
    {"top 2 stuffed", "A: b\r\n\r\n.one\r\n.two\r\n.three\r\n", 2u,
     "A: b\r\n\r\n..one\r\n..two\r\n.\r\n"},
    {"top more than body", "A: b\r\n\r\none\r\n", 10u, "A: b\r\n\r\none\r\n.\r\n"},
    {"top without blank line", "A: b\r\nC: d\r\n", 0u, "A: b\r\nC: d\r\n.\r\n"},
    {"top empty body lines count", "A: b\r\n\r\n\r\n\r\nx\r\n", 2u, "A: b\r\n\r\n\r\n\r\n.\r\n"},
    {"top header line with dot", ".A: b\r\n\r\nx\r\n", 0u, "..A: b\r\n\r\n.\r\n"},
};

TEST(DotStuffer, MatchesTheWireFormAtEveryChunkSize) {
  for (const Case& c : kCases) {
    for (size_t chunk = 1; chunk <= c.message.size() + 1; ++chunk) {
      SCOPED_TRACE(std::string(c.name) + " chunk=" + std::to_string(chunk));
      EXPECT_EQ(Stuff(c.message, c.lines, chunk), c.wire);
    }
  }
}

TEST(DotStuffer, StopsAskingForInputOnceTopIsDone) {
  DotStuffer stuffer(1);
  std::string out;
  EXPECT_TRUE(stuffer.Feed("A: b\r\n\r\n", &out));
  EXPECT_FALSE(stuffer.Feed("one\r\ntwo\r\n", &out));
  EXPECT_FALSE(stuffer.Feed("three\r\n", &out));  // nothing more is appended
  EXPECT_EQ(out, "A: b\r\n\r\none\r\n");
}

TEST(DotStuffer, LargeMessageStreamsInChunks) {
  std::string message = "Subject: big\r\n\r\n";
  for (int i = 0; i < 20000; ++i) message += (i % 3 == 0 ? "." : "") + std::to_string(i) + "\r\n";
  std::string expected = "Subject: big\r\n\r\n";
  for (int i = 0; i < 20000; ++i) expected += (i % 3 == 0 ? ".." : "") + std::to_string(i) + "\r\n";
  expected += ".\r\n";
  EXPECT_EQ(Stuff(message, std::nullopt, 4096), expected);
}

}  // namespace
}  // namespace satrap::pop3d
