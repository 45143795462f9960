// Mailbox: one opened mailbox and one session's view of it.
//
// Opened by Store::Open() (SELECT / EXAMINE), closed by destruction. While
// open it holds the shared open lock on cyrus.index (index_file.h) and keeps:
//   - the index mapped (index_map.h): the header as of the last Refresh() and
//     the records in place, each block checked when first read and again
//     where it changed;
//   - the session's view: message sequence numbers (msgno, 1-based) mapped
//     to uids and record positions, which messages are \Recent for this
//     session; the last highest modseq it reported. While the index holds no
//     record the session does not show (the usual case) message n is simply
//     record n - 1 and \Recent a range: SELECT reads the header and a few
//     blocks, not the whole index. Once it holds some (expunged, pending
//     expunge), the view is listed, 8 bytes a message.
//
// Damaged records (index_format.h) are never served. A command checks the
// records it will read with Verify() (imapd's message sets, SEARCH,
// STATUS; the library's COPY and POP3's maildrop check their own) and fails
// with kCorrupt if one is damaged; from then on every Verify() of the
// session fails, until the mailbox is reconstructed and selected again.
//
// Expunges (the Cyrus choice, "delayed expunge"): an expunge marks records
// expunged in place and unlinks their files at once; records stay in
// cyrus.index until nobody has the mailbox open (the closer that gets the open
// lock exclusively compacts the file). So a session never loses track of a
// message it still numbers: Refresh(false) keeps messages expunged by others
// in the view (their flags stay readable; their body reads give kNotFound,
// which imapd answers with NO as RFC 2180 §4.1.2 allows) until a command that
// may announce EXPUNGE calls Refresh(true). Dovecot's alternative (a
// transaction log per mailbox) gives O(changes) refreshes but doubles the
// files per append; with fixed 96-byte records mapped, a refresh after a
// change checks the records whose modseq moved.
//
// Flags are read live from the mapping, so a FETCH may show another
// session's change before the next Refresh() announces it (harmless: the
// announcement follows, as RFC 3501 §7 allows unsolicited FETCH responses).
//
// \Recent (RFC 3501 §2.3.2): the first read-write session to see a message
// claims it, through recent_uid in the index header; EXAMINE (and STATUS)
// never claims, and sees \Recent on the messages not claimed yet.
//
// Per-user \Seen: the owner's \Seen is the record's flag; for anybody else
// the seen state lives in their own seen file (seen.h), keyed by unique id,
// and is merged into Flags(). Without the `s` right \Seen changes are not
// kept (RFC 4314 §4).
//
// A Mailbox borrows its Store, which must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "acl/identity.h"
#include "acl/rights.h"
#include "base/file.h"
#include "base/result.h"
#include "mailbox/header_file.h"
#include "mailbox/index_file.h"
#include "mailbox/index_map.h"
#include "mailbox/mboxlist.h"

namespace satrap::mailbox {

class Store;
class SeenState;
struct CacheRun;

struct MessageFlags {
  uint32_t system = 0;  // kFlag* (never kFlagExpunged)
  KeywordBits keywords{};
  bool recent = false;
  uint64_t modseq = 0;

  bool HasKeyword(int n) const { return (keywords[n / 32] >> (n % 32)) & 1u; }
};

// What changed since the last Refresh(), in the order imapd must report it
// (RFC 3501 §7.4.1, §7.3.1; RFC 7162 for modseqs).
struct RefreshChanges {
  // Sequence numbers of removed messages, highest first, each valid at the
  // moment its "* n EXPUNGE" is sent.
  std::vector<uint32_t> expunged;
  bool exists_changed = false;
  uint32_t exists = 0;
  uint32_t recent = 0;
  // Messages whose flags changed (numbers after the expunges), ascending:
  // "* n FETCH (FLAGS (...) MODSEQ (m))".
  std::vector<uint32_t> flags_changed;
  // New keyword names: resend FLAGS and PERMANENTFLAGS.
  bool keywords_changed = false;
  // The mailbox was deleted or renamed away under us: imapd closes it.
  bool mailbox_gone = false;
};

enum class FlagOp { kReplace, kAdd, kRemove };

struct FlagChange {
  FlagOp op = FlagOp::kAdd;
  uint32_t system = 0;
  std::vector<std::string> keywords;
  // CONDSTORE UNCHANGEDSINCE (RFC 7162 §3.1.3).
  std::optional<uint64_t> unchanged_since;
};

struct StoreOutcome {
  std::vector<uint32_t> changed;   // msgnos whose flags changed
  std::vector<uint32_t> modified;  // msgnos refused by UNCHANGEDSINCE ([MODIFIED ...])
};

class Mailbox {
 public:
  ~Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  const std::string& name() const { return entry_.name; }
  const MailboxEntry& entry() const { return entry_; }
  const std::string& uniqueid() const { return entry_.uniqueid; }
  acl::Rights rights() const { return rights_; }
  bool read_only() const { return read_only_; }

