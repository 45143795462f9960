#include "mime/cache_record.h"

#include <gtest/gtest.h>

#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/section.h"
#include "test_util.h"

namespace satrap::mime {
namespace {

using testing::Crlf;

std::string SampleMessage() {
  return Crlf(
      "From: \"Ann\" <ann@example.com>\n"
      "To: bob@example.com\n"
      "Subject: =?utf-8?q?hello?=\n"
      "References: <a@b> <c@d>\n"
      "X-Not-Cached: 1\n"
      "Content-Type: multipart/mixed; boundary=x\n\n"
      "--x\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Language: en\n\n"
      "hi\n"
      "--x\n"
      "Content-Type: message/rfc822\n"
      "Content-Disposition: inline\n\n"
      "Subject: inner\n\nbody\n"
      "--x--\n");
}

TEST(CacheRecord, RoundTripIsExact) {
  std::vector<std::string> messages = {SampleMessage(), "", "Subject: only a header",
                                       Crlf("\n\nbody only\n")};
  for (const std::string& raw : messages) {
    SCOPED_TRACE(raw);
    MessageInfo info = AnalyzeMessage(raw);
    std::string record = EncodeCacheRecord(info);
    Result<MessageInfo> back = DecodeCacheRecord(record);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, info);
    EXPECT_EQ(EncodeCacheRecord(*back), record);
  }
}

TEST(CacheRecord, ViewSlicesWithoutDecoding) {
  std::string raw = SampleMessage();
  MessageInfo info = AnalyzeMessage(raw);
  std::string record = EncodeCacheRecord(info);
  Result<CacheRecordView> view = ViewCacheRecord(record);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->version, kCacheRecordVersion);
  EXPECT_EQ(view->envelope, info.envelope);
  // The cached header block answers HEADER.FIELDS for cached names...
  EXPECT_TRUE(view->headers_cached);
  EXPECT_EQ(FilterHeaderFields(view->cached_headers, {"Subject", "references"}, false),
            Crlf("Subject: =?utf-8?q?hello?=\nReferences: <a@b> <c@d>\n\n"));
  // ...and leaves out the others.
  EXPECT_TRUE(IsCachedHeaderField("message-id"));
  EXPECT_FALSE(IsCachedHeaderField("X-Not-Cached"));
  EXPECT_EQ(view->cached_headers.find("X-Not-Cached"), std::string_view::npos);
}

// BODY and BODYSTRUCTURE are rendered from the tree and the envelopes of the
// encapsulated messages, not stored: the sample's message/rfc822 part needs
// its envelope from the record.
TEST(CacheRecord, BodyStructureIsRenderedNotStored) {
  std::string raw = SampleMessage();
  MessageInfo info = AnalyzeMessage(raw);
  ASSERT_EQ(info.embedded_envelopes.size(), 1u);
  EXPECT_EQ(info.embedded_envelopes[0], BuildEnvelope(Crlf("Subject: inner\n\n")));
  std::string record = EncodeCacheRecord(info);
  Result<CacheRecordView> view = ViewCacheRecord(record);
  ASSERT_TRUE(view.ok());
  for (bool extended : {false, true}) {
    SCOPED_TRACE(extended);
    std::string expected = BuildBodyStructure(raw, info.root, extended);
    std::string rendered = "BODY ";
    ASSERT_TRUE(AppendCachedBodyStructure(*view, extended, &rendered).ok());
    EXPECT_EQ(rendered, "BODY " + expected);
    EXPECT_EQ(record.find(expected), std::string::npos);
  }
  EXPECT_NE(BuildBodyStructure(raw, info.root, true).find("\"inner\""), std::string::npos);
}

// Records written before version 3 held BODY and BODYSTRUCTURE between the
// envelope and the cached headers; a store upgraded in place still serves
// them, and still refuses a damaged one.
TEST(CacheRecord, VersionTwoRecordsAreStillRead) {
  std::string raw = SampleMessage();
  MessageInfo info = AnalyzeMessage(raw);
  std::string body = BuildBodyStructure(raw, info.root, false);
  std::string bodystructure = BuildBodyStructure(raw, info.root, true);
  std::string v2 = testing::VersionTwoRecord(EncodeCacheRecord(info));
  ASSERT_NE(v2.find(bodystructure), std::string::npos);

  Result<CacheRecordView> view = ViewCacheRecord(v2);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->version, 2);
  EXPECT_EQ(view->envelope, info.envelope);
  EXPECT_EQ(view->cached_headers, info.cached_headers);
  for (bool extended : {false, true}) {
    std::string rendered;
    ASSERT_TRUE(AppendCachedBodyStructure(*view, extended, &rendered).ok());
    EXPECT_EQ(rendered, extended ? bodystructure : body);
  }
  Result<MessageInfo> decoded = DecodeCacheRecord(v2);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->root, info.root);
  EXPECT_TRUE(decoded->embedded_envelopes.empty());
  std::string bad = v2;
  bad[20] = static_cast<char>(bad[20] ^ 1);
  EXPECT_EQ(ViewCacheRecord(bad).code(), Code::kCorrupt);
}

