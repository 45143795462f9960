// Scenario 1: LMTP delivery throughput, and Prefill() for the others.
#include "delivery.h"
#include "scenarios.h"

namespace satrap::bench {

void RunLmtp(const Options& options, const Target& target) {
  std::string label = options.Str("label", "lmtp");
  int64_t messages = options.Int("messages", 5000);
  int64_t size = options.Int("size", 4096);
  int connections = static_cast<int>(options.Int("connections", 8));
  int recipients = static_cast<int>(std::min<int64_t>(options.Int("recipients", 1), target.users));
  std::vector<Delivery> deliveries(static_cast<size_t>(messages));
  for (int64_t i = 0; i < messages; ++i) {
    Delivery& d = deliveries[static_cast<size_t>(i)];
    for (int r = 0; r < recipients; ++r) {
      d.recipients.push_back(static_cast<int>((i * recipients + r) % target.users) + 1);
    }
    d.spec.message_id = label + "-" + std::to_string(i) + "@bench.satrap";
    d.spec.to = UserAddress(d.recipients[0]);
    d.spec.seed = static_cast<uint64_t>(i) + 1;
    d.spec.shape = Shape::kSized;
    d.spec.size = static_cast<size_t>(size);
  }
  Expected expected;
  DeliveryStats stats = DeliverAll(target, deliveries, connections, &expected);
  Report::Result(label + ".msgs_per_s", static_cast<double>(stats.transactions) / stats.seconds,
                 "msg/s");
  Report::Result(label + ".deliveries_per_s",
                 static_cast<double>(stats.recipient_deliveries) / stats.seconds, "rcpt/s");
  Report::Result(label + ".mb_per_s",
                 static_cast<double>(stats.transactions * static_cast<uint64_t>(size)) /
                     stats.seconds / 1e6,
                 "MB/s");
  Report::Result(label + ".seconds", stats.seconds, "s");
  Report::Percentiles(label + ".latency", stats.latencies);
  Report::Check(label + ".delivered", stats.failures == 0,
                stats.failures == 0 ? std::to_string(stats.transactions) + " transactions accepted"
                                    : std::to_string(stats.failures) + " failed; first: " +
                                          stats.first_failure);
  if (!options.Has("no-verify")) VerifyInboxes(target, expected, label + ".verified", 4);
}

bool Prefill(const Target& target, int per_user, const std::string& tag, size_t max_attachment) {
  std::vector<Delivery> deliveries;
  for (int n = 0; n < per_user; ++n) {
    for (int user = 1; user <= target.users; ++user) {
      Delivery d;
      d.recipients = {user};
      d.spec.message_id = tag + "-" + std::to_string(user) + "-" + std::to_string(n) + "@bench.satrap";
      d.spec.to = UserAddress(user);
      d.spec.seed = static_cast<uint64_t>(user) * 100003u + static_cast<uint64_t>(n);
      d.spec.shape = Shape::kRealistic;
      d.spec.max_attachment = max_attachment;
      deliveries.push_back(std::move(d));
    }
  }
  Expected expected;
  DeliveryStats stats = DeliverAll(target, deliveries, 8, &expected);
  Report::Note("prefill: " + std::to_string(stats.transactions) + " messages in " +
               std::to_string(stats.seconds) + " s");
  Report::Check(tag + ".prefill", stats.failures == 0,
                stats.failures == 0 ? std::to_string(deliveries.size()) + " delivered"
                                    : stats.first_failure);
  return stats.failures == 0;
}

}  // namespace satrap::bench
