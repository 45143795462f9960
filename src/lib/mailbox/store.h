// Store: the mail store of one configuration, opened once per process.
//
// It owns the Berkeley DB environment (<configdirectory>/db) with
// mailboxes.db and quota.db, the partitions, the namespace settings and the
// rules (defaultacl, admins, umask, autocreate). There are no globals: every
// server and tool opens one Store from its Config and passes it down.
//
// Rights and quota are enforced HERE, never in the servers. Every operation
// takes the caller's acl::Identity (servers build it once per session, with
// its groups resolved by auth/) and answers with a Status code:
//   kNotFound      no such mailbox, OR the caller may not even see it: a user
//                  without `l` (or `r` where reading is asked) cannot tell a
//                  missing mailbox from a forbidden one (RFC 4314 §4)
//   kNoPermission  the mailbox is visible (`l`) but the right is missing
//   kExists        create/rename onto an existing name
//   kOverQuota     a quota root would be (strict) or is (delivery) exceeded
//   kInvalid       a bad name; kTempFail: a lock or db conflict, retry later
// Names here are INTERNAL names; translate client names with ns() first.
//
// Lock order (see index_file.h): mailbox open lock -> mailbox index lock ->
// one short db transaction. Store methods never wait for an index lock inside
// a db transaction, and hold one index lock at a time, except RENAME to
// another partition, which holds its subtree's index locks (taken in key
// order, one after the other) across its commit.
//
// Not thread-safe: one Store per process (workers are single-threaded).
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "acl/identity.h"
#include "base/result.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "mailbox/mboxlist.h"
#include "mailbox/namespace.h"
#include "mailbox/partition.h"
#include "quota/quota.h"

namespace satrap::mailbox {

class Mailbox;

struct StoreOptions {
  std::string config_directory;
  Partitions partitions;
  bool hashimapspool = false;
  NamespaceOptions ns;
  mode_t umask = 077;
  std::string defaultacl = "anyone lrs";  // imapd.conf: "id rights id rights ..."
  std::vector<std::string> admins;
  acl::RightsSyntax rights_syntax;
  acl::Rights implicit_owner_rights =
      acl::kLookup | acl::kCreateMailbox | acl::kDeleteMailbox | acl::kAdmin | acl::kAnnotate;
  // autocreatequota (Cyrus 2: 0 off, <0 unlimited, >0 KiB) or autocreate_quota
  // (Cyrus 3: -1 off, 0 unlimited): users' INBOXes are made on first use.
  bool autocreate = false;
  int64_t autocreate_quota_kb = -1;  // -1: no STORAGE limit
  int64_t autocreate_quota_messages = -1;
  std::vector<std::string> autocreate_inbox_folders;  // "Sent|Drafts" -> {"Sent","Drafts"}
  int quotawarn = 90;
  int64_t quotawarn_kb = 0;   // quotawarnkb
  int64_t quotawarn_msg = 0;  // quotawarnmsg
  bool durable = true;  // false only for throughput tests: db commits skip fsync

