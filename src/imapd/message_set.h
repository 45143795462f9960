// Sequence-set arguments against the selected mailbox (RFC 3501 §9
// sequence-set, §6.4.8 UID): the message sequence numbers they name.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "mailbox/mailbox.h"
#include "protocol/imap_arg.h"
#include "responder.h"

namespace satrap::imapd {

// Ascending msgnos, their index records checked (Mailbox::Verify). By
// sequence number a number past the last message is kInvalid (answered
// BAD); by UID unknown UIDs are skipped and "n:*" always includes the last
// message. kInvalid for a malformed set, kTooBig for an absurdly long one,
// kCorrupt for a damaged index.
Result<std::vector<uint32_t>> ResolveMessages(const mailbox::Mailbox& mailbox,
                                              const protocol::ImapArg& arg, bool uid);

// Completes a command whose ResolveMessages() failed: BAD for a malformed
// or absurd set, otherwise as the store's failure (NO [CORRUPTION] for a
// damaged index).
void RefuseMessageSet(const Status& status, Responder& r);

}  // namespace satrap::imapd
