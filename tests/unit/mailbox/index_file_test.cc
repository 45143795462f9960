// IndexFile::UpdateSnapshot: bringing an old snapshot up to date must give
// exactly what a fresh Snapshot() gives, and must leave the old snapshot
// alone when the file turns out to be damaged.
#include "mailbox/index_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
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
    IndexSnapshot initial;
    initial.header.uidvalidity = 1700000000;
    initial.header.uidnext = 1;
    for (int i = 0; i < 5; ++i) initial.records.push_back(NewRecord(&initial.header));
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

  std::string root_;
  UniqueFd dir_;
};

TEST_F(IndexFileTest, UpdatedSnapshotEqualsAFreshOne) {
  std::unique_ptr<IndexFile> reader = Open();
  Result<IndexSnapshot> snapshot = reader->Snapshot();
  ASSERT_TRUE(snapshot.ok());
  ChangeFromElsewhere();
  Status updated = reader->UpdateSnapshot(&*snapshot);
  ASSERT_TRUE(updated.ok()) << updated.ToString();
  Result<IndexSnapshot> fresh = reader->Snapshot();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(snapshot->records, fresh->records);
  EXPECT_EQ(snapshot->header.highestmodseq, fresh->header.highestmodseq);
  EXPECT_EQ(snapshot->header.num_records, 6u);
  EXPECT_TRUE(snapshot->records[1].system_flags & kFlagSeen);
  EXPECT_TRUE(snapshot->records[3].expunged());
  EXPECT_EQ(snapshot->records[5].uid, 6u);
}

// Only appends since the snapshot: the reader maps and reads just the new
// records, and must still see them exactly; a store in the same round must
// not be missed.
TEST_F(IndexFileTest, AppendsAloneAndAppendsWithAChange) {
  std::unique_ptr<IndexFile> reader = Open();
  Result<IndexSnapshot> snapshot = reader->Snapshot();
  ASSERT_TRUE(snapshot.ok());
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
    std::vector<IndexRecord> added = {NewRecord(&*header), NewRecord(&*header)};
    ASSERT_TRUE(writer->WriteRecords(header->num_records, added).ok());
    records->insert(records->end(), added.begin(), added.end());
    RecountHeader(*records, &*header);
    header->num_records = static_cast<uint32_t>(records->size());
    ASSERT_TRUE(writer->Commit(*header, false).ok());

    Status updated = reader->UpdateSnapshot(&*snapshot);
    ASSERT_TRUE(updated.ok()) << updated.ToString();
    Result<IndexSnapshot> fresh = reader->Snapshot();
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(snapshot->records, fresh->records) << "round " << round;
    EXPECT_EQ(snapshot->header, fresh->header) << "round " << round;
  }
  EXPECT_EQ(snapshot->records.size(), 9u);
  EXPECT_TRUE(snapshot->records[0].system_flags & kFlagFlagged);
}

TEST_F(IndexFileTest, DamagedChangeLeavesTheSnapshotAsItWas) {
  std::unique_ptr<IndexFile> reader = Open();
  Result<IndexSnapshot> snapshot = reader->Snapshot();
  ASSERT_TRUE(snapshot.ok());
  const IndexSnapshot before = *snapshot;
  ChangeFromElsewhere();
  // Flip a byte of the appended record (its size field).
  const off_t at = kIndexHeaderSize + 5 * kIndexRecordSize + 20;
  UniqueFd fd(::openat(dir_.get(), kIndexFileName, O_RDWR | O_CLOEXEC));
  char byte;
  ASSERT_EQ(::pread(fd.get(), &byte, 1, at), 1);
  byte = static_cast<char>(byte ^ 0x40);
  ASSERT_EQ(::pwrite(fd.get(), &byte, 1, at), 1);
  EXPECT_EQ(reader->UpdateSnapshot(&*snapshot).code(), Code::kCorrupt);
  EXPECT_EQ(snapshot->records, before.records);
  EXPECT_EQ(snapshot->header.highestmodseq, before.header.highestmodseq);
}

}  // namespace
}  // namespace satrap::mailbox
