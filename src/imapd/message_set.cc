// Sequence-set resolution (message_set.h).
#include "message_set.h"

#include "protocol/sequence_set.h"

namespace satrap::imapd {

void RefuseMessageSet(const Status& status, Responder& r) {
  if (status.Is(Code::kInvalid) || status.Is(Code::kTooBig)) return r.Bad("Invalid sequence set");
  r.Fail(status);
}

Result<std::vector<uint32_t>> AllUids(const mailbox::Mailbox& mailbox) {
  SATRAP_RETURN_IF_ERROR(mailbox.Verify(1, mailbox.exists()));
  std::vector<uint32_t> uids;
  uids.reserve(mailbox.exists());
  for (uint32_t msgno = 1; msgno <= mailbox.exists(); ++msgno) uids.push_back(mailbox.Uid(msgno));
  return uids;
}

Result<std::vector<uint32_t>> ResolveMessages(const mailbox::Mailbox& mailbox,
                                              const protocol::ImapArg& arg, bool uid) {
  if (!arg.IsAtom()) return Status::Invalid("sequence set expected");
  SATRAP_ASSIGN_OR_RETURN(protocol::SequenceSet set, protocol::SequenceSet::Parse(arg.text));
  if (uid) {
    SATRAP_ASSIGN_OR_RETURN(std::vector<uint32_t> uids, AllUids(mailbox));
    return set.MatchUids(uids);
  }
  SATRAP_ASSIGN_OR_RETURN(protocol::NumberSet numbers, set.ResolveMsgnums(mailbox.exists()));
  std::vector<uint32_t> msgnos;
  msgnos.reserve(static_cast<size_t>(numbers.Count()));
  numbers.ForEach([&msgnos](uint32_t n) {
    msgnos.push_back(n);
    return true;
  });
  if (!msgnos.empty()) SATRAP_RETURN_IF_ERROR(mailbox.Verify(msgnos.front(), msgnos.back()));
  return msgnos;
}

}  // namespace satrap::imapd
