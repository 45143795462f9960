// Scenario 4: --connections idle clients, each logged in (users in turn)
// with INBOX selected. Opened by 8 threads; then the harness sums the
// servers' PSS while they idle, and says when to log out. Every session
// must still answer LOGOUT afterwards (no idle connection was dropped).
#include <atomic>
#include <mutex>

#include "imap_client.h"
#include "scenarios.h"

namespace satrap::bench {

void RunIdle(const Options& options, const Target& target) {
  int connections = static_cast<int>(options.Int("connections", 100));
  constexpr int kOpeners = 8;
  std::vector<std::unique_ptr<ImapClient>> clients(static_cast<size_t>(connections));
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    if (failures++ == 0) {
      std::lock_guard<std::mutex> lock(mutex);
      first_failure = what;
    }
  };
  Clock::time_point start = Clock::now();
  RunThreads(kOpeners, [&](int t) {
    for (int i = t; i < connections; i += kOpeners) {
      int user = 1 + i % target.users;
      Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
      if (!client.ok()) return fail(client.status().ToString());
      if (Status s = (*client)->Login(UserName(user), target.password); !s.ok()) return fail(s.ToString());
      if (Result<uint64_t> e = (*client)->Select("INBOX"); !e.ok()) return fail(e.status().ToString());
      clients[static_cast<size_t>(i)] = std::move(*client);
    }
  });
  Report::Result("idle.open_seconds", SecondsSince(start), "s");
  Report::Check("idle.opened", failures == 0,
                failures == 0 ? std::to_string(connections) + " sessions with INBOX selected"
                              : std::to_string(failures.load()) + " failed; first: " + first_failure);
  WaitForHarness("idle");
  int lost = 0;
  for (std::unique_ptr<ImapClient>& client : clients) {
    if (client && !client->Logout().ok()) ++lost;
  }
  Report::Check("idle.still_served", lost == 0,
                std::to_string(lost) + " sessions did not answer LOGOUT after idling");
}

}  // namespace satrap::bench
