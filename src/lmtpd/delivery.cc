#include "lmtpd/delivery.h"

namespace satrap::lmtpd {

std::vector<Action> DefaultActions(const Recipient& recipient) {
  if (recipient.kind == Recipient::Kind::kShared) {
    return {Action{Action::Kind::kFileInto, recipient.folder, false}};
  }
  if (!recipient.folder.empty()) {
    return {Action{Action::Kind::kFileInto, recipient.folder, true}};
  }
  return {Action{Action::Kind::kKeep, recipient.inbox, false}};
}

}  // namespace satrap::lmtpd
