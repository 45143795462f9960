// Crash safety: a child process appends and expunges and is killed with
// SIGKILL at a random moment, many times over. The child reports on a pipe
// each append and each expunge the store acknowledged (returned OK). After
// each kill (and the BDB recovery a restart runs, ctl_cyrusdb -r):
//   - nothing acknowledged is lost: every acknowledged append without
//     \Deleted is there with its exact bytes, and every \Deleted one an
//     acknowledged expunge covered stays gone;
//   - nothing half-written is visible: every message the mailbox shows is
//     complete, byte for byte one the child generated;
//   - reconstruct -n finds nothing to repair (ReconstructReport::changes is
//     empty), only cleanups of the unacknowledged operation in flight (a
//     file linked before the index commit, which is removed and never added,
//     spool/temp files of the dead child, a quota charge not yet matched by
//     the index, the file of a committed expunge not yet unlinked, a dirty
//     header);
//   - after reconstruct, reconstruct -n finds nothing.
// The parent is detached from the BDB environment while a child runs, as
// every process is when a crashed server is restarted with recovery.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "db/kv.h"
#include "mailbox/reconstruct.h"
#include "store_fixture.h"

namespace satrap::mailbox {
namespace {

constexpr int kIterations = 40;

// Message i: a subject naming it, a body long enough that writing it takes a
// moment, and a closing line that proves it is complete.
std::string MessageBytes(int i) {
  std::string data = "Subject: m" + std::to_string(i) + "\r\n\r\n";
  for (int line = 0; line < 200; ++line) data += "line " + std::to_string(line) + " of m" +
                                                std::to_string(i) + " xxxxxxxxxxxxxxxxxxxx\r\n";
  return data + "end of m" + std::to_string(i) + "\r\n";
}

// The generated index of a message, or -1 when `data` is not exactly one.
int WhichMessage(const std::string& data) {
  int i = -1;
  if (std::sscanf(data.c_str(), "Subject: m%d\r\n", &i) != 1) return -1;
  return data == MessageBytes(i) ? i : -1;
}

bool Deleted(int i) { return i % 2 == 0; }

// The child: appends message first, first+1, ... reporting "A <i> <uid>"
// and, every third one, expunges and reports "X <i>" (all \Deleted messages
// up to i are gone). Never returns normally before it is killed.
[[noreturn]] void Child(const StoreOptions& options, int first, int out) {
  auto store = Store::Open(options);
  if (!store.ok()) _exit(2);
  acl::Identity alice = (*store)->MakeIdentity("alice");
  for (int i = first; i < first + 400; ++i) {
    std::string data = MessageBytes(i);
    NewMessage m;
    m.data = data;
    m.system_flags = Deleted(i) ? kFlagDeleted : 0;
    std::string targets[] = {"user.alice"};
    auto appended = (*store)->Append(alice, std::span<const NewMessage>(&m, 1), targets, {});
    if (!appended.ok() || !(*appended)[0].ok()) _exit(3);
    std::string line = "A " + std::to_string(i) + " " + std::to_string((*appended)[0]->uids[0]) + "\n";
    if (::write(out, line.data(), line.size()) < 0) _exit(4);
    if (i % 3 != 0) continue;
    auto box = (*store)->Open(alice, "user.alice", false);
    if (!box.ok() || !(*box)->Expunge(std::nullopt).ok()) _exit(5);
    line = "X " + std::to_string(i) + "\n";
    if (::write(out, line.data(), line.size()) < 0) _exit(4);
  }
  _exit(0);
}

class CrashTest : public StoreTest {
 protected:
  // What the parent knows was acknowledged, over all iterations.
  std::map<int, uint32_t> acked_;        // message index -> uid
  std::set<int> expunged_;               // \Deleted messages an acked expunge removed
  std::set<uint32_t> acked_uids_;
  std::map<std::string, int> cleanups_seen_;  // kind of leftover -> times (for the log)

  void ReadReports(int fd) {
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      int i = 0;
      unsigned uid = 0;
      if (std::sscanf(line.c_str(), "A %d %u", &i, &uid) == 2) {
        acked_[i] = uid;
        acked_uids_.insert(uid);
      } else if (std::sscanf(line.c_str(), "X %d", &i) == 1) {
        for (const auto& [k, u] : acked_) {
          if (k <= i && Deleted(k)) expunged_.insert(k);
        }
      }
    }
  }

  // The restart after a crash: BDB recovery, then a fresh Store.
  void Restart() {
    ASSERT_TRUE(db::Environment::Recover(options_.config_directory + "/db").ok());
    Reopen();
  }

