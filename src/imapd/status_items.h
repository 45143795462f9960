// STATUS data items (RFC 3501 §6.3.10), shared by STATUS and LIST-STATUS
// (RFC 5819).
#pragma once

#include <span>
#include <string>

#include "base/result.h"
#include "protocol/imap_arg.h"
#include "session.h"

namespace satrap::imapd {

// Checks the item list ("(MESSAGES UNSEEN)" elements): kInvalid for unknown
// or non-atom items and for an empty list.
Status ValidateStatusItems(std::span<const protocol::ImapArg> items);

// "(MESSAGES 3 UNSEEN 1)" for internal mailbox `name`: from the selected view
// when it is the selected mailbox, else by opening it read-only (which needs
// `r`; the store's kNotFound / kNoPermission otherwise).
Result<std::string> StatusOf(Session& s, const std::string& name,
                             std::span<const protocol::ImapArg> items);

}  // namespace satrap::imapd
