// Delivery: what happens to a message once lmtpd has it, independent of the
// LMTP protocol (the session in session.h only translates).
//
// The path of one recipient, shaped so that Sieve can slot in between
// resolution and filing:
//   1. Resolve()   the RCPT address to a Recipient (recipient.h) and check
//                  that the user or shared folder exists (550 5.1.1 at RCPT).
//   2. Plan        the recipient's list of Actions: here the default (keep,
//                  or fileinto the +detail folder); later the user's Sieve
//                  script's result (keep, fileinto, discard, ...).
//   3. File        every action of every recipient through the store's
//                  batched append: one parse of the message, syncs shared
//                  across recipients, hard links within a partition.
// Rights and quota are the store's business: a +detail folder where the
// poster lacks `p` (or that does not exist) falls back to INBOX because the
// store said kNoPermission / kNotFound, not because lmtpd checked.
//
// Durability: Deliver() returns OK for a recipient only once every copy for
// it is on disk (the store's contract); the session answers 250 only then.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/identity.h"
#include "base/result.h"
#include "lmtpd/recipient.h"
#include "protocol/smtp.h"

namespace satrap::lmtpd {

// The message of one transaction. `data` (whole message as it is to be
// stored, CRLF line ends, starting with the `added_headers` bytes lmtpd
// added: trace_headers.h) is borrowed from the session's spool and valid
// during Deliver(). When `spool_fd` >= 0 the same bytes are that whole file
// (offset 0, data.size() bytes), which the deliverer may hand to the store
// (NewMessage::spool_handoff) when `spool_linkable`: the session never writes
// it again. spool_fd < 0: only `data` (e.g. a message whose header was
// rewritten by munge8bit).
struct IncomingMessage {
  std::string_view data;
  size_t added_headers = 0;
  int spool_fd = -1;
  bool spool_linkable = false;
  std::optional<std::string> message_id;  // for duplicate suppression
  std::string return_path;                // MAIL FROM, "" for <>
  int64_t internal_date = 0;              // unix seconds; 0 means now
  std::string session_id;                 // for log lines
};

// One thing to do with a recipient's copy (RFC 5228 actions).
struct Action {
  enum class Kind { kKeep, kFileInto, kDiscard };
  Kind kind = Kind::kKeep;
  // kFileInto: internal mailbox name. `fallback_to_inbox`: when the store
  // refuses it (no `p`, missing), file into the INBOX instead, as the FAQ
  // says for plus addressing.
  std::string mailbox;
  bool fallback_to_inbox = false;
};

// Step 2 without Sieve: keep in INBOX; fileinto the +detail folder with an
// INBOX fallback; a shared recipient files into its folder (no fallback).
std::vector<Action> DefaultActions(const Recipient& recipient);

// The seam between the LMTP session and the store; lmtpd's real one is
// StoreDeliverer (store_delivery.h).
class Deliverer {
 public:
  virtual ~Deliverer() = default;
  // RCPT time. kNotFound for an unknown user or shared folder, kInvalid for
  // an address that names no mailbox, kTempFail when the lookup failed.
  virtual Result<Recipient> Resolve(const protocol::MailPath& path) = 0;
  // At DATA / first BDAT: a folder to spool the message in, on the file
  // system where it will be stored, so the store can link the spool file
  // instead of copying it; "" for the session's temp_path.
  virtual std::string SpoolDirectory(std::span<const Recipient> recipients) {
    (void)recipients;
    return {};
  }
  // After the final dot: one Status per recipient, in order. `poster` is
  // the sender's identity for `p` rights: anonymous unless the client
  // authenticated.
  virtual std::vector<Status> Deliver(const IncomingMessage& message,
                                      std::span<const Recipient> recipients,
                                      const acl::Identity& poster) = 0;
};

}  // namespace satrap::lmtpd