  // Reads every option above from imapd.conf (configdirectory, partition-*,
  // defaultpartition, hashimapspool, altnamespace, unixhierarchysep,
  // virtdomains, userprefix, sharedprefix, umask, defaultacl, admins,
  // autocreatequota / autocreate_quota, autocreate_inbox_folders, quotawarn).
  static StoreOptions FromConfig(const config::Config& config);
};

// How an append is checked.
struct AppendPolicy {
  // kStrict for IMAP APPEND/COPY/MOVE, kDelivery for LMTP.
  quota::QuotaCheck quota_check = quota::QuotaCheck::kStrict;
  // The right the caller needs: `i` for IMAP, `p` for LMTP to a +mailbox.
  acl::Rights required = acl::kInsert;
  // lmtpd delivering to a user's own INBOX hierarchy by address: no ACL check
  // (the owner's mail must reach her regardless of her ACL).
  bool trusted_delivery = false;
};

// One message to append: either `data`, the whole message (CRLF line ends),
// valid during the call; or, when `spool_fd` >= 0, the `spool_size` bytes of
// that file from `spool_offset` (then `data` is ignored). A spool file is
// never read into memory: the store maps it read-only to parse it and copies
// it into the partition in chunks. With `spool_handoff` the caller hands the
// file over: when it holds exactly the message (offset 0, size = spool_size)
// and the partition is on the same file system, the store hard-links it into
// place instead of copying (no second write; one fdatasync of the spool file),
// and may fchmod it to the mailbox file mode. A handed-over file must never be
// written again (lmtpd's Reset() truncation would destroy stored mail): close
// it and use a fresh spool file for the next message. An O_TMPFILE file (not
// opened O_EXCL) can be linked; an unlinked mkstemp file cannot (it is copied).
struct NewMessage {
  std::string_view data;
  int spool_fd = -1;
  uint64_t spool_offset = 0;
  uint64_t spool_size = 0;
  bool spool_handoff = false;
  uint32_t system_flags = 0;           // index_format.h kFlag*; \Recent is never stored
  std::vector<std::string> keywords;   // IMAP keywords to set
  int64_t internal_date = 0;           // unix seconds; 0 means now
  int16_t date_zone_minutes = 0;
};

struct AppendResult {
  uint32_t uidvalidity = 0;
  std::vector<uint32_t> uids;  // one per message, in order (RFC 4315 APPENDUID)
  // quotawarn: set when, after this append, the governing quota root is at
  // or over quotawarn % of a limit (with quotawarnkb / quotawarnmsg); the
  // root as it is now. imapd shows it as an [ALERT]; lmtpd logs it.
  std::optional<quota::QuotaRoot> quota_warning;
  // True when this append took the root over the warning level (it was
  // below before): warn once, e.g. in the log.
  bool quota_warning_new = false;
};

struct CopyResult {
  uint32_t uidvalidity = 0;          // of the target (RFC 4315 COPYUID)
  std::vector<uint32_t> source_uids;
  std::vector<uint32_t> uids;        // in the target, same order
  std::optional<quota::QuotaRoot> quota_warning;  // as in AppendResult
  bool quota_warning_new = false;
};

// How pop3d opens a user's maildrop (Store::OpenMaildrop); the imapd.conf
// options of the same names.
struct MaildropOptions {
  // no (Cyrus default): the owner may read and delete in her INBOX whatever
  // its ACL says. yes: her ACL rights apply: `r` to open (kNotFound without
  // `l` and `r`, kNoPermission with `l` only), `t` and `e` to delete, `s` to
  // set \Seen.
  bool popuseacl = false;
  // yes: \Deleted messages are not part of the maildrop, and pop3d marks the
  // retrieved ones \Seen at QUIT (StoreFlags, before ExpungeUids).
  bool popuseimapflags = false;
  // popminpoll, in seconds: logins closer together than this are refused
  // with kRateLimited (POP3's login delay). 0: no limit.
  int64_t popminpoll_seconds = 0;
  // popsubfolders: "user+folder" logins open INBOX.<folder> (internal
  // component spelling, e.g. "Lists.satrap"); empty: the INBOX.
  std::string folder;
  int64_t now = 0;  // the login time; 0: time(nullptr)

