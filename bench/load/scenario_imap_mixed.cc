// Scenario 2: a busy office. Each of --clients threads owns a slice of the
// users (so no two threads share a mailbox and every check is exact) and
// loops over them for --seconds: LOGIN, LIST, STATUS, SELECT, FETCH of
// flags, envelopes and a body, STORE, APPEND (read back and compared byte
// for byte), STORE \Deleted + EXPUNGE of the oldest message, LOGOUT. Each
// session appends one message and expunges one, so mailbox sizes stay put;
// the final check is that every INBOX holds --prefill messages again.
#include <atomic>
#include <map>

#include "imap_client.h"
#include "message.h"
#include "scenarios.h"

namespace satrap::bench {
namespace {

struct ClientStats {
  std::map<std::string, Latencies> by_command;
  uint64_t sessions = 0;
  uint64_t failures = 0;
  std::string first_failure;
};

class Session {
 public:
  Session(ImapClient& imap, ClientStats* stats) : imap_(imap), stats_(stats) {}

  // One timed command; kInvalid on a NO/BAD reply.
  Result<Reply> Run(const std::string& kind, const std::string& command) {
    Clock::time_point start = Clock::now();
    Result<Reply> reply = imap_.Command(command);
    stats_->by_command[kind].AddSince(start);
    if (reply.ok() && !reply->ok()) return Status::Invalid(command + ": " + reply->line);
    return reply;
  }

