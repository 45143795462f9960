// On-disk formats: cyrus.index header and records, cyrus.header, cyrus.cache.
// Every field must survive a round trip, and every single-bit flip or
// truncation must decode to kCorrupt, never to a different valid value.
#include <gtest/gtest.h>

#include "mailbox/cache_file.h"
#include "mailbox/header_file.h"
#include "mailbox/index_format.h"

namespace satrap::mailbox {
namespace {

IndexHeader SampleHeader() {
  IndexHeader h;
  h.options = kMailboxDeleted;
  h.generation = 0x0102030405060708ull;
  h.uidvalidity = 1700000000;
  h.uidnext = 4242;
  h.highestmodseq = 99999999999ull;
  h.num_records = 10;
  h.exists = 7;
  h.expunged = 3;
  h.quota_used = 5ull << 33;
  h.recent_uid = 4000;
  h.keywords_generation = 5;
  h.last_append_date = -5;
  h.deleted = 2;
  h.pop3_last_login = 1700000123;
  h.unseen_lowwater = 4100;
  return h;
}

IndexRecord SampleRecord() {
  IndexRecord r;
  r.uid = 4241;
  r.system_flags = kFlagSeen | kFlagDeleted | kFlagExpunged;
  r.internal_date = 1700000123;
  r.size = 6ull << 32;
  r.modseq = 77;
  r.cache_offset = 123456789012ull;
  r.cache_length = 4000;
  r.header_size = 812;
  r.SetKeyword(0, true);
  r.SetKeyword(127, true);
  r.SetKeyword(64, true);
  for (int i = 0; i < 20; ++i) r.guid[i] = static_cast<uint8_t>(i * 13);
  r.date_zone_minutes = -480;
  return r;
}

TEST(IndexFormatTest, HeaderRoundTrip) {
  std::string bytes = EncodeIndexHeader(SampleHeader());
  ASSERT_EQ(bytes.size(), kIndexHeaderSize);
  Result<IndexHeader> decoded = DecodeIndexHeader(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SampleHeader());
}

TEST(IndexFormatTest, RecordRoundTrip) {
  std::string bytes = EncodeIndexRecord(SampleRecord());
  ASSERT_EQ(bytes.size(), kIndexRecordSize);
  Result<IndexRecord> decoded = DecodeIndexRecord(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, SampleRecord());
  EXPECT_TRUE(decoded->HasKeyword(127));
  EXPECT_FALSE(decoded->HasKeyword(126));
  EXPECT_TRUE(decoded->expunged());
}

TEST(IndexFormatTest, EveryBitFlipIsDetected) {
  const std::string header = EncodeIndexHeader(SampleHeader());
  const std::string record = EncodeIndexRecord(SampleRecord());
  for (size_t bit = 0; bit < header.size() * 8; ++bit) {
    std::string bad = header;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_EQ(DecodeIndexHeader(bad).code(), Code::kCorrupt) << "header bit " << bit;
  }
  for (size_t bit = 0; bit < record.size() * 8; ++bit) {
    std::string bad = record;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_EQ(DecodeIndexRecord(bad).code(), Code::kCorrupt) << "record bit " << bit;
  }
}

TEST(IndexFormatTest, TruncationAndBadFieldsAreCorrupt) {
  const std::string header = EncodeIndexHeader(SampleHeader());
  for (size_t len : {size_t{0}, size_t{8}, kIndexHeaderSize - 1}) {
    SCOPED_TRACE(len);
    EXPECT_EQ(DecodeIndexHeader(header.substr(0, len)).code(), Code::kCorrupt);
    EXPECT_EQ(DecodeIndexRecord(EncodeIndexRecord(SampleRecord()).substr(0, len % kIndexRecordSize))
                  .code(),
              Code::kCorrupt);
  }
  // Counts that do not add up are refused even with a valid CRC.
  IndexHeader inconsistent = SampleHeader();
  inconsistent.exists = 8;
  EXPECT_EQ(DecodeIndexHeader(EncodeIndexHeader(inconsistent)).code(), Code::kCorrupt);
  IndexRecord zero_uid = SampleRecord();
  zero_uid.uid = 0;
  EXPECT_EQ(DecodeIndexRecord(EncodeIndexRecord(zero_uid)).code(), Code::kCorrupt);
  EXPECT_EQ(DecodeIndexRecord(std::string(kIndexRecordSize, '\0')).code(), Code::kCorrupt);
}

TEST(MailboxHeaderTest, RoundTripAndCorruption) {
  MailboxHeader h{"user.alice.Sent", NewUniqueId(), {"$Forwarded", "Junk", "$MDNSent"}};
  EXPECT_EQ(h.uniqueid.size(), 32u);
  EXPECT_NE(h.uniqueid, NewUniqueId());
  std::string text = EncodeMailboxHeader(h);
  Result<MailboxHeader> decoded = DecodeMailboxHeader(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, h);

  MailboxHeader empty{"user.bob", "00", {}};
  ASSERT_TRUE(DecodeMailboxHeader(EncodeMailboxHeader(empty)).ok());
  EXPECT_EQ(DecodeMailboxHeader(EncodeMailboxHeader(empty))->keywords.size(), 0u);

  for (size_t i = 0; i < text.size(); ++i) {
    std::string bad = text;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(DecodeMailboxHeader(bad).ok()) << "byte " << i;
  }
  EXPECT_FALSE(DecodeMailboxHeader(text.substr(0, text.size() - 1)).ok());
  EXPECT_FALSE(DecodeMailboxHeader("").ok());
}

TEST(MailboxHeaderTest, Keywords) {
  // RFC 3501 §9: flag-keyword = atom; atom-specials are refused.
  for (const char* good : {"$Forwarded", "Junk", "NonJunk", "a.b", "x!#&"}) {
    SCOPED_TRACE(good);
    EXPECT_TRUE(IsValidKeyword(good));
  }
  for (const char* bad : {"", "\\Seen", "a b", "a(b", "a)b", "a{", "a%", "a*", "a\"", "a]", "a\\",
                          "\x01", "caf\xc3\xa9"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(IsValidKeyword(bad));
  }
}

TEST(CacheFormatTest, RoundTripAndCorruption) {
  const std::string payload = "ENVELOPE (\"date\" \"subject\" NIL ...) BODYSTRUCTURE (...)";
  std::string record = EncodeCacheRecord(17, payload);
  EXPECT_EQ(record.size(), kCacheRecordHead + payload.size());
  Result<std::string_view> decoded = DecodeCacheRecord(record, 17);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, payload);
  EXPECT_EQ(DecodeCacheRecord(record, 18).code(), Code::kCorrupt);  // another message's record
  EXPECT_EQ(DecodeCacheRecord(record.substr(0, record.size() - 1), 17).code(), Code::kCorrupt);
  for (size_t i = 0; i < record.size(); ++i) {
    std::string bad = record;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    EXPECT_EQ(DecodeCacheRecord(bad, 17).code(), Code::kCorrupt) << "byte " << i;
  }
  ASSERT_TRUE(DecodeCacheRecord(EncodeCacheRecord(1, ""), 1).ok());
}

}  // namespace
}  // namespace satrap::mailbox
