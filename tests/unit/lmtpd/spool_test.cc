// Spool: the bytes lmtpd keeps for a message, and what it refuses
// (RFC 5321 §2.3.8 line ends, §4.5.3.1.6 line length, NULs, size limit).
#include "lmtpd/spool.h"

#include <gtest/gtest.h>

#include <memory>

namespace satrap::lmtpd {
namespace {

std::unique_ptr<Spool> MakeSpool(uint64_t max = 0, bool strict = true) {
  Result<std::unique_ptr<Spool>> s = Spool::Create("/tmp", max, strict);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

std::string Contents(Spool& spool) {
  Result<MappedMessage> m = spool.Map();
  EXPECT_TRUE(m.ok());
  return std::string(m->data());
}

TEST(Spool, LinesGetCrlf) {
  auto spool = MakeSpool();
  spool->AddLine("Subject: x");
  spool->AddLine("");
  spool->AddLine("body");
  spool->Finish();
  EXPECT_EQ(spool->defect(), SpoolDefect::kNone);
  EXPECT_EQ(Contents(*spool), "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(spool->size(), 20u);
}

TEST(Spool, EmptyMessageMapsToEmptyView) {
  auto spool = MakeSpool();
  spool->Finish();
  EXPECT_EQ(Contents(*spool), "");
}

TEST(Spool, DefectsInStrictMode) {
  struct Case {
    const char* name;
    std::string line;
    SpoolDefect defect;
  };
  const Case cases[] = {
      {"clean", "abc", SpoolDefect::kNone},
      {"bare LF", "abc\n", SpoolDefect::kBareNewline},
      {"bare LF dot", ".\nRSET", SpoolDefect::kBareNewline},
      {"bare CR", "a\rb", SpoolDefect::kBareNewline},
      {"bare CR at the end", "ab\r", SpoolDefect::kBareNewline},
      {"NUL", std::string("a\0b", 3), SpoolDefect::kNul},
      {"NUL beside a bare LF", std::string("a\0\nb", 4), SpoolDefect::kNul},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto spool = MakeSpool();
    spool->AddLine(c.line);
    spool->Finish();
    EXPECT_EQ(spool->defect(), c.defect);
  }
}

TEST(Spool, LenientModeRepairsLineEnds) {
  auto spool = MakeSpool(0, /*strict=*/false);
  spool->AddLine("a\rb");
  spool->AddLine("c\nd\r");
  spool->AddLine("\r\n");
  spool->Finish();
  EXPECT_EQ(spool->defect(), SpoolDefect::kNone);
  EXPECT_EQ(Contents(*spool), "a\r\nb\r\nc\r\nd\r\n\r\n\r\n\r\n");
}

TEST(Spool, SizeLimitStopsKeepingButCounts) {
  auto spool = MakeSpool(10);
  spool->AddLine("0123456789");  // 12 bytes with CRLF
  spool->AddLine("more");
  spool->Finish();
  EXPECT_EQ(spool->defect(), SpoolDefect::kTooBig);
  EXPECT_EQ(spool->size(), 18u);
}

TEST(Spool, LineTooLongIsADefect) {
  auto spool = MakeSpool();
  spool->MarkLineTooLong();
  spool->AddLine("x");
  spool->Finish();
  EXPECT_EQ(spool->defect(), SpoolDefect::kLineTooLong);
}

// The delivery headers come first in the file but count toward no limit.
TEST(Spool, PrefixIsWrittenFirstAndNotCounted) {
  const std::string prefix = "Return-Path: <a@b>\r\n";
  Result<std::unique_ptr<Spool>> made = Spool::Create("/tmp", 6, true, prefix);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Spool& spool = **made;
  spool.AddLine("body");
  spool.Finish();
  EXPECT_EQ(spool.defect(), SpoolDefect::kNone);  // 6 bytes: at the limit
  EXPECT_EQ(spool.size(), 6u);
  EXPECT_EQ(spool.prefix_size(), prefix.size());
  EXPECT_EQ(spool.file_size(), prefix.size() + 6);
  EXPECT_EQ(Contents(spool), prefix + "body\r\n");
}

// Each spool is its own file: the store may have linked an earlier one into
// a mailbox, so a new message must never land in it.
TEST(Spool, EachSpoolIsAFreshFile) {
  auto first = MakeSpool();
  first->AddLine("one");
  first->Finish();
  auto second = MakeSpool();
  second->AddLine("two");
  second->Finish();
  EXPECT_NE(first->fd(), second->fd());
  EXPECT_EQ(Contents(*first), "one\r\n");
  EXPECT_EQ(Contents(*second), "two\r\n");
}

// RFC 3030 BDAT: raw bytes, CR LF pairs may straddle chunks; every split
// point of the same stream gives the same result.
TEST(Spool, BdatBytesAtEverySplitPoint) {
  const std::string wire = "A: b\r\n\r\nline1\r\nline2\r\n";
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE(cut);
    auto spool = MakeSpool();
    spool->AddBytes(std::string_view(wire).substr(0, cut));
    spool->AddBytes(std::string_view(wire).substr(cut));
    spool->Finish();
    EXPECT_EQ(spool->defect(), SpoolDefect::kNone);
    EXPECT_EQ(Contents(*spool), wire);
  }
}

TEST(Spool, BdatBareLineEnds) {
  struct Case {
    std::string wire;
    SpoolDefect strict;
    std::string repaired;
  };
  const Case cases[] = {
      {"a\nb\r\n", SpoolDefect::kBareNewline, "a\r\nb\r\n"},
      {"a\rb\r\n", SpoolDefect::kBareNewline, "a\r\nb\r\n"},
      {"ab\r", SpoolDefect::kBareNewline, "ab\r\n"},
      {"a\r\r\n", SpoolDefect::kBareNewline, "a\r\n\r\n"},
      {std::string("a\0\r\n", 4), SpoolDefect::kNul, std::string("a\0\r\n", 4)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.wire);
    for (size_t cut = 0; cut <= c.wire.size(); ++cut) {
      auto strict = MakeSpool();
      strict->AddBytes(std::string_view(c.wire).substr(0, cut));
      strict->AddBytes(std::string_view(c.wire).substr(cut));
      strict->Finish();
      EXPECT_EQ(strict->defect(), c.strict);
      auto lenient = MakeSpool(0, false);
      lenient->AddBytes(std::string_view(c.wire).substr(0, cut));
      lenient->AddBytes(std::string_view(c.wire).substr(cut));
      lenient->Finish();
      if (c.strict == SpoolDefect::kBareNewline) {
        EXPECT_EQ(lenient->defect(), SpoolDefect::kNone);
        EXPECT_EQ(Contents(*lenient), c.repaired);
      }
    }
  }
}

TEST(Spool, LargeMessageGoesThroughTheFile) {
  auto spool = MakeSpool();
  std::string line(998, 'x');
  for (int i = 0; i < 300; ++i) spool->AddLine(line);
  spool->Finish();
  EXPECT_EQ(spool->defect(), SpoolDefect::kNone);
  EXPECT_EQ(Contents(*spool).size(), 300u * 1000u);
}

}  // namespace
}  // namespace satrap::lmtpd
