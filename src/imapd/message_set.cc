// Sequence-set resolution (message_set.h).
#include "message_set.h"

#include "protocol/sequence_set.h"

namespace satrap::imapd {

void RefuseMessageSet(const Status& status, Responder& r) {
  if (status.Is(Code::kInvalid) || status.Is(Code::kTooBig)) return r.Bad("Invalid sequence set");
  r.Fail(status);
}

Result<std::vector<uint32_t>> ResolveMessages(const mailbox::Mailbox& mailbox,
                                              const protocol::ImapArg& arg, bool uid) {
  if (!arg.IsAtom()) return Status::Invalid("sequence set expected");
  SATRAP_ASSIGN_OR_RETURN(protocol::SequenceSet set, protocol::SequenceSet::Parse(arg.text));
  std::vector<uint32_t> msgnos;
  const uint32_t exists = mailbox.exists();
  if (uid) {
    // Binary searches over the view: a set naming a few messages of a large
    // mailbox reads a few blocks of its index, not every message's uid.
    if (exists > 0) {
      msgnos = set.MatchUids(exists, mailbox.Uid(exists),
                             [&mailbox](uint32_t u) { return mailbox.LowerBoundUid(u); });
    }
  } else {
    SATRAP_ASSIGN_OR_RETURN(protocol::NumberSet numbers, set.ResolveMsgnums(exists));
    msgnos.reserve(static_cast<size_t>(numbers.Count()));
    numbers.ForEach([&msgnos](uint32_t n) {
      msgnos.push_back(n);
      return true;
    });
  }
  SATRAP_RETURN_IF_ERROR(mailbox.Verify(msgnos));
  return msgnos;
}

}  // namespace satrap::imapd
