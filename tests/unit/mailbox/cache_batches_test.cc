// CacheBatches over several batches, each read ahead on a helper thread:
// every payload handed out must be the message's own (as CachePayload reads
// it alone), also for a record damaged on disk (rebuilt from the message),
// across gaps in the scan and when the scan jumps past a batch being read.
#include "mailbox/cache_batches.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/file.h"
#include "mailbox/cache_file.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

class CacheBatchesTest : public StoreTest {
 protected:
  static constexpr uint32_t kMessages = 2 * CacheBatches::kBatchMessages + 100;

  void Fill() {
    ASSERT_TRUE(store_->CreateUser("alice").ok());
    std::vector<std::string> texts;
    for (uint32_t i = 0; i < kMessages; ++i) {
      texts.push_back("From: a@example.com\r\nSubject: number " + std::to_string(i + 1) +
                      "\r\nMessage-ID: <" + std::to_string(i + 1) + "@example.com>\r\n\r\n" +
                      std::string(10 + i % 50, 'x') + "\r\n");
    }
    std::vector<NewMessage> messages(kMessages);
    for (uint32_t i = 0; i < kMessages; ++i) messages[i].data = texts[i];
    std::string targets[] = {"user.alice"};
    auto results = store_->Append(User("alice"), messages, targets, {});
    ASSERT_TRUE(results.ok() && (*results)[0].ok());
  }

  // The payload of msgno as the scan sees it, falling back like its callers.
  static std::string Scanned(const Mailbox& mb, CacheBatches& batches, size_t position,
                             uint32_t msgno) {
    if (std::optional<std::string_view> payload = batches.Take(position)) return std::string(*payload);
    return *mb.CachePayload(msgno);
  }
};

TEST_F(CacheBatchesTest, EveryPayloadIsTheMessagesOwn) {
  Fill();
  auto opened = store_->Open(User("alice"), "user.alice", true);
  ASSERT_TRUE(opened.ok());
  Mailbox& mb = **opened;
  ASSERT_EQ(mb.exists(), kMessages);
  std::vector<std::string> alone;
  for (uint32_t m = 1; m <= kMessages; ++m) alone.push_back(*mb.CachePayload(m));

  // Damage the cache record of a message in the second batch.
  const uint32_t damaged = CacheBatches::kBatchMessages + 7;
  const auto [offset, length] = mb.CacheLocation(damaged);
  UniqueFd cache(::openat(mb.dir_fd(), kCacheFileName, O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(cache.valid());
  char byte = 0;
  ASSERT_EQ(::pread(cache.get(), &byte, 1, static_cast<off_t>(offset + length / 2)), 1);
  byte = static_cast<char>(byte ^ 0x20);
  ASSERT_EQ(::pwrite(cache.get(), &byte, 1, static_cast<off_t>(offset + length / 2)), 1);

  std::vector<uint32_t> all;
  for (uint32_t m = 1; m <= kMessages; ++m) all.push_back(m);
  {
    CacheBatches batches(mb, all);
    for (size_t i = 0; i < all.size(); ++i) {
      ASSERT_EQ(Scanned(mb, batches, i, all[i]), alone[all[i] - 1]) << "msgno " << all[i];
    }
  }
  // Gaps (every third message) and a jump past the batch being read ahead.
  std::vector<uint32_t> gappy;
  for (uint32_t m = 1; m <= kMessages; m += 3) gappy.push_back(m);
  {
    CacheBatches batches(mb, gappy);
    for (size_t i = 0; i < gappy.size(); ++i) {
      ASSERT_EQ(Scanned(mb, batches, i, gappy[i]), alone[gappy[i] - 1]);
    }
  }
  {
    CacheBatches batches(mb, all);
    ASSERT_EQ(Scanned(mb, batches, 0, 1), alone[0]);
    const size_t far = 2 * CacheBatches::kBatchMessages + 50;
    ASSERT_EQ(Scanned(mb, batches, far, all[far]), alone[all[far] - 1]);
    ASSERT_EQ(Scanned(mb, batches, 5, all[5]), alone[all[5] - 1]);
  }
}

}  // namespace
}  // namespace satrap::mailbox
