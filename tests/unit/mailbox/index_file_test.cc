// IndexFile::Map: refreshing an old mapping must show exactly what a fresh
// Snapshot() gives, must check what changed (a damaged change is refused and
// the mapping keeps its header), and must never read past the end of a
// file whose header claims more records than it holds. CheckRecords: the
// records of a first mapping are checked block by block on first use, uid
// order across blocks included.
#include "mailbox/index_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "base/file.h"

namespace satrap::mailbox {
namespace {

class IndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-index-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_.Reset(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_.valid());
    WriteIndex(5);
  }

  // A new index of `count` records with uids 1..count (`swap` exchanges
  // the uids of records swap and swap + 1, both still checksummed).
  void WriteIndex(uint32_t count, std::optional<uint32_t> swap = std::nullopt) {
    IndexSnapshot initial;
    initial.header.uidvalidity = 1700000000;
    initial.header.uidnext = 1;
    for (uint32_t i = 0; i < count; ++i) initial.records.push_back(NewRecord(&initial.header));
    if (swap) std::swap(initial.records[*swap].uid, initial.records[*swap + 1].uid);
    RecountHeader(initial.records, &initial.header);
    initial.header.num_records = static_cast<uint32_t>(initial.records.size());
    ASSERT_TRUE(IndexFile::WriteWhole(dir_.get(), initial, 0600).ok());
  }
  void TearDown() override { (void)system(("rm -rf " + root_).c_str()); }

  static IndexRecord NewRecord(IndexHeader* header) {
    IndexRecord r;
    r.uid = header->uidnext++;
    r.internal_date = 1700000000 + r.uid;
    r.size = 100 * r.uid;
    r.modseq = ++header->highestmodseq;
    return r;
  }

  std::unique_ptr<IndexFile> Open() {
    Result<std::unique_ptr<IndexFile>> index = IndexFile::Open(dir_.get());
    EXPECT_TRUE(index.ok());
    return index.ok() ? std::move(*index) : nullptr;
  }

  // Another writer: flags record 1 (\Seen), expunges record 3, appends one.
  void ChangeFromElsewhere() {
    std::unique_ptr<IndexFile> writer = Open();
    Result<IndexHeader> header = writer->Begin();
    ASSERT_TRUE(header.ok());
    Result<std::vector<IndexRecord>> records = writer->ReadRecords(0, header->num_records);
    ASSERT_TRUE(records.ok());
    (*records)[1].system_flags |= kFlagSeen;
    (*records)[1].modseq = ++header->highestmodseq;
    (*records)[3].system_flags |= kFlagExpunged;
    (*records)[3].modseq = ++header->highestmodseq;
    ASSERT_TRUE(writer->MarkDirty(*header).ok());
    ASSERT_TRUE(writer->WriteRecords(0, *records).ok());
    records->push_back(NewRecord(&*header));
    ASSERT_TRUE(writer->WriteRecords(header->num_records, {records->back()}).ok());
    RecountHeader(*records, &*header);
    header->num_records = static_cast<uint32_t>(records->size());
    ASSERT_TRUE(writer->Commit(*header, false).ok());
  }

  // Every record of `mapped`, decoded.
  static std::vector<IndexRecord> Decoded(const MappedIndex& mapped) {
    std::vector<IndexRecord> out;
    for (uint32_t i = 0; i < mapped.records.size(); ++i) out.push_back(mapped.records.Decode(i));
    return out;
  }

  void FlipByte(off_t at) {
    UniqueFd fd(::openat(dir_.get(), kIndexFileName, O_RDWR | O_CLOEXEC));
    char byte;
    ASSERT_EQ(::pread(fd.get(), &byte, 1, at), 1);
    byte = static_cast<char>(byte ^ 0x40);
    ASSERT_EQ(::pwrite(fd.get(), &byte, 1, at), 1);
  }

  std::string root_;
  UniqueFd dir_;
};

