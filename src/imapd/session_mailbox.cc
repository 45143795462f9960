// Session: the selected mailbox, names, and the untagged updates RFC 3501
// §7 lets a server send before a tagged response.
#include "base/check.h"
#include "base/strings.h"
#include "commands.h"
#include "flag_list.h"
#include "log/log.h"
#include "session.h"

namespace satrap::imapd {

const acl::Identity& Session::identity() const {
  CHECK(user_.has_value());
  return user_->identity;
}

Result<std::string> Session::Internal(std::string_view external) const {
  return ns().ToInternal(external, user_ ? std::string_view(user_->userid) : std::string_view());
}

std::string Session::External(std::string_view internal) const {
  Result<std::string> name =
      ns().ToExternal(internal, user_ ? std::string_view(user_->userid) : std::string_view());
  return name.ok() ? *name : std::string();
}

void Session::Select(std::unique_ptr<mailbox::Mailbox> mailbox) {
  selected_ = std::move(mailbox);
  state_ = kSelected;
  if (ctx_.proc != nullptr) ctx_.proc->Update(user_->userid, selected_->name());
}

void Session::Unselect() {
  selected_.reset();
  if (state_ == kSelected) state_ = kAuth;
  if (ctx_.proc != nullptr && user_) ctx_.proc->Update(user_->userid, "");
}

void Session::ReportChanges(const mailbox::RefreshChanges& changes, Responder& r) {
  if (selected_ == nullptr) return;
  for (uint32_t msgno : changes.expunged) r.Untagged(std::to_string(msgno) + " EXPUNGE");
  if (changes.keywords_changed) {
    r.Untagged("FLAGS " + MailboxFlags(*selected_));
    r.Untagged("OK [PERMANENTFLAGS " + PermanentFlags(*selected_) + "] Ok");
  }
  if (changes.exists_changed) {
    r.Untagged(std::to_string(changes.exists) + " EXISTS");
    r.Untagged(std::to_string(changes.recent) + " RECENT");
  }
  for (uint32_t msgno : changes.flags_changed) {
    if (msgno == 0 || msgno > selected_->exists()) continue;
    r.Untagged(StringPrintf("%u FETCH (FLAGS %s UID %u)", msgno,
                            FormatFlags(*selected_, msgno).c_str(), selected_->Uid(msgno)));
  }
  if (changes.mailbox_gone) {
    r.Untagged("BYE Selected mailbox was deleted or renamed");
    Unselect();
    EndAfterCommand();
  }
}

// After each command in the selected state: what others did meanwhile.
// FETCH, STORE, SEARCH and COPY by sequence number may not be followed by
// EXPUNGE (RFC 3501 §7.4.1); their UID forms may.
void Session::RefreshSelected(const Args& args, uint8_t flags, Responder& r) {
  if (selected_ == nullptr || (flags & kBreaksMailbox) != 0) return;
  bool allow_expunges = (flags & kUsesSeqs) == 0 || args.uid;
  Result<mailbox::RefreshChanges> changes = selected_->Refresh(allow_expunges);
  if (!changes.ok()) {
    log::Error("refresh %s: %s session=%s", selected_->name().c_str(),
               changes.status().ToString().c_str(), id_.c_str());
    return;
  }
  ReportChanges(*changes, r);
}

}  // namespace satrap::imapd
