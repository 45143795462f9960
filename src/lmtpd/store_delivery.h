// StoreDeliverer: the Deliverer that files into the real mail store
// (mailbox/store.h), with duplicate suppression (duplicate.h).
//
// Filing one message for many recipients: every recipient's actions are
// collected first, duplicates (deliver.db) are dropped, and the rest go to
// the store in as few Store::Append calls as possible (one per policy: the
// owner's INBOX, trusted; folders that need `p`), so the message is parsed
// once and syncs are shared. With `singleinstancestore: no` each mailbox gets
// its own append (its own copy of the file). A fileinto with an INBOX
// fallback that the store refuses (kNoPermission, kNotFound) is retried
// into the INBOX.
//
// The spool file is handed to the store (store.h NewMessage::spool_handoff),
// which links it into the mailboxes instead of copying it when it lies on
// the partition's file system (SpoolDirectory() puts it there). An append
// that takes a quota root over quotawarn is logged once (Notice).
//
// Lifetime: the store and the duplicate database are borrowed and must
// outlive the deliverer. Single-threaded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lmtpd/delivery.h"
#include "lmtpd/duplicate.h"
#include "mailbox/store.h"

namespace satrap::lmtpd {

struct DeliveryOptions {
  RecipientOptions recipients;
  bool duplicate_suppression = true;  // duplicatesuppression
  bool single_instance = true;        // singleinstancestore
  bool strict_quota = false;          // lmtp_strict_quota: refuse what would exceed

  static DeliveryOptions FromConfig(const config::Config& config);
};

class StoreDeliverer : public Deliverer {
 public:
  // `duplicates` may be null (suppression off or deliver.db unavailable).
  StoreDeliverer(mailbox::Store* store, DuplicateDb* duplicates, DeliveryOptions options)
      : store_(store), duplicates_(duplicates), options_(std::move(options)) {}

  Result<Recipient> Resolve(const protocol::MailPath& path) override;
  // The root of the partition holding the first recipient's mailbox.
  std::string SpoolDirectory(std::span<const Recipient> recipients) override;
  std::vector<Status> Deliver(const IncomingMessage& message,
                              std::span<const Recipient> recipients,
                              const acl::Identity& poster) override;

 private:
  // One mailbox to file into for one recipient.
  struct Filing {
    size_t recipient = 0;
    std::string mailbox;
    bool trusted = false;          // the owner's own INBOX: no ACL check
    std::string fallback;          // INBOX to retry into, or empty
    bool pending = true;
    bool duplicate = false;
    Status status;
  };

  Status Exists(std::string_view mailbox);
  // Marks filings already in deliver.db (or twice in this message) done.
  void DropDuplicates(const IncomingMessage& message, std::vector<Filing>* filings);
  // Appends every pending filing, grouped by policy.
  void FilePending(const IncomingMessage& message, const acl::Identity& poster,
                   std::vector<Filing>* filings);
  void AppendGroup(const IncomingMessage& message, const acl::Identity& poster, bool trusted,
                   const std::vector<Filing*>& group);
  // The message as the store takes it: the spool file, handed over when
  // `handoff` and the file can be linked, else the bytes.
  mailbox::NewMessage ToNewMessage(const IncomingMessage& message, bool handoff) const;
  void RecordDelivered(const IncomingMessage& message, const std::vector<Filing>& filings);

  mailbox::Store* store_;
  DuplicateDb* duplicates_;
  DeliveryOptions options_;
  // Appends so far in this Deliver(): with singleinstancestore off only the
  // first may link the spool file (the others get copies of their own).
  int appends_ = 0;
};

}  // namespace satrap::lmtpd