TEST_F(IndexFileTest, RefreshedMappingEqualsAFreshSnapshot) {
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  ASSERT_EQ(mapped.records.size(), 5u);
  ChangeFromElsewhere();
  // The mapping is live: the change shows through before any refresh, but
  // the header (and so the records in use) stays as it was.
  EXPECT_TRUE(mapped.records.SystemFlags(1) & kFlagSeen);
  EXPECT_EQ(mapped.records.size(), 5u);
  Status updated = reader->Map(&mapped);
  ASSERT_TRUE(updated.ok()) << updated.ToString();
  Result<IndexSnapshot> fresh = reader->Snapshot();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(Decoded(mapped), fresh->records);
  EXPECT_EQ(mapped.header, fresh->header);
  EXPECT_EQ(mapped.header.num_records, 6u);
  EXPECT_TRUE(mapped.records.Expunged(3));
  EXPECT_EQ(mapped.records.Uid(5), 6u);
  Result<IndexRecord> checked = mapped.records.DecodeChecked(1);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(*checked, fresh->records[1]);
  // The live fields alone, as FETCH FLAGS reads them, agree with the record.
  for (uint32_t i = 0; i < mapped.records.size(); ++i) {
    std::optional<IndexRecords::LiveFields> live = mapped.records.LiveChecked(i);
    ASSERT_TRUE(live.has_value()) << i;
    EXPECT_EQ(live->system_flags, fresh->records[i].system_flags) << i;
    EXPECT_EQ(live->keywords, fresh->records[i].keywords) << i;
    EXPECT_EQ(live->modseq, fresh->records[i].modseq) << i;
  }
}

// Only appends since the last refresh: just the new records are checked,
// and they must still be seen exactly; a store in the same round must not
// be missed.
TEST_F(IndexFileTest, AppendsAloneAndAppendsWithAChange) {
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<IndexFile> writer = Open();
    Result<IndexHeader> header = writer->Begin();
    ASSERT_TRUE(header.ok());
    Result<std::vector<IndexRecord>> records = writer->ReadRecords(0, header->num_records);
    ASSERT_TRUE(records.ok());
    if (round == 1) {  // a flag change on the first record, then appends
      (*records)[0].system_flags |= kFlagFlagged;
      (*records)[0].modseq = ++header->highestmodseq;
      ASSERT_TRUE(writer->MarkDirty(*header).ok());
      ASSERT_TRUE(writer->WriteRecords(0, {(*records)[0]}).ok());
    }
    // Enough records to make the file grow past the mapped pages.
    std::vector<IndexRecord> added;
    for (int i = 0; i < 100; ++i) added.push_back(NewRecord(&*header));
    ASSERT_TRUE(writer->WriteRecords(header->num_records, added).ok());
    records->insert(records->end(), added.begin(), added.end());
    RecountHeader(*records, &*header);
    header->num_records = static_cast<uint32_t>(records->size());
    ASSERT_TRUE(writer->Commit(*header, false).ok());

    Status updated = reader->Map(&mapped);
    ASSERT_TRUE(updated.ok()) << updated.ToString();
    Result<IndexSnapshot> fresh = reader->Snapshot();
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(Decoded(mapped), fresh->records) << "round " << round;
    EXPECT_EQ(mapped.header, fresh->header) << "round " << round;
  }
  EXPECT_EQ(mapped.records.size(), 205u);
  EXPECT_TRUE(mapped.records.SystemFlags(0) & kFlagFlagged);
}

TEST_F(IndexFileTest, DamagedChangeIsRefusedAndTheHeaderKept) {
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  const IndexHeader before = mapped.header;
  ChangeFromElsewhere();
  // Flip a byte of the appended record (its size field).
  FlipByte(kIndexHeaderSize + 5 * kIndexRecordSize + 20);
  EXPECT_EQ(reader->Map(&mapped).code(), Code::kCorrupt);
  EXPECT_EQ(mapped.header, before);
  EXPECT_EQ(mapped.records.size(), 5u);
}

TEST_F(IndexFileTest, DamagedRewrittenRecordIsRefused) {
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  // Read (so checked) before the change: a rewrite must be checked again.
  ASSERT_TRUE(reader->CheckRecords(mapped.records, 0, 4).ok());
  ChangeFromElsewhere();
  // Record 1 was rewritten (its modseq moved): damage its keywords.
  FlipByte(kIndexHeaderSize + 1 * kIndexRecordSize + 50);
  EXPECT_EQ(reader->Map(&mapped).code(), Code::kCorrupt);
  EXPECT_EQ(mapped.records.DecodeChecked(1).status().code(), Code::kCorrupt);
  EXPECT_FALSE(mapped.records.LiveChecked(1).has_value());
  EXPECT_TRUE(mapped.records.LiveChecked(2).has_value());
  // Read from the file under the lock, it is just as damaged.
  EXPECT_EQ(reader->ReadRecordShared(1).status().code(), Code::kCorrupt);
  EXPECT_TRUE(reader->ReadRecordShared(2).ok());
}

TEST_F(IndexFileTest, FirstMappingChecksRecordsOnFirstUse) {
  FlipByte(kIndexHeaderSize + 2 * kIndexRecordSize + 10);
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  EXPECT_EQ(mapped.records.size(), 5u);
  EXPECT_FALSE(mapped.records.Checked(0));
  // Record 0 shares its block with the damaged record 2.
  Status status = reader->CheckRecords(mapped.records, 0, 0);
  EXPECT_EQ(status.code(), Code::kCorrupt);
  EXPECT_NE(status.message().find("record 2"), std::string::npos) << status.ToString();
  EXPECT_FALSE(mapped.records.Checked(0));
  EXPECT_EQ(reader->Snapshot().status().code(), Code::kCorrupt);
}

