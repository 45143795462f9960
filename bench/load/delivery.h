// Bulk LMTP delivery over several connections, and the check that every
// acknowledged message is in its recipients' INBOX exactly once with the
// bytes that were sent (bench issue: "every delivered message present
// exactly once").
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "message.h"

namespace satrap::bench {

struct Delivery {
  MessageSpec spec;
  std::vector<int> recipients;  // user numbers
};

// What each user's INBOX must hold: Message-ID -> FNV-64 of BODY[TEXT].
// Filled by the delivering threads as the server acknowledges (thread-safe).
class Expected {
 public:
  void Add(int user, const std::string& message_id, uint64_t body_hash);
  // Per user; read only after the delivering threads have joined.
  const std::map<int, std::unordered_map<std::string, uint64_t>>& by_user() const {
    return by_user_;
  }
  size_t total() const;

 private:
  std::mutex mutex_;
  std::map<int, std::unordered_map<std::string, uint64_t>> by_user_;
};

struct DeliveryStats {
  Latencies latencies;  // per transaction, MAIL to the last reply after DATA
  uint64_t transactions = 0;
  uint64_t recipient_deliveries = 0;
  uint64_t failures = 0;
  std::string first_failure;
  double seconds = 0;
};

// Sends every delivery, split round-robin over `connections` connections
// (one thread each). Acknowledged deliveries are added to *expected.
DeliveryStats DeliverAll(const Target& target, const std::vector<Delivery>& deliveries,
                         int connections, Expected* expected);

// Logs in as every user of *expected (and every user up to target.users,
// whose INBOX must then be empty) and checks the INBOX holds exactly the
// expected messages. Reports check `name`.
void VerifyInboxes(const Target& target, const Expected& expected, const std::string& name,
                   int threads);

}  // namespace satrap::bench
