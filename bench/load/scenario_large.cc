// Scenario 3: one INBOX of --messages (100,000) small realistic messages.
// large-populate fills it (MULTIAPPEND batches when the server has RFC 3502,
// else LMTP over 8 connections); the harness then restarts the server and
// drops the page cache, and large-ops times SELECT, FETCH 1:* (FLAGS),
// FETCH 1:* (ENVELOPE), UID SEARCH HEADER Subject, SEARCH TEXT and one
// APPEND, first cold (the harness drops the page cache again right before
// each command, so no command is warmed by the one before it: a server that
// reads every message file for FETCH ENVELOPE would otherwise get a warm
// SEARCH TEXT), then warm in a new session, checking every answer
// (message counts, exact search hit counts). Every 1000th message has the
// tagged subject word; about ten carry the rare word.
//
// Each figure is the median of --passes (3) passes: a cold pass on a freshly
// restarted server each time, warm passes in new sessions. The cheapest
// commands take 10-30 ms, where one sample moves by a third with the
// machine; the raw output keeps every sample.
#include <algorithm>
#include <map>
#include <mutex>

#include "delivery.h"
#include "imap_client.h"
#include "message.h"
#include "scenarios.h"

namespace satrap::bench {
namespace {

int64_t RareEvery(int64_t messages) { return std::max<int64_t>(1, messages / 10); }

MessageSpec LargeSpec(int64_t i, int64_t messages, int user) {
  MessageSpec spec;
  spec.message_id = "large-" + std::to_string(i) + "@bench.satrap";
  spec.to = UserAddress(user);
  spec.seed = 900000000 + static_cast<uint64_t>(i);
  spec.shape = Shape::kSmall;
  spec.tagged_subject = i % 1000 == 0;
  spec.rare_word = i % RareEvery(messages) == RareEvery(messages) / 2;
  return spec;
}

// Batches of `batch` messages, batch k on connection k % connections: a
// server that syncs each message file can overlap those syncs, which is what
// keeps filling 100,000 messages into Cyrus from taking most of the run.
void PopulateByMultiAppend(const Target& target, int64_t messages, int user, int64_t batch,
                           int connections) {
  Clock::time_point start = Clock::now();
  std::mutex failure_mutex;
  std::string failure;
  RunThreads(connections, [&](int thread) {
    Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
    if (!client.ok() || !(*client)->Login(UserName(user), target.password).ok()) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      failure = "cannot log in";
      return;
    }
    for (int64_t i = thread * batch; i < messages; i += batch * connections) {
      std::vector<std::string> group;
      for (int64_t j = i; j < std::min(messages, i + batch); ++j) {
        group.push_back(BuildMessage(LargeSpec(j, messages, user)));
      }
      Result<Reply> reply = (*client)->MultiAppend("INBOX", group);
      if (!reply.ok() || !reply->ok()) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        failure = reply.ok() ? reply->line : reply.status().ToString();
        return;
      }
    }
    (void)(*client)->Logout();
  });
  if (!failure.empty()) {
    Report::Check("large.populate", false, failure);
    return;
  }
  Report::Result("large.populate_per_s", static_cast<double>(messages) / SecondsSince(start),
                 "msg/s");
  Report::Check("large.populate", true,
                std::to_string(messages) + " messages by MULTIAPPEND over " +
                    std::to_string(connections) + " connections");
}

int64_t Expect(int64_t messages, int64_t every, int64_t rest) {
  int64_t n = 0;
  for (int64_t i = 0; i < messages; ++i) n += i % every == rest;
  return n;
}

// Every pass's time for each figure; the median is reported at the end.
using Samples = std::map<std::string, Latencies>;

void ReportMedians(const Samples& samples) {
  for (const auto& [name, latencies] : samples) {
    std::string all;
    for (double micros : latencies.micros()) {
      if (!all.empty()) all += ' ';
      all += std::to_string(micros / 1000);
    }
    Report::Note(name + " samples: " + all);
    Report::Result(name, latencies.PercentileMs(50), "ms");
  }
}

// One timed command that must succeed; returns the reply or nullopt (and a
// FAIL check). `name` is the result's name.
std::optional<Reply> Timed(ImapClient& imap, const std::string& name, const std::string& command,
                           Samples* samples) {
  if (name.starts_with("large.cold.")) WaitForHarness("drop");
  Clock::time_point start = Clock::now();
  Result<Reply> reply = imap.Command(command);
  if (!reply.ok() || !reply->ok()) {
    Report::Check(name, false, command + ": " + (reply.ok() ? reply->line : reply.status().ToString()));
    return std::nullopt;
  }
  (*samples)[name + "_ms"].AddSince(start);
  return std::move(*reply);
}

size_t CountFetch(const Reply& reply, std::string_view item) {
  size_t n = 0;
  for (const Untagged& u : reply.untagged) n += u.text.find(item) != std::string::npos;
  return n;
}

