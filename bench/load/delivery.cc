#include "delivery.h"

#include <atomic>
#include <set>

#include "imap_client.h"
#include "lmtp_client.h"

namespace satrap::bench {

void Expected::Add(int user, const std::string& message_id, uint64_t body_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_user_[user][message_id] = body_hash;
}

size_t Expected::total() const {
  size_t n = 0;
  for (const auto& [user, messages] : by_user_) n += messages.size();
  return n;
}

namespace {

// Messages are built (and hashed) before the clock starts, so the client's
// own work stays out of the figures.
struct Built {
  std::string message;
  uint64_t body_hash = 0;
};

void DeliverShare(const Target& target, const std::vector<Delivery>& deliveries,
                  const std::vector<Built>& built, int share, int shares, Expected* expected,
                  DeliveryStats* stats) {
  auto record_failure = [&](const std::string& what) {
    ++stats->failures;
    if (stats->first_failure.empty()) stats->first_failure = what;
  };
  Result<std::unique_ptr<LmtpClient>> client = LmtpClient::Connect(target.lmtp);
  if (!client.ok()) {
    record_failure(client.status().ToString());
    return;
  }
  for (size_t i = static_cast<size_t>(share); i < deliveries.size();
       i += static_cast<size_t>(shares)) {
    const Delivery& d = deliveries[i];
    const std::string& message = built[i].message;
    std::vector<std::string> rcpts;
    for (int user : d.recipients) rcpts.push_back(UserAddress(user));
    Clock::time_point start = Clock::now();
    Status status = (*client)->Deliver("bench@example.com", rcpts, message);
    stats->latencies.AddSince(start);
    ++stats->transactions;
    if (!status.ok()) {
      record_failure(status.ToString());
      if (status.code() != Code::kTempFail) return;  // the connection is gone
      continue;
    }
    stats->recipient_deliveries += d.recipients.size();
    for (int user : d.recipients) expected->Add(user, d.spec.message_id, built[i].body_hash);
  }
  (void)(*client)->Quit();
}

// Checks one user's INBOX; returns an empty string or what is wrong.
std::string VerifyOne(const Target& target, int user,
                      const std::unordered_map<std::string, uint64_t>* want) {
  Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
  if (!client.ok()) return client.status().ToString();
  ImapClient& imap = **client;
  if (Status s = imap.Login(UserName(user), target.password); !s.ok()) return s.ToString();
  Result<uint64_t> exists = imap.Select("INBOX");
  if (!exists.ok()) return exists.status().ToString();
  size_t expected_count = want ? want->size() : 0;
  if (*exists != expected_count) {
    return UserName(user) + ": " + std::to_string(*exists) + " messages, expected " +
           std::to_string(expected_count);
  }
  if (expected_count == 0) return "";
  Result<Reply> reply =
      imap.Command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)] BODY.PEEK[TEXT])");
  if (!reply.ok()) return reply.status().ToString();
  if (!reply->ok()) return "FETCH: " + reply->line;
  std::set<std::string> seen;
  for (const Untagged& u : reply->untagged) {
    const std::string* header = FetchLiteral(u, "(MESSAGE-ID)]");
    const std::string* text = FetchLiteral(u, "BODY[TEXT]");
    if (header == nullptr || text == nullptr) continue;  // not a FETCH response
    std::string id = FindMessageId(*header);
    auto it = want->find(id);
    if (it == want->end()) return UserName(user) + ": unexpected message <" + id + ">";
    if (!seen.insert(id).second) return UserName(user) + ": <" + id + "> twice";
    if (Fnv64(*text) != it->second) return UserName(user) + ": <" + id + "> body differs";
  }
  if (seen.size() != expected_count) {
    return UserName(user) + ": fetched " + std::to_string(seen.size()) + " of " +
           std::to_string(expected_count);
  }
  (void)imap.Logout();
  return "";
}

}  // namespace

DeliveryStats DeliverAll(const Target& target, const std::vector<Delivery>& deliveries,
                         int connections, Expected* expected) {
  std::vector<Built> built(deliveries.size());
  RunThreads(2, [&](int t) {
    for (size_t i = static_cast<size_t>(t); i < deliveries.size(); i += 2) {
      built[i].message = BuildMessage(deliveries[i].spec);
      built[i].body_hash = Fnv64(BodyOf(built[i].message));
    }
  });
  std::vector<DeliveryStats> per_thread(static_cast<size_t>(connections));
  Clock::time_point start = Clock::now();
  RunThreads(connections, [&](int i) {
    DeliverShare(target, deliveries, built, i, connections, expected,
                 &per_thread[static_cast<size_t>(i)]);
  });
  DeliveryStats total;
  total.seconds = SecondsSince(start);
  for (const DeliveryStats& s : per_thread) {
    total.latencies.Merge(s.latencies);
    total.transactions += s.transactions;
    total.recipient_deliveries += s.recipient_deliveries;
    total.failures += s.failures;
    if (total.first_failure.empty()) total.first_failure = s.first_failure;
  }
  return total;
}

void VerifyInboxes(const Target& target, const Expected& expected, const std::string& name,
                   int threads) {
  std::mutex mutex;
  std::string first_problem;
  std::atomic<int> problems{0};
  RunThreads(threads, [&](int t) {
    for (int user = 1 + t; user <= target.users; user += threads) {
      auto it = expected.by_user().find(user);
      std::string problem =
          VerifyOne(target, user, it == expected.by_user().end() ? nullptr : &it->second);
      if (problem.empty()) continue;
      ++problems;
      std::lock_guard<std::mutex> lock(mutex);
      if (first_problem.empty()) first_problem = problem;
    }
  });
  Report::Check(name, problems == 0,
                problems == 0 ? std::to_string(expected.total()) + " deliveries in " +
                                    std::to_string(target.users) +
                                    " INBOXes, each present once with the bytes sent"
                              : std::to_string(problems.load()) + " mailboxes wrong; first: " +
                                    first_problem);
}

}  // namespace satrap::bench