  uint32_t uidvalidity() const { return index_map_.header.uidvalidity; }
  uint32_t uidnext() const { return index_map_.header.uidnext; }
  uint64_t highestmodseq() const { return index_map_.header.highestmodseq; }
  // Messages in this session's view.
  uint32_t exists() const {
    return identity_ ? identity_count_ : static_cast<uint32_t>(view_.size());
  }
  uint32_t recent_count() const;
  // First message without \Seen (for "[UNSEEN n]"), or 0. kCorrupt as
  // Verify(). A read-write session of the owner raises the index's
  // unseen_lowwater hint to what it found.
  Result<uint32_t> FirstUnseen();

  // Checks the index records of msgnos first..last (the blocks not checked
  // yet), before a command reads them; an empty or out-of-range span is
  // fine. kCorrupt when one is damaged, and for every call after that.
  Status Verify(uint32_t first, uint32_t last) const;
  // The same for the msgnos listed (any order): those close together are
  // checked in one go, the blocks far from any of them not at all.
  Status Verify(std::span<const uint32_t> msgnos) const;
  // Keyword names; bit n of IndexRecord::keywords is keywords()[n].
  const std::vector<std::string>& keywords() const { return header_.keywords; }

  // msgno is 1..exists(); out-of-range is a bug (CHECK). The records read
  // must have passed Verify() (see the header comment).
  uint32_t Uid(uint32_t msgno) const;
  // The message's index record. Its fixed fields (uid, dates, sizes, cache
  // location, GUID) are exact; for flags, keywords and modseq ask Flags(),
  // which reads them consistently.
  IndexRecord Record(uint32_t msgno) const;
  MessageFlags Flags(uint32_t msgno) const;
  // True when another session expunged it and the view has not reported it.
  bool IsExpungePending(uint32_t msgno) const;
  // The msgno of `uid`, or 0 if not in the view.
  uint32_t MsgnoOfUid(uint32_t uid) const;
  // The first msgno whose uid is >= `uid` (exists() + 1 if none): for
  // turning UID ranges into msgno ranges.
  uint32_t LowerBoundUid(uint32_t uid) const;

  // Looks at the index and updates the view. With allow_expunges false,
  // messages expunged elsewhere stay in the view (see the header comment).
  // kCorrupt: the index is damaged (run reconstruct); it is never served.
  Result<RefreshChanges> Refresh(bool allow_expunges);

  // STORE: needs `w` for \Answered \Flagged \Draft and keywords, `t` for
  // \Deleted, `s` for \Seen; flags the caller lacks rights for are dropped,
  // and kNoPermission when nothing is left. kNoPermission in a read-only
  // (EXAMINE) view. Each change gets a new modseq.
  Result<StoreOutcome> StoreFlags(std::span<const uint32_t> msgnos, const FlagChange& change);

  // EXPUNGE (`uids` unset) or UID EXPUNGE (RFC 4315): removes \Deleted
  // messages; needs `e`. Then refreshes the view with expunges allowed and
  // returns what to report (EXPUNGEs highest first, then EXISTS/FETCH).
  // Quota usage drops accordingly.
  Result<RefreshChanges> Expunge(std::optional<std::span<const uint32_t>> uids);

  // The message file, for FETCH BODY[] and friends. kNotFound when it has
  // been expunged meanwhile.
  Result<UniqueFd> OpenMessage(uint32_t msgno) const;
  Result<std::string> ReadMessage(uint32_t msgno) const;
  // The cache payload of msgno (mime/ serialisation), checked; rebuilt from
  // the message file if the cache record is damaged.
  Result<std::string> CachePayload(uint32_t msgno) const;
  // Asks the kernel to start reading the cache records of msgnos
  // first..last (posix_fadvise WILLNEED): a scan's batches after the one
  // being read are then on their way from the disk too.
  void PrefetchCache(uint32_t first, uint32_t last) const;
  // Payloads of msgnos first..last with one sequential read of cyrus.cache,
  // into `run` (cache_batches.h): views into one buffer, no copy each. May
  // run on a helper thread while the caller reads other messages, so the
  // msgnos must have passed Verify() (nothing is then checked, or changed,
  // on the way).
  Status ReadCacheRun(uint32_t first, uint32_t last, CacheRun* run) const;
  // The byte range of cyrus.cache holding the records of msgnos first..last.
  std::pair<uint64_t, uint64_t> CacheSpan(uint32_t first, uint32_t last) const;
  // Where msgno's record is in cyrus.cache: offset and length.
  std::pair<uint64_t, uint32_t> CacheLocation(uint32_t msgno) const;

  // MOVE's second half (RFC 6851): expunges exactly `uids` (needs `t` and
  // `e`), whatever their \Deleted flag.
  Status ExpungeMoved(const std::vector<uint32_t>& uids);
  // Expunges exactly `uids` whatever their \Deleted flag (needs `t` and `e`;
  // a maildrop opened without popuseacl has them): MOVE's second half and
  // pop3d's UPDATE state (RFC 1939 §6) at QUIT. Uids already expunged by
  // others are skipped. Quota usage drops accordingly. Does not touch the
  // view: call Refresh() to see the result. ExpungeMoved is the old name.
  Status ExpungeUids(const std::vector<uint32_t>& uids) { return ExpungeMoved(uids); }