 private:
  ImapClient& imap_;
  ClientStats* stats_;
};

// Appends a fresh message and reads it back; "" or what went wrong.
std::string AppendAndCheck(ImapClient& imap, Session& session, ClientStats* stats, int user,
                           uint64_t serial) {
  MessageSpec spec;
  spec.message_id = "mixed-" + std::to_string(user) + "-" + std::to_string(serial) + "@bench.satrap";
  spec.to = UserAddress(user);
  spec.seed = 7000000 + serial * 131 + static_cast<uint64_t>(user);
  spec.max_attachment = 100 * 1024;
  std::string message = BuildMessage(spec);
  Clock::time_point start = Clock::now();
  Result<Reply> appended = imap.Append("INBOX", "\\Seen", message);
  stats->by_command["APPEND"].AddSince(start);
  if (!appended.ok()) return appended.status().ToString();
  if (!appended->ok()) return "APPEND: " + appended->line;
  std::optional<uint64_t> uid = AppendUid(*appended);
  if (!uid) {
    Result<Reply> found =
        session.Run("UID SEARCH", "UID SEARCH HEADER Message-ID \"" + spec.message_id + "\"");
    if (!found.ok()) return found.status().ToString();
    std::vector<uint64_t> uids = SearchResults(*found);
    if (uids.size() != 1) return "appended message found " + std::to_string(uids.size()) + " times";
    uid = uids[0];
  }
  Result<Reply> fetched = session.Run("UID FETCH", "UID FETCH " + std::to_string(*uid) + " (BODY.PEEK[])");
  if (!fetched.ok()) return fetched.status().ToString();
  const std::string* body = nullptr;
  for (const Untagged& u : fetched->untagged) {
    if (const std::string* b = FetchLiteral(u, "BODY[]")) body = b;
  }
  if (body == nullptr) return "UID FETCH of the appended message returned no body";
  if (*body != message) return "appended message read back differs (" + std::to_string(body->size()) +
                               " bytes, sent " + std::to_string(message.size()) + ")";
  return "";
}

// One full office session for `user`; "" or what went wrong.
std::string OfficeSession(const Target& target, int user, uint64_t serial, uint64_t* rng,
                          ClientStats* stats) {
  Clock::time_point start = Clock::now();
  Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
  if (!client.ok()) return client.status().ToString();
  ImapClient& imap = **client;
  Status login = imap.Login(UserName(user), target.password);
  stats->by_command["LOGIN"].AddSince(start);  // connect + greeting + LOGIN
  if (!login.ok()) return login.ToString();
  Session s(imap, stats);
  Result<Reply> r = s.Run("LIST", "LIST \"\" \"*\"");
  if (r.ok()) r = s.Run("STATUS", "STATUS INBOX (MESSAGES UNSEEN UIDNEXT)");
  if (!r.ok()) return r.status().ToString();
  r = s.Run("SELECT", "SELECT INBOX");
  if (!r.ok()) return r.status().ToString();
  uint64_t exists = UntaggedNumber(*r, "EXISTS").value_or(0);
  if (exists > 0) {
    *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
    std::string n = std::to_string(1 + (*rng >> 33) % exists);
    std::string first = std::to_string(exists > 20 ? exists - 19 : 1);
    r = s.Run("FETCH", "FETCH 1:* (FLAGS)");
    if (r.ok()) r = s.Run("FETCH", "FETCH " + first + ":* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)");
    if (r.ok()) r = s.Run("FETCH", "FETCH " + n + " (BODYSTRUCTURE BODY[])");
    if (r.ok()) r = s.Run("STORE", "STORE " + n + " +FLAGS (\\Flagged)");
    if (!r.ok()) return r.status().ToString();
  }
  std::string problem = AppendAndCheck(imap, s, stats, user, serial);
  if (!problem.empty()) return problem;
  r = s.Run("STORE", "STORE 1 +FLAGS (\\Deleted)");
  if (r.ok()) r = s.Run("EXPUNGE", "EXPUNGE");
  if (r.ok()) r = s.Run("LOGOUT", "LOGOUT");
  if (!r.ok()) return r.status().ToString();
  ++stats->sessions;
  return "";
}

void CheckFinalCounts(const Target& target, int per_user) {
  int wrong = 0;
  std::string first;
  for (int user = 1; user <= target.users; ++user) {
    Result<std::unique_ptr<ImapClient>> client = ImapClient::Connect(target.imap);
    Result<uint64_t> exists = Status::Internal("not connected");
    if (client.ok() && (*client)->Login(UserName(user), target.password).ok()) {
      exists = (*client)->Select("INBOX");
      (void)(*client)->Logout();
    }
    if (!exists.ok() || *exists != static_cast<uint64_t>(per_user)) {
      if (++wrong == 1) {
        first = UserName(user) + ": " +
                (exists.ok() ? std::to_string(*exists) + " messages" : exists.status().ToString());
      }
    }
  }
  Report::Check("imap_mixed.final_counts", wrong == 0,
                wrong == 0 ? "every INBOX holds " + std::to_string(per_user) + " messages again"
                           : std::to_string(wrong) + " INBOXes wrong; first " + first);
}

}  // namespace

void RunImapMixed(const Options& options, const Target& target) {
  int clients = static_cast<int>(options.Int("clients", 10));
  double seconds = static_cast<double>(options.Int("seconds", 30));
  int per_user = static_cast<int>(options.Int("prefill", 20));
  if (!Prefill(target, per_user, "imap_mixed", 100 * 1024)) return;
  std::vector<ClientStats> stats(static_cast<size_t>(clients));
  Clock::time_point start = Clock::now();
  RunThreads(clients, [&](int k) {
    ClientStats* mine = &stats[static_cast<size_t>(k)];
    uint64_t rng = static_cast<uint64_t>(k) + 1;
    uint64_t serial = 0;
    for (int user = 1 + k; SecondsSince(start) < seconds; user += clients) {
      if (user > target.users) user = 1 + k;
      if (user > target.users) break;  // fewer users than clients
      std::string problem = OfficeSession(target, user, static_cast<uint64_t>(k) * 1000000 + serial++, &rng, mine);
      if (!problem.empty() && mine->failures++ == 0) mine->first_failure = problem;
    }
  });
  double elapsed = SecondsSince(start);
  Latencies all;
  std::map<std::string, Latencies> by_command;
  uint64_t sessions = 0, failures = 0;
  std::string first_failure;
  for (const ClientStats& c : stats) {
    for (const auto& [kind, lat] : c.by_command) {
      all.Merge(lat);
      by_command[kind].Merge(lat);
    }
    sessions += c.sessions;
    failures += c.failures;
    if (first_failure.empty()) first_failure = c.first_failure;
  }
  Report::Result("imap_mixed.commands_per_s", static_cast<double>(all.count()) / elapsed, "cmd/s");
  Report::Result("imap_mixed.logins_per_s", static_cast<double>(by_command["LOGIN"].count()) / elapsed,
                 "login/s");
  Report::Percentiles("imap_mixed.latency", all);
  for (const auto& [kind, lat] : by_command) {
    std::string name = kind;
    for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(tolower(c));
    Report::Percentiles("imap_mixed." + name, lat);
  }
  Report::Check("imap_mixed.sessions", failures == 0,
                failures == 0 ? std::to_string(sessions) + " sessions, every APPEND read back equal"
                              : std::to_string(failures) + " sessions failed; first: " + first_failure);
  CheckFinalCounts(target, per_user);
}

}  // namespace satrap::bench
