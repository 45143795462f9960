// reconstruct: rebuilds mailboxes from what is on disk (Cyrus reconstruct(8)).
//
// The message files "<uid>." are the truth; cyrus.index, cyrus.cache and
// cyrus.header are rebuilt around them:
//   - a record whose old index record still reads (CRC ok) and whose file is
//     there keeps its flags, keywords, internal date and modseq; its size,
//     GUID and cache entry are checked against the file and re-derived when
//     they disagree;
//   - a live record whose file is gone is dropped;
//   - a file without a record whose uid is at or past the uidnext of an
//     intact old index header is removed: append links "<uid>." in under the
//     index lock before it commits, so such a file is an append that died
//     before its commit and was never acknowledged (the sender retries;
//     adding it would deliver the message twice). This is a cleanup;
//   - any other file without a record (uid below uidnext, or any uid when
//     the index header is damaged or missing) is added (uid from its name,
//     flags empty, internal date from the file's mtime; uidnext is raised
//     past it). Files only ever appear complete under a "<uid>." name
//     (append links a synced spool file, or renames a synced copy), so such
//     a file is a whole message whose record was lost;
//   - the file of an expunged record (an expunge that died before unlinking)
//     is removed (a cleanup), and so is the dirty mark of an index whose
//     writer died mid-change (a cleanup: the store's own crash protocol);
//   - leftover spool and temp files of dead processes (".satrap-append-<pid>-*",
//     "cyrus.*.<pid>.tmp") are removed (a cleanup); those of live processes
//     are left;
//   - an unreadable index header gets a new uidvalidity (the old one is lost,
//     so clients must resynchronise: RFC 3501 §2.3.1.1);
//   - a missing or damaged cyrus.header is rewritten from mailboxes.db (keyword
//     names are then lost, and keyword bits cleared);
// and at the level of mailboxes.db:
//   - an entry stuck as "reserved" by a crashed CREATE is rolled back (the
//     CREATE was never acknowledged) together with whatever folder it left;
//   - an entry whose index says deleted (a DELETE that died half-way) is
//     finished: entry, quota usage and files go;
//   - with find_folders (-f), folders on disk under the given mailboxes (all
//     partitions) are matched to mailboxes.db by name and unique id: a folder
//     missing from mailboxes.db is added back (a RENAME that died before its
//     commit is undone by moving the folder back to where mailboxes.db says
//     it lives), a stale copy of a mailbox that lives elsewhere (a
//     cross-partition RENAME that died) and the remains of a deleted mailbox
//     are removed;
// and finally the usage of every quota root governing a mailbox it touched
// is recounted (unlike Cyrus, no separate `quota -f` is needed); usage found
// too high is the charge of an append or copy that died before its commit
// (a cleanup), usage too low is a repair.
//
// Locking: each folder is rebuilt under its exclusive index lock, and the new
// index replaces the old one by rename, so running sessions follow it
// (index_file.h). A dry run takes the shared lock and writes nothing. A
// reserved entry of a CREATE running at this very moment is indistinguishable
// from a crashed one: run -f / full reconstructs while no CREATE is running.
//
// Every repair (or, in a dry run, every repair that would be made) is one line
// of the report, "<mailbox>: <what>"; a mailbox with nothing to repair is
// listed as consistent. Removing what a killed process left of an operation
// it never acknowledged (uncommitted appends, spool and temp files) is not a
// repair: nothing committed was damaged. Those are the `cleanups` lines, and
// a store with only cleanups to do is clean (what a SIGKILL at any moment
// must leave).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

struct ReconstructOptions {
  bool recursive = false;     // -r: the mailboxes beneath each name too
  bool find_folders = false;  // -f: look on disk for folders mailboxes.db lacks
  bool dry_run = false;       // -n: report what would be repaired, change nothing
};

struct ReconstructReport {
  std::vector<std::string> changes;     // one line per repair, "<mailbox>: <what>"
  std::vector<std::string> cleanups;    // leftovers of unacknowledged work, same form
  std::vector<std::string> consistent;  // mailboxes that needed no repair
  std::vector<std::string> errors;      // mailboxes that could not be processed
  // No repair needed and nothing failed; cleanups do not count.
  bool clean() const { return changes.empty() && errors.empty(); }
};

// Reconstructs the mailboxes named (internal names; none means every
// mailbox). A name that is neither in mailboxes.db nor found on disk is an
// error line. The outer Status fails only when nothing could be attempted
// (mailboxes.db unreadable).
Result<ReconstructReport> Reconstruct(Store& store, std::span<const std::string> names,
                                      const ReconstructOptions& options);

// Rebuilds (or checks, with `dry_run`) the folder of one existing entry.
// Appends its repairs to `changes` and its cleanups to `cleanups` (both
// required). kNotFound when the folder is missing and `dry_run` is set
// (otherwise an empty mailbox is created in its place).
Status ReconstructFolder(Store& store, const MailboxEntry& entry, bool dry_run,
                         std::vector<std::string>* changes, std::vector<std::string>* cleanups);

}  // namespace satrap::mailbox