  // popuseacl, popuseimapflags, popminpoll from imapd.conf.
  static MaildropOptions FromConfig(const config::Config& config);
};

// A quota root whose recorded usage was wrong (Store::RecountQuotaRoot).
struct QuotaFix {
  quota::QuotaRoot before;  // as it was recorded
  uint64_t used_bytes = 0;  // as counted from the index files
  uint64_t used_messages = 0;
};

// LIST result row.
struct ListEntry {
  std::string name;  // internal
  acl::Rights rights;
  bool has_children = false;
  bool selectable = true;  // false for a hierarchy level that has no mailbox of its own
  // false for such a level: LIST shows it \Noselect (RFC 3501 §7.2.2), or
  // \NonExistent under LIST-EXTENDED (RFC 5258 §3, which implies \Noselect).
  // `rights` is empty for it.
  bool exists = true;
  uint32_t special_use = 0;  // special_use.h kUse* bits (RFC 6154)
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  const StoreOptions& options() const { return options_; }
  const Namespace& ns() const { return ns_; }
  db::Environment& env() { return *env_; }
  // For a worker whose client went quiet: gives back what only a running
  // database call needs (db::Environment::ReleaseWhileIdle).
  void ReleaseWhileIdle() { env_->ReleaseWhileIdle(); }
  MailboxList& mboxlist() { return *mboxlist_; }
  quota::QuotaDb& quotas() { return *quotas_; }
  mode_t file_mode() const { return 0666 & ~options_.umask; }
  mode_t dir_mode() const { return 0777 & ~options_.umask; }

  // An identity for `userid` with `groups` (already resolved by auth/), with
  // is_admin set from `admins:`.
  acl::Identity MakeIdentity(std::string_view userid, std::vector<std::string> groups = {}) const;

  // --- rights ---------------------------------------------------------
  // The caller's rights on an existing mailbox (MYRIGHTS). kNotFound when
  // missing or when the caller has no right at all.
  Result<acl::Rights> RightsOn(const acl::Identity& who, std::string_view name);
  // The rights `who` has under `entry`'s ACL.
  acl::Rights Evaluate(const MailboxEntry& entry, const acl::Identity& who) const;

  // --- mailbox management (store_manage.cc) ----------------------------
  // CREATE: kExists first when `name` exists and the caller may see it (`l`),
  // as Cyrus; then needs `k` on the parent (or, at the top of a hierarchy,
  // admin; a user's own folders are hers by the owner rules). The new mailbox
  // gets its parent's ACL, or defaultacl (plus, for a user's INBOX, the
  // owner's `lrswipkxtecdan`: Cyrus's ACL_ALL, without the user rights 0-9). `partition` "" means the parent's, or defaultpartition.
  // `special_use` (special_use.h kUse* bits): RFC 6154 CREATE-SPECIAL-USE;
  // kNoPermission, before anything is created, unless `who` owns `name` or
  // is an admin.
  Status Create(const acl::Identity& who, std::string_view name, std::string_view partition = "",
                uint32_t special_use = 0);
  // Replaces the special-use attributes of `name` (0 clears them): the owner
  // (a mailbox in her INBOX hierarchy) or an admin, who must also see it
  // (`l`); kNoPermission for others. They follow RENAME, go with DELETE.
  Status SetSpecialUse(const acl::Identity& who, std::string_view name, uint32_t special_use);
  // DELETE: needs `x`. An admin deleting a user's INBOX removes the user's
  // whole hierarchy and quota root.
  Status Delete(const acl::Identity& who, std::string_view name);
  // RENAME with every child: needs `x` on `from` and `k` on `to`'s parent.
  // Keeps unique ids, ACLs, flags and seen state; moves quota usage between
  // roots. `partition` (admins only; Cyrus's third RENAME argument) moves the
  // subtree to that partition (copy, commit, remove the old folders); with
  // `to` == `from` it moves just that mailbox. A user renaming her own INBOX
  // (RFC 3501 §6.3.5) gets a new folder `to` beneath it holding every INBOX
  // message; the INBOX stays, empty, with its sub-folders. Crash safety and
  // the order of steps: store_rename.cc; reconstruct -f repairs any crash.
  Status Rename(const acl::Identity& who, std::string_view from, std::string_view to,
                std::string_view partition = "");
  // SETACL / DELETEACL / GETACL (need `a`).
  Status SetAcl(const acl::Identity& who, std::string_view name, std::string_view identifier,
                std::string_view rights_change);
  Status DeleteAcl(const acl::Identity& who, std::string_view name, std::string_view identifier);
  Result<acl::Acl> GetAcl(const acl::Identity& who, std::string_view name);