TEST_F(IndexFileTest, BlocksAreCheckedOnTheirOwn) {
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  WriteIndex(3 * kBlock + 10);
  FlipByte(kIndexHeaderSize + (kBlock + 50) * kIndexRecordSize + 10);
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  ASSERT_EQ(mapped.records.size(), 3 * kBlock + 10);
  // Blocks 0 and 2 are intact, each checked with a neighbour of block 1.
  ASSERT_TRUE(reader->CheckRecords(mapped.records, 0, 5).ok());
  ASSERT_TRUE(reader->CheckRecords(mapped.records, 2 * kBlock + 3, 2 * kBlock + 3).ok());
  EXPECT_TRUE(mapped.records.Checked(kBlock - 1));
  EXPECT_FALSE(mapped.records.Checked(kBlock));
  EXPECT_TRUE(mapped.records.Checked(2 * kBlock));
  EXPECT_FALSE(mapped.records.Checked(3 * kBlock));
  EXPECT_EQ(mapped.records.Uid(2 * kBlock), 2 * kBlock + 1);
  // Block 1 is refused however it is reached, alone or in a run.
  EXPECT_EQ(reader->CheckRecords(mapped.records, kBlock + 50, kBlock + 50).code(), Code::kCorrupt);
  EXPECT_EQ(reader->CheckRecords(mapped.records, 0, 3 * kBlock + 9).code(), Code::kCorrupt);
  EXPECT_FALSE(mapped.records.Checked(kBlock));
  // The last, partial block.
  ASSERT_TRUE(reader->CheckRecords(mapped.records, 3 * kBlock + 9, 3 * kBlock + 9).ok());
  EXPECT_TRUE(mapped.records.Checked(3 * kBlock));
}

// Checksummed records out of uid order across a block boundary: found from
// either side.
TEST_F(IndexFileTest, UidOrderIsCheckedAcrossBlocks) {
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  WriteIndex(2 * kBlock, kBlock - 1);
  for (uint32_t side : {kBlock - 1, kBlock}) {
    std::unique_ptr<IndexFile> reader = Open();
    MappedIndex mapped;
    ASSERT_TRUE(reader->Map(&mapped).ok());
    EXPECT_EQ(reader->CheckRecords(mapped.records, side, side).code(), Code::kCorrupt) << side;
  }
}

// Records appended to a mapping in use are checked by the refresh itself,
// and their blocks count as checked.
TEST_F(IndexFileTest, AppendedRecordsAreCheckedAtOnce) {
  constexpr uint32_t kBlock = IndexRecords::kCheckBlock;
  WriteIndex(kBlock);
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  ASSERT_TRUE(reader->Map(&mapped).ok());
  {
    std::unique_ptr<IndexFile> writer = Open();
    Result<IndexHeader> header = writer->Begin();
    ASSERT_TRUE(header.ok());
    std::vector<IndexRecord> added;
    for (int i = 0; i < 3; ++i) added.push_back(NewRecord(&*header));
    ASSERT_TRUE(writer->WriteRecords(kBlock, added).ok());
    header->num_records += 3;
    header->exists += 3;
    ASSERT_TRUE(writer->Commit(*header, false).ok());
  }
  ASSERT_TRUE(reader->Map(&mapped).ok());
  EXPECT_EQ(mapped.records.size(), kBlock + 3);
  EXPECT_FALSE(mapped.records.Checked(0));
  EXPECT_TRUE(mapped.records.Checked(kBlock));
}

// A header claiming more records than the file holds (a truncated copy) is
// refused, not mapped past the end of the file (which would be a SIGBUS).
TEST_F(IndexFileTest, TruncatedFileIsRefused) {
  UniqueFd fd(::openat(dir_.get(), kIndexFileName, O_RDWR | O_CLOEXEC));
  ASSERT_EQ(::ftruncate(fd.get(), kIndexHeaderSize + 3 * kIndexRecordSize), 0);
  std::unique_ptr<IndexFile> reader = Open();
  MappedIndex mapped;
  Status status = reader->Map(&mapped);
  EXPECT_EQ(status.code(), Code::kCorrupt) << status.ToString();
  EXPECT_EQ(reader->Snapshot().status().code(), Code::kCorrupt);
}

}  // namespace
}  // namespace satrap::mailbox
