// Scenario 6: POP3. Every user's maildrop gets --prefill realistic messages
// by LMTP; then --clients threads share the users and, per user, log in,
// RETR every message (checked against what was delivered, by Message-ID
// and body), DELE each, QUIT. Afterwards every maildrop must be empty.
#include <atomic>
#include <set>

#include "delivery.h"
#include "message.h"
#include "pop3_client.h"
#include "scenarios.h"

namespace satrap::bench {
namespace {

// Downloads and deletes one user's mail; "" or what went wrong.
std::string DrainMaildrop(const Target& target, int user, int per_user, Latencies* retr,
                          uint64_t* messages, uint64_t* bytes) {
  Result<std::unique_ptr<Pop3Client>> client = Pop3Client::Connect(target.pop3);
  if (!client.ok()) return client.status().ToString();
  Pop3Client& pop = **client;
  if (Status s = pop.Login(UserName(user), target.password); !s.ok()) return s.ToString();
  Result<uint64_t> count = pop.Count();
  if (!count.ok()) return count.status().ToString();
  if (*count != static_cast<uint64_t>(per_user)) {
    return UserName(user) + ": STAT says " + std::to_string(*count) + " messages";
  }
  std::set<std::string> seen;
  for (uint64_t n = 1; n <= *count; ++n) {
    Clock::time_point start = Clock::now();
    Result<std::string> message = pop.Retrieve(n);
    retr->AddSince(start);
    if (!message.ok()) return message.status().ToString();
    std::string_view body = BodyOf(*message);
    std::string id = FindMessageId(std::string_view(*message).substr(0, message->size() - body.size()));
    if (!seen.insert(id).second) return UserName(user) + ": <" + id + "> twice";
    if (id.rfind("pop3-" + std::to_string(user) + "-", 0) != 0) {
      return UserName(user) + ": unexpected message <" + id + ">";
    }
    ++*messages;
    *bytes += message->size();
    if (Result<std::string> d = pop.Simple("DELE " + std::to_string(n)); !d.ok()) {
      return d.status().ToString();
    }
  }
  return pop.Quit().ok() ? "" : "QUIT failed";
}

}  // namespace

void RunPop3(const Options& options, const Target& target) {
  int per_user = static_cast<int>(options.Int("prefill", 50));
  int clients = static_cast<int>(options.Int("clients", 10));
  if (!Prefill(target, per_user, "pop3", 100 * 1024)) return;
  std::vector<Latencies> retr(static_cast<size_t>(clients));
  std::vector<uint64_t> messages(static_cast<size_t>(clients)), bytes(static_cast<size_t>(clients));
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex mutex;
  Clock::time_point start = Clock::now();
  RunThreads(clients, [&](int k) {
    size_t i = static_cast<size_t>(k);
    for (int user = 1 + k; user <= target.users; user += clients) {
      std::string problem = DrainMaildrop(target, user, per_user, &retr[i], &messages[i], &bytes[i]);
      if (!problem.empty() && failures++ == 0) {
        std::lock_guard<std::mutex> lock(mutex);
        first_failure = problem;
      }
    }
  });
  double elapsed = SecondsSince(start);
  Latencies all;
  uint64_t total = 0, total_bytes = 0;
  for (size_t i = 0; i < retr.size(); ++i) {
    all.Merge(retr[i]);
    total += messages[i];
    total_bytes += bytes[i];
  }
  Report::Result("pop3.msgs_per_s", static_cast<double>(total) / elapsed, "msg/s");
  Report::Result("pop3.mb_per_s", static_cast<double>(total_bytes) / elapsed / 1e6, "MB/s");
  Report::Result("pop3.seconds", elapsed, "s");
  Report::Percentiles("pop3.retr", all);
  Report::Check("pop3.downloaded", failures == 0,
                failures == 0 ? std::to_string(total) + " messages retrieved once each and deleted"
                              : std::to_string(failures.load()) + " users failed; first: " + first_failure);
  int left = 0;
  for (int user = 1; user <= target.users; ++user) {
    Result<std::unique_ptr<Pop3Client>> client = Pop3Client::Connect(target.pop3);
    Result<uint64_t> count = Status::Internal("not connected");
    if (client.ok() && (*client)->Login(UserName(user), target.password).ok()) {
      count = (*client)->Count();
      (void)(*client)->Quit();
    }
    if (!count.ok() || *count != 0) ++left;
  }
  Report::Check("pop3.emptied", left == 0, std::to_string(left) + " maildrops not empty after DELE+QUIT");
}

}  // namespace satrap::bench