  // Creates userid's INBOX (admin-less: the user's own first login when
  // autocreatequota is on, or an admin), its quota root and the configured
  // default folders. kExists when the INBOX already exists.
  Status CreateUser(std::string_view userid);

  // LIST: every mailbox whose EXTERNAL name (for `who`) matches `pattern`
  // and on which `who` has `l`, plus the hierarchy levels above such
  // mailboxes that have no mailbox of their own and match too (exists and
  // selectable false, has_children true). In key order. A pattern whose
  // leading levels are literal ("INBOX.Lists.%") scans only that part of
  // mailboxes.db.
  Result<std::vector<ListEntry>> List(const acl::Identity& who, std::string_view pattern);

  // --- opening ----------------------------------------------------------
  // SELECT (read_only false) / EXAMINE (true): needs `r`; kNotFound without
  // `l` or `r`... (see the header comment).
  Result<std::unique_ptr<Mailbox>> Open(const acl::Identity& who, std::string_view name,
                                        bool read_only);

  // POP3 (maildrop.cc): opens `who`'s INBOX (named from the userid, with its
  // domain under virtdomains; created first when autocreate is on and it is
  // missing, as Cyrus pop3d does) as a maildrop: a read-write Mailbox that
  // does not claim \Recent, hides \Deleted messages with popuseimapflags,
  // and holds the POP3 lock until destroyed. The POP3 lock (RFC 1939 §8) is
  // exclusive between POP3 sessions only: a second one fails at once with
  // kInUse, while IMAP sessions, deliveries and expunges go on. It is an
  // flock of the mailbox folder, so the kernel drops it when pop3d dies.
  // Errors: kNotFound / kNoPermission (see MaildropOptions::popuseacl),
  // kInUse, kRateLimited (popminpoll), kCorrupt (run reconstruct), kInvalid
  // for a userid that names no INBOX (anonymous, empty).
  Result<std::unique_ptr<Mailbox>> OpenMaildrop(const acl::Identity& who,
                                                const MaildropOptions& options);

  // --- appending (append.cc) ---------------------------------------------
  // Appends `messages` to each of `targets` (one parse, one data sync per
  // message; per target one directory sync and one index sync; hard links
  // within a partition). Returns one result per target, in order: a target
  // may fail (kOverQuota, kNotFound, ...) while others succeed. A target's
  // messages are all stored or none is. The outer Status is an error only
  // when nothing could be attempted.
  Result<std::vector<Result<AppendResult>>> Append(const acl::Identity& who,
                                                   std::span<const NewMessage> messages,
                                                   std::span<const std::string> targets,
                                                   const AppendPolicy& policy);

  // COPY (move false) / MOVE (RFC 6851) of `msgnos` of an open mailbox to
  // `target`: needs `i` on the target (and `t` `e` on the source to move),
  // strict quota. Message files are hard links within a partition. Messages
  // already expunged elsewhere are skipped (kNotFound if none is left).
  Result<CopyResult> Copy(const acl::Identity& who, Mailbox& source,
                          std::span<const uint32_t> msgnos, std::string_view target, bool move);

  // --- quota (store_quota.cc) ------------------------------------------
  // GETQUOTAROOT: the root governing `name`. Needs `r` (kNotFound without
  // `l` too); admins need no right, as in Cyrus (cyradm `lqr`).
  Result<std::optional<quota::QuotaRoot>> QuotaRootOf(const acl::Identity& who,
                                                      std::string_view name);
  // GETQUOTA: admins, or users whose INBOX hierarchy contains the root.
  Result<quota::QuotaRoot> GetQuota(const acl::Identity& who, std::string_view root);
  // SETQUOTA: admins only. -1 removes a limit; both -1 removes the root.
  // Usage is computed from the mailboxes the new root governs.
  Status SetQuota(const acl::Identity& who, std::string_view root, int64_t storage_kb,
                  int64_t messages);
  // quota -f: recomputes the usage of every root under `prefix` from the
  // index files. Returns the roots whose usage changed (before the fix).
  Result<std::vector<quota::QuotaRoot>> FixQuotas(std::string_view prefix);
  // Recounts one root from the index files of the mailboxes it governs and,
  // unless `dry_run`, stores the count. nullopt when the usage was exact;
  // kNotFound when `root` has no quota.
  Result<std::optional<QuotaFix>> RecountQuotaRoot(std::string_view root, bool dry_run);