// One pass of the operations; `existing` messages are in the mailbox, and
// the pass appends one. `last` is the last warm pass, with which the harness
// measures the memory of a session holding the big mailbox.
bool Pass(const Target& target, const std::string& phase, int user, int64_t messages,
          int64_t existing, bool last, Samples* samples) {
  std::string p = "large." + phase + ".";
  Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
  if (!client.ok() || !(*client)->Login(UserName(user), target.password).ok()) {
    Report::Check(p + "login", false, client.ok() ? "LOGIN refused" : client.status().ToString());
    return false;
  }
  ImapClient& imap = **client;
  std::optional<Reply> r = Timed(imap, p + "select", "SELECT INBOX", samples);
  if (!r) return false;
  bool ok = UntaggedNumber(*r, "EXISTS").value_or(0) == static_cast<uint64_t>(existing);
  if (!(r = Timed(imap, p + "fetch_flags", "FETCH 1:* (FLAGS)", samples))) return false;
  ok = ok && CountFetch(*r, "FLAGS") == static_cast<size_t>(existing);
  if (!(r = Timed(imap, p + "fetch_envelope", "FETCH 1:* (ENVELOPE)", samples))) return false;
  ok = ok && CountFetch(*r, "ENVELOPE") == static_cast<size_t>(existing);
  if (!(r = Timed(imap, p + "uid_search_header",
                  "UID SEARCH HEADER Subject \"" + std::string(kTaggedSubjectWord) + "\"", samples)))
    return false;
  int64_t tagged = Expect(messages, 1000, 0);
  size_t tagged_found = SearchResults(*r).size();
  bool search_ok = tagged_found == static_cast<size_t>(tagged);
  if (!(r = Timed(imap, p + "search_text", "SEARCH TEXT \"" + std::string(kRareWord) + "\"",
                  samples)))
    return false;
  int64_t rare = Expect(messages, RareEvery(messages), RareEvery(messages) / 2);
  size_t rare_found = SearchResults(*r).size();
  search_ok = search_ok && rare_found == static_cast<size_t>(rare);
  MessageSpec spec = LargeSpec(messages + existing, messages, user);
  spec.tagged_subject = spec.rare_word = false;
  if (phase == "cold") WaitForHarness("drop");
  Clock::time_point start = Clock::now();
  Result<Reply> appended = imap.Append("INBOX", "", BuildMessage(spec));
  (*samples)[p + "append_ms"].AddSince(start);
  ok = ok && appended.ok() && appended->ok();
  Report::Check(p + "answers", ok && search_ok,
                "SELECT/FETCH counts " + std::string(ok ? "right" : "WRONG") + " (" +
                    std::to_string(existing) + "), searches " + (search_ok ? "right" : "WRONG") +
                    " (" + std::to_string(tagged_found) + " and " + std::to_string(rare_found) +
                    " hits, expected " + std::to_string(tagged) + " and " + std::to_string(rare) + ")");
  if (last) WaitForHarness("large");  // memory with the big mailbox selected
  (void)imap.Logout();
  return ok && search_ok;
}

}  // namespace

void RunLargePopulate(const Options& options, const Target& target) {
  int64_t messages = options.Int("messages", 100000);
  int user = static_cast<int>(options.Int("user", 1));
  Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
  if (!client.ok() || !(*client)->Login(UserName(user), target.password).ok()) {
    Report::Check("large.populate", false, "cannot log in");
    return;
  }
  if ((*client)->HasCapability("MULTIAPPEND") && !options.Has("lmtp-only")) {
    (void)(*client)->Logout();
    PopulateByMultiAppend(target, messages, user, options.Int("batch", 500),
                          static_cast<int>(options.Int("connections", 4)));
    return;
  }
  (void)(*client)->Logout();
  std::vector<Delivery> deliveries(static_cast<size_t>(messages));
  for (int64_t i = 0; i < messages; ++i) {
    deliveries[static_cast<size_t>(i)].spec = LargeSpec(i, messages, user);
    deliveries[static_cast<size_t>(i)].recipients = {user};
  }
  Expected expected;
  DeliveryStats stats = DeliverAll(target, deliveries, 8, &expected);
  Report::Result("large.populate_per_s", static_cast<double>(stats.transactions) / stats.seconds,
                 "msg/s");
  Report::Check("large.populate", stats.failures == 0,
                stats.failures == 0 ? std::to_string(messages) + " messages by LMTP"
                                    : stats.first_failure);
}

void RunLargeOps(const Options& options, const Target& target) {
  int64_t messages = options.Int("messages", 100000);
  int user = static_cast<int>(options.Int("user", 1));
  int passes = static_cast<int>(std::max<int64_t>(1, options.Int("passes", 3)));
  Samples samples;
  int64_t existing = messages;
  bool ok = true;
  for (int i = 0; ok && i < passes; ++i) {
    if (i > 0) WaitForHarness("restart");  // the first pass's server is fresh already
    ok = Pass(target, "cold", user, messages, existing++, false, &samples);
  }
  for (int i = 0; ok && i < passes; ++i) {
    ok = Pass(target, "warm", user, messages, existing++, i == passes - 1, &samples);
  }
  ReportMedians(samples);
}

}  // namespace satrap::bench