  // Nothing to repair; every cleanup a leftover of the operation in flight.
  void ExpectOnlyLeftovers(const ReconstructReport& report) {
    static const std::regex kAllowed(
        "user\\.alice: (uid ([0-9]+): message file of an uncommitted append removed|"
        "uid [0-9]+: file of an expunged message removed|"
        "leftover (\\.satrap-(append|copy)-[0-9]+-.*|cyrus\\.(index|header|cache)\\.[0-9]+\\.tmp) "
        "of a dead process removed|"
        "index left dirty by a dead writer|"
        "[0-9]+ cache records rebuilt)|"
        "quota root user\\.alice: .*");
    EXPECT_TRUE(report.errors.empty());
    EXPECT_TRUE(report.clean());
    for (const std::string& change : report.changes) {
      ADD_FAILURE() << "repair after a kill: " << change;
    }
    for (const std::string& cleanup : report.cleanups) {
      ++cleanups_seen_[std::regex_replace(cleanup, std::regex("[0-9]+"), "N")];
      std::smatch match;
      EXPECT_TRUE(std::regex_match(cleanup, match, kAllowed)) << "unexpected cleanup: " << cleanup;
      if (match[2].matched) {
        EXPECT_EQ(acked_uids_.count(static_cast<uint32_t>(std::stoul(match[2]))), 0u)
            << "the file of an acknowledged message would be removed: " << cleanup;
      }
    }
  }

  // Acknowledged messages present, expunged ones absent, nothing partial.
  void ExpectMailboxHoldsWhatWasAcked() {
    auto box = store_->Open(User("alice"), "user.alice", true);
    ASSERT_TRUE(box.ok()) << box.status().ToString();
    std::set<uint32_t> visible;
    for (uint32_t msgno = 1; msgno <= (*box)->exists(); ++msgno) {
      Result<std::string> data = (*box)->ReadMessage(msgno);
      ASSERT_TRUE(data.ok()) << data.status().ToString();
      EXPECT_GE(WhichMessage(*data), 0) << "uid " << (*box)->Uid(msgno) << " is not complete";
      visible.insert((*box)->Uid(msgno));
    }
    for (const auto& [i, uid] : acked_) {
      if (expunged_.count(i)) {
        EXPECT_EQ(visible.count(uid), 0u) << "expunged message " << i << " is back";
      } else if (!Deleted(i)) {
        EXPECT_EQ(visible.count(uid), 1u) << "acknowledged message " << i << " was lost";
      }
    }
  }
};

TEST_F(CrashTest, SigkillDuringAppendAndExpungeLosesNothingAcknowledged) {
  ASSERT_TRUE(store_->CreateUser("alice").ok());
  ASSERT_TRUE(store_->SetQuota(admin_, "user.alice", 1000000, -1).ok());
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  int next = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    // The parent lets go of the BDB environment while the child runs: a child
    // killed inside BDB holding a region mutex would hang any process still
    // attached (db/kv.h); a restart runs recovery with nobody attached.
    store_.reset();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      Child(options_, next, fds[1]);
    }
    ::close(fds[1]);
    ::usleep(std::uniform_int_distribution<useconds_t>(2000, 150000)(random));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own: " << status;
    ReadReports(fds[0]);
    ::close(fds[0]);
    next += 400;
    Restart();
    ReconstructReport dry = *Reconstruct(*store_, {}, {false, false, true});
    ExpectOnlyLeftovers(dry);
    ExpectMailboxHoldsWhatWasAcked();
    ReconstructReport fixed = *Reconstruct(*store_, {}, {false, false, false});
    EXPECT_TRUE(fixed.errors.empty());
    ReconstructReport after = *Reconstruct(*store_, {}, {false, false, true});
    EXPECT_TRUE(after.clean()) << (after.changes.empty() ? "" : after.changes[0]);
    EXPECT_TRUE(after.cleanups.empty()) << after.cleanups[0];
    ExpectMailboxHoldsWhatWasAcked();
    if (HasFailure()) break;
  }
  EXPECT_GT(acked_.size(), 20u) << "the kills came too early to test anything";
  std::printf("%zu appends and %zu expunged messages acknowledged; leftovers cleaned up:\n",
              acked_.size(), expunged_.size());
  for (const auto& [kind, times] : cleanups_seen_) std::printf("  %3d x %s\n", times, kind.c_str());
}

}  // namespace
}  // namespace satrap::mailbox