TEST(CacheRecord, HugeHeadersAreNotCached) {
  std::string raw = "References: " + std::string(kMaxCachedHeaderBytes, 'r') + "\r\n\r\nx";
  MessageInfo info = AnalyzeMessage(raw);
  EXPECT_FALSE(info.headers_cached);
  EXPECT_TRUE(info.cached_headers.empty());
  Result<MessageInfo> back = DecodeCacheRecord(EncodeCacheRecord(info));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->headers_cached);
}

// Every single-byte change and every truncation must be caught: the CRC
// covers every byte but its own, and the CRC bytes themselves then mismatch.
TEST(CacheRecord, CorruptionIsDetected) {
  std::string record = EncodeCacheRecord(AnalyzeMessage(SampleMessage()));
  for (size_t i = 0; i < record.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string bad = record;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      SCOPED_TRACE(i);
      EXPECT_EQ(DecodeCacheRecord(bad).code(), Code::kCorrupt);
      EXPECT_EQ(ViewCacheRecord(bad).code(), Code::kCorrupt);
    }
  }
  for (size_t n = 0; n < record.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(DecodeCacheRecord(record.substr(0, n)).code(), Code::kCorrupt);
  }
  EXPECT_EQ(DecodeCacheRecord(record + "x").code(), Code::kCorrupt);
}

// kStructure trusts the checksum to the caller (the store's own record CRC)
// but still refuses what cannot be read safely.
TEST(CacheRecord, StructureCheckSkipsOnlyTheChecksum) {
  std::string record = EncodeCacheRecord(AnalyzeMessage(SampleMessage()));
  std::string flipped = record;
  flipped.back() = static_cast<char>(flipped.back() ^ 0x01);  // inside the part tree's last varint
  EXPECT_EQ(ViewCacheRecord(flipped).code(), Code::kCorrupt);
  ASSERT_TRUE(ViewCacheRecord(flipped, CacheCheck::kStructure).ok());
  for (size_t n = 0; n < record.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(ViewCacheRecord(record.substr(0, n), CacheCheck::kStructure).code(), Code::kCorrupt);
  }
  EXPECT_EQ(ViewCacheRecord(record + "x", CacheCheck::kStructure).code(), Code::kCorrupt);
  std::string bad_version = record;
  bad_version[0] = 99;
  EXPECT_EQ(ViewCacheRecord(bad_version, CacheCheck::kStructure).code(), Code::kCorrupt);
  Result<MessageInfo> info = DecodeCacheRecord(record, CacheCheck::kStructure);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(EncodeCacheRecord(*info), record);
}

// With a valid checksum, the tree decoder must still refuse inconsistent
// trees (a buggy writer, or a forged record).
TEST(CacheRecord, InconsistentTreeIsCorrupt) {
  MessageInfo info = AnalyzeMessage(SampleMessage());
  struct Case {
    const char* name;
    void (*mutate)(MessageInfo*);
  } cases[] = {
      {"child outside parent", [](MessageInfo* m) { m->root.children[0].end_offset += 1000; }},
      {"leaf with children", [](MessageInfo* m) { m->root.children[0].children.push_back({}); }},
      {"multipart without children", [](MessageInfo* m) { m->root.children.clear(); }},
      {"message with a shifted child",
       [](MessageInfo* m) { m->root.children[1].children[0].header_offset += 1; }},
      {"root not at zero",
       [](MessageInfo* m) {
         m->root.header_offset = 1;
         m->root.body_offset += 1;
       }},
      {"lines exceed size", [](MessageInfo* m) { m->root.children[0].body_lines = 1000; }},
      {"overlapping children",
       [](MessageInfo* m) {
         m->root.children[1].header_offset = m->root.children[0].body_offset;
       }},
      {"envelope of the message part missing",
       [](MessageInfo* m) { m->embedded_envelopes.clear(); }},
      {"envelope without a message part",
       [](MessageInfo* m) { m->embedded_envelopes.push_back("(NIL)"); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    MessageInfo bad = info;
    c.mutate(&bad);
    std::string record = EncodeCacheRecord(bad);
    EXPECT_EQ(DecodeCacheRecord(record).code(), Code::kCorrupt);
    Result<CacheRecordView> view = ViewCacheRecord(record);
    ASSERT_TRUE(view.ok());
    std::string out = "untouched";
    EXPECT_EQ(AppendCachedBodyStructure(*view, true, &out).code(), Code::kCorrupt);
    EXPECT_EQ(out, "untouched");
  }
}

}  // namespace
}  // namespace satrap::mime