  // --- subscriptions (subscriptions.cc) --------------------------------
  // SUBSCRIBE needs `l`; UNSUBSCRIBE works on any name (the mailbox may be
  // gone; kNotFound when it was not subscribed). Internal names, sorted.
  Status Subscribe(const acl::Identity& who, std::string_view name);
  Status Unsubscribe(const acl::Identity& who, std::string_view name);
  Result<std::vector<std::string>> Subscriptions(const acl::Identity& who);

  // --- internal, for Mailbox and the tools --------------------------------
  // LookupWithRights (see below), public for append.cc and copy.cc.
  Result<MailboxEntry> Lookup(const acl::Identity& who, std::string_view name, acl::Rights needed,
                              acl::Rights* rights = nullptr) {
    return LookupWithRights(who, name, needed, rights);
  }
  // The folder of a mailbox entry.
  Result<std::string> FolderOf(const MailboxEntry& entry) const;
  Result<std::string> FolderOf(std::string_view name, std::string_view partition) const;

 private:
  explicit Store(StoreOptions options);

  // Looks `name` up and applies the visibility rule: kNotFound if missing or
  // if `who` lacks both `l` and every right in `needed`; kNoPermission if
  // visible but lacking `needed`.
  Result<MailboxEntry> LookupWithRights(const acl::Identity& who, std::string_view name,
                                        acl::Rights needed, acl::Rights* rights = nullptr);
  std::string InitialAcl(std::string_view name, const std::optional<MailboxEntry>& parent) const;
  // Opens the folder of `entry` for `who` with `rights`; `maildrop` sets the
  // POP3 behaviour (OpenMaildrop) before the first Refresh().
  Result<std::unique_ptr<Mailbox>> OpenEntry(const acl::Identity& who, const MailboxEntry& entry,
                                             acl::Rights rights, bool read_only,
                                             const MaildropOptions* maildrop);
  Status CreateFolder(const MailboxEntry& entry);
  Result<std::optional<MailboxEntry>> NearestAncestor(std::string_view name);
  // Owner or admin (special_use.h).
  bool MaySetSpecialUse(const acl::Identity& who, std::string_view name) const;
  Status CheckCreateRights(const acl::Identity& who, std::string_view name,
                           const std::optional<MailboxEntry>& ancestor);
  // Marks the index deleted, drops the entry and its quota usage (and its
  // quota root when `drop_root`), then removes the files.
  Status DeleteOne(const MailboxEntry& entry, bool drop_root);
  Result<std::string> SubscriptionFile(const acl::Identity& who) const;
  // Rewrites `who`'s subscriptions from the `from` subtree to `to`.
  void RenameSubscriptions(const acl::Identity& who, std::string_view from, std::string_view to);
  // RENAME's pieces (store_rename.cc).
  Status RenameInbox(const acl::Identity& who, const MailboxEntry& inbox, std::string_view to);
  // Moves quota usage of one mailbox between roots inside `txn`.
  Status MoveUsage(db::Transaction& txn, std::string_view from_name, std::string_view to_name,
                   uint64_t bytes, uint32_t messages);

  StoreOptions options_;
  Namespace ns_;
  std::unique_ptr<db::Environment> env_;
  std::unique_ptr<db::Database> mailboxes_db_;
  std::unique_ptr<db::Database> quota_db_;
  std::unique_ptr<MailboxList> mboxlist_;
  std::unique_ptr<quota::QuotaDb> quotas_;

  friend class Mailbox;
  friend class RepairAccess;  // reconstruct_internal.h
};

}  // namespace satrap::mailbox
