// Scenario 5: connection rate. --clients threads loop for --seconds over
// connect, greeting, LOGIN, LOGOUT, close. With --tls over IMAPS: a full
// handshake each time, or with --resume offering the previous connection's
// session (TLS 1.3 ticket or 1.2 session id); the share actually resumed is
// reported, since a server may decline.
#include <atomic>

#include "imap_client.h"
#include "scenarios.h"

namespace satrap::bench {

void RunConnRate(const Options& options, const Target& target) {
  int clients = static_cast<int>(options.Int("clients", 4));
  double seconds = static_cast<double>(options.Int("seconds", 20));
  bool tls = options.Has("tls");
  bool resume = options.Has("resume");
  std::string label = options.Str("label", tls ? (resume ? "conn_tls_resume" : "conn_tls") : "conn_plain");
  std::unique_ptr<TlsClient> tls_client;
  if (tls) {
    Result<std::unique_ptr<TlsClient>> created = TlsClient::Create();
    if (!created.ok() || !target.has_imaps) {
      Report::Check(label + ".setup", false, created.ok() ? "no --imaps port" : created.status().ToString());
      return;
    }
    tls_client = std::move(*created);
  }
  std::vector<Latencies> latencies(static_cast<size_t>(clients));
  std::atomic<uint64_t> done{0}, resumed{0}, failures{0};
  std::string first_failure;
  std::mutex mutex;
  Clock::time_point start = Clock::now();
  RunThreads(clients, [&](int k) {
    TlsSession session;
    for (int n = 0; SecondsSince(start) < seconds; ++n) {
      int user = 1 + (k + n * clients) % target.users;
      Clock::time_point t0 = Clock::now();
      Result<std::unique_ptr<ImapClient>> client =
          ImapClient::Connect(tls ? target.imaps : target.imap, tls_client.get(),
                              resume ? &session : nullptr);
      Status status = client.ok() ? (*client)->Login(UserName(user), target.password) : client.status();
      if (status.ok()) {
        if (resume) (*client)->stream().SaveSession(&session);
        if ((*client)->stream().resumed()) ++resumed;
        status = (*client)->Logout();
      }
      client = Status::Closed("done");  // close before the clock stops
      latencies[static_cast<size_t>(k)].AddSince(t0);
      if (status.ok()) {
        ++done;
      } else if (failures++ == 0) {
        std::lock_guard<std::mutex> lock(mutex);
        first_failure = status.ToString();
      }
    }
  });
  double elapsed = SecondsSince(start);
  Latencies all;
  for (const Latencies& l : latencies) all.Merge(l);
  Report::Result(label + ".logins_per_s", static_cast<double>(done) / elapsed, "conn/s");
  Report::Percentiles(label + ".latency", all);
  if (tls) {
    Report::Result(label + ".resumed_share", done ? static_cast<double>(resumed) / static_cast<double>(done) : 0,
                   "fraction");
  }
  Report::Check(label + ".sessions", failures == 0,
                failures == 0 ? std::to_string(done.load()) + " connect-LOGIN-LOGOUT cycles"
                              : std::to_string(failures.load()) + " failed; first: " + first_failure);
}

}  // namespace satrap::bench