  // --- POP3 (Store::OpenMaildrop) -------------------------------------------
  // The last POP3 login recorded in the index (unix seconds, 0 = never).
  int64_t pop3_last_login() const { return index_map_.header.pop3_last_login; }
  // Records `when` as the last POP3 login (popminpoll), under the index lock.
  // pop3d calls it when the session ends in the UPDATE state, as Cyrus does.
  Status SetPop3LastLogin(int64_t when);

  // The folder's descriptor (for copy.cc / the tools).
  int dir_fd() const { return dir_fd_.get(); }

 private:
  friend class Store;
  // 8 bytes: a session on 100,000 messages keeps 800 KB of view.
  struct ViewEntry {
    uint32_t uid;
    uint32_t record : 30;  // position in index_map_.records, kNoRecord if gone
    uint32_t recent : 1;
    uint32_t expunge_pending : 1;
  };
  static constexpr uint32_t kNoRecord = kMaxIndexRecords;

  Mailbox(Store* store, MailboxEntry entry, acl::Identity who, acl::Rights rights,
          bool read_only);
  Status OpenFiles(const std::string& folder);
  Status ClaimRecent();            // take the new \Recent (read-only: just see it)
  Status MarkRecentAbove(uint32_t uid);  // \Recent for the view's messages above uid
  void Rebind();                   // view_ record positions after a reload
  // Whether every record of the index enters this session's view, by the
  // header's counts (so that the view may stay an identity).
  bool ShowsAll() const;
  // Turns an identity view into a list (checking every record).
  Status ListView();
  // The record position of msgno (kNoRecord if it left with a replaced
  // file); the Checked form checks its block first if needed.
  uint32_t PositionOf(uint32_t msgno) const;
  uint32_t CheckedPositionOf(uint32_t msgno) const;
  bool IsRecent(uint32_t msgno) const;
  // Checks records [begin, end); on damage logs it, marks the session
  // damaged and returns kCorrupt.
  Status CheckPositions(uint32_t begin, uint32_t end) const;
  Status CheckPosition(uint32_t position) const;
  Status Damaged() const;
  void RaiseUnseenLowwater(uint32_t lowwater);
  // Commits `header` (from index_->Begin()) with a change to a hint field
  // (recent_uid, unseen_lowwater), unsynced, into the mapping's header too.
  Status CommitHeaderHint(const IndexHeader& header);
  // The record at `position`, flags included, read consistently: a record
  // caught mid-rewrite by another process is read again under the index
  // lock. nullopt (and a logged error) when even that fails the CRC.
  std::optional<IndexRecord> CurrentRecord(uint32_t position) const;
  // What Merge() must look at after the index was mapped again.
  struct MergeScope {
    bool moved = false;      // a new file: record positions changed
    bool rewritten = true;   // records before first_new may have changed
    uint32_t first_new = 0;  // records from here on were not seen before
  };
  Result<RefreshChanges> Merge(bool allow_expunges, const MergeScope& scope);
  Result<RefreshChanges> MergeIdentity(const MergeScope& scope);
  Status ReadKeywordsIfChanged();
  void TryCompact();
  // Marks `uids` expunged (only \Deleted ones when `require_deleted`),
  // drops their quota usage and unlinks their files.
  Status ExpungeMatching(const std::vector<uint32_t>* uids, bool require_deleted);
  // Whether a record enters this session's view.
  bool Shows(uint32_t position) const {
    const uint32_t flags = index_map_.records.SystemFlags(position);
    return !(flags & kFlagExpunged) && !(hide_deleted_ && (flags & kFlagDeleted));
  }

  Store* store_;
  MailboxEntry entry_;
  acl::Identity who_;
  acl::Rights rights_;
  bool read_only_;
  bool is_owner_ = false;
  UniqueFd dir_fd_;
  std::unique_ptr<IndexFile> index_;
  MailboxHeader header_;
  MappedIndex index_map_;
  // Identity view: message n is record n - 1, n <= identity_count_; records
  // [recent_begin_, recent_end_) are \Recent. Otherwise view_.
  bool identity_ = false;
  uint32_t identity_count_ = 0;
  uint32_t recent_begin_ = 0;
  uint32_t recent_end_ = 0;
  std::vector<ViewEntry> view_;
  // A damaged record was found: every Verify() fails from now on.
  mutable bool damaged_ = false;
  // Modseqs this session's own STOREs gave (by uid), already answered: not
  // announced again by the next Refresh(), which clears them.
  std::unordered_map<uint32_t, uint64_t> reported_modseqs_;
  uint64_t view_modseq_ = 0;
  uint32_t expunges_pending_ = 0;  // view entries with expunge_pending
  uint32_t view_last_uid_ = 0;
  std::unique_ptr<SeenState> seen_;  // non-owners only
  // Maildrop sessions (Store::OpenMaildrop): POP3 is not an IMAP session, so
  // it never claims \Recent; with popuseimapflags it does not see \Deleted
  // messages; it holds the POP3 lock (an flock of the folder) until closed.
  bool claims_recent_ = true;
  bool hide_deleted_ = false;
  UniqueFd pop_lock_;
};

}  // namespace satrap::mailbox
