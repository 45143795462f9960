// STORE (RFC 3501 §6.4.6, RFC 7162 UNCHANGEDSINCE, RFC 4314 §4 rights).
#include <algorithm>

#include "mailbox/keywords.h"
#include "mailbox/mailbox.h"
#include "mailbox/seen.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

namespace {

uint32_t ApplyBits(FlagOp op, uint32_t current, uint32_t change, uint32_t allowed) {
  uint32_t next = current;
  switch (op) {
    case FlagOp::kAdd: next = current | change; break;
    case FlagOp::kRemove: next = current & ~change; break;
    case FlagOp::kReplace: next = change; break;
  }
  // Bits the caller may not touch keep their value.
  return (next & allowed) | (current & ~allowed);
}

}  // namespace

Result<StoreOutcome> Mailbox::StoreFlags(std::span<const uint32_t> msgnos, const FlagChange& change) {
  if (read_only_) return Status::NoPermission("mailbox is read-only");
  uint32_t allowed = 0;
  if (rights_.Has(acl::kSeen)) allowed |= kFlagSeen;
  if (rights_.Has(acl::kDeleteMessage)) allowed |= kFlagDeleted;
  const bool write = rights_.Has(acl::kWrite);
  if (write) allowed |= kFlagAnswered | kFlagFlagged | kFlagDraft;
  const bool asked = change.system != 0 || !change.keywords.empty() || change.op == FlagOp::kReplace;
  const bool any_allowed = (change.system & allowed) != 0 || (write && !change.keywords.empty()) ||
                           (change.op == FlagOp::kReplace && allowed != 0);
  if (asked && !any_allowed) return Status::NoPermission("no right to change these flags");
  // The owner's \Seen is in the index; anybody else's in their seen file.
  const uint32_t index_allowed = is_owner_ ? allowed : allowed & ~kFlagSeen;

  StoreOutcome outcome;
  if (msgnos.empty()) return outcome;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint32_t m : msgnos) {
    const uint32_t position = PositionOf(m);
    if (position == kNoRecord) continue;
    lo = std::min(lo, position);
    hi = std::max(hi, position);
  }
  if (lo > hi) return outcome;
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->Begin());
  bool added = false;
  Result<KeywordBits> bits = MapKeywords(dir_fd_.get(), &header_, write ? change.keywords
                                         : std::vector<std::string>{},
                                         change.op != FlagOp::kRemove, store_->file_mode(), &added);
  if (!bits.ok()) {
    index_->Abort();
    return bits.status();
  }
  if (added) ++header.keywords_generation;
  Result<std::vector<IndexRecord>> records = index_->ReadRecords(lo, hi - lo + 1);
  if (!records.ok()) {
    index_->Abort();
    return records.status();
  }
  std::vector<uint32_t> seen_on, seen_off;
  for (uint32_t m : msgnos) {
    const uint32_t position = PositionOf(m);
    if (position == kNoRecord) continue;
    IndexRecord& r = (*records)[position - lo];
    if (r.expunged()) continue;
    if (change.unchanged_since && r.modseq > *change.unchanged_since) {
      outcome.modified.push_back(m);
      continue;
    }
    const uint32_t flags = ApplyBits(change.op, r.system_flags, change.system, index_allowed);
    KeywordBits keywords = r.keywords;
    if (write) {
      for (int i = 0; i < 4; ++i) keywords[i] = ApplyBits(change.op, keywords[i], (*bits)[i], ~0u);
    }
    if (!is_owner_ && seen_ && (allowed & kFlagSeen)) {
      std::optional<bool> want;
      if (change.op == FlagOp::kReplace) {
        want = (change.system & kFlagSeen) != 0;
      } else if (change.system & kFlagSeen) {
        want = change.op == FlagOp::kAdd;
      }
      if (want) {
        (*want ? seen_on : seen_off).push_back(r.uid);
        if (*want != seen_->IsSeen(r.uid)) outcome.changed.push_back(m);
      }
    }
    if (flags == r.system_flags && keywords == r.keywords) continue;
    if ((flags & kFlagDeleted) != (r.system_flags & kFlagDeleted)) {
      header.deleted += (flags & kFlagDeleted) ? 1 : -1;
    }
    if ((r.system_flags & kFlagSeen) && !(flags & kFlagSeen)) {
      header.unseen_lowwater = std::min(header.unseen_lowwater, r.uid);
    }
    r.system_flags = flags;
    r.keywords = keywords;
    r.modseq = ++header.highestmodseq;
    reported_modseqs_[r.uid] = r.modseq;
    outcome.changed.push_back(m);
  }
  Status status = index_->MarkDirty(header);
  if (status.ok()) status = index_->WriteRecords(lo, *records);
  if (!status.ok()) {
    index_->Abort();
    return status;
  }
  SATRAP_RETURN_IF_ERROR(index_->Commit(header, true));
  if (!seen_on.empty()) SATRAP_RETURN_IF_ERROR(seen_->Set(seen_on, true));
  if (!seen_off.empty()) SATRAP_RETURN_IF_ERROR(seen_->Set(seen_off, false));
  std::sort(outcome.changed.begin(), outcome.changed.end());
  outcome.changed.erase(std::unique(outcome.changed.begin(), outcome.changed.end()),
                        outcome.changed.end());
  return outcome;
}

}  // namespace satrap::mailbox
