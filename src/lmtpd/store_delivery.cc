#include "lmtpd/store_delivery.h"

#include <ctime>
#include <map>

#include "log/log.h"

namespace satrap::lmtpd {

DeliveryOptions DeliveryOptions::FromConfig(const config::Config& config) {
  DeliveryOptions options;
  options.recipients = RecipientOptions::FromConfig(config);
  options.duplicate_suppression = config.GetBool("duplicatesuppression");
  options.single_instance = config.GetBool("singleinstancestore");
  options.strict_quota = config.GetBool("lmtp_strict_quota");
  return options;
}

Status StoreDeliverer::Exists(std::string_view mailbox) {
  Result<mailbox::MailboxEntry> entry = store_->mboxlist().Lookup(nullptr, mailbox);
  if (entry.ok()) return Status();
  if (entry.status().Is(Code::kNotFound)) return entry.status();
  // A database hiccup must defer the mail, never bounce it.
  return Status::TempFail(entry.status().ToString());
}

Result<Recipient> StoreDeliverer::Resolve(const protocol::MailPath& path) {
  SATRAP_ASSIGN_OR_RETURN(Recipient recipient, ResolveAddress(path, options_.recipients));
  const std::string& mailbox =
      recipient.kind == Recipient::Kind::kShared ? recipient.folder : recipient.inbox;
  SATRAP_RETURN_IF_ERROR(Exists(mailbox));
  return recipient;
}

void StoreDeliverer::DropDuplicates(const IncomingMessage& message,
                                    std::vector<Filing>* filings) {
  if (!options_.duplicate_suppression || !message.message_id.has_value()) return;
  std::map<std::string, size_t> first;  // mailbox -> first filing in this message
  for (size_t i = 0; i < filings->size(); ++i) {
    Filing& f = (*filings)[i];
    if (!f.pending) continue;
    auto [it, inserted] = first.emplace(f.mailbox, i);
    if (!inserted || (duplicates_ != nullptr && duplicates_->Seen(*message.message_id, f.mailbox))) {
      f.pending = false;
      f.duplicate = true;
      log::Info("duplicate suppressed: session=%s message-id=%s mailbox=%s",
                message.session_id.c_str(), message.message_id->c_str(), f.mailbox.c_str());
    }
  }
}

void StoreDeliverer::AppendGroup(const IncomingMessage& message, const acl::Identity& poster,
                                 bool trusted, const std::vector<Filing*>& group) {
  if (group.empty()) return;
  mailbox::NewMessage new_message;
  new_message.data = message.data;
  new_message.internal_date = message.internal_date;
  mailbox::AppendPolicy policy;
  policy.quota_check = options_.strict_quota ? quota::QuotaCheck::kStrict
                                             : quota::QuotaCheck::kDelivery;
  policy.required = acl::kPost;
  policy.trusted_delivery = trusted;
  std::vector<std::string> targets;
  for (const Filing* f : group) targets.push_back(f->mailbox);
  auto results = store_->Append(poster, std::span<const mailbox::NewMessage>(&new_message, 1),
                                targets, policy);
  for (size_t i = 0; i < group.size(); ++i) {
    Filing& f = *group[i];
    f.pending = false;
    if (!results.ok()) {
      f.status = results.status();
    } else if (i < results->size() && (*results)[i].ok()) {
      f.status = Status();
      const mailbox::AppendResult& r = *(*results)[i];
      log::Info("stored: session=%s mailbox=%s uid=%u message-id=%s",
                message.session_id.c_str(), f.mailbox.c_str(), r.uids.empty() ? 0 : r.uids[0],
                message.message_id.value_or("-").c_str());
    } else {
      f.status = i < results->size() ? (*results)[i].status()
                                     : Status::Internal("store returned too few results");
    }
    if (!f.status.ok()) {
      log::Info("not stored: session=%s mailbox=%s status=%s", message.session_id.c_str(),
                f.mailbox.c_str(), f.status.ToString().c_str());
    }
  }
}

void StoreDeliverer::FilePending(const IncomingMessage& message, const acl::Identity& poster,
                                 std::vector<Filing>* filings) {
  for (bool trusted : {true, false}) {
    std::vector<Filing*> group;
    for (Filing& f : *filings) {
      if (f.pending && f.trusted == trusted) group.push_back(&f);
    }
    if (options_.single_instance) {
      AppendGroup(message, poster, trusted, group);
    } else {
      for (Filing* f : group) AppendGroup(message, poster, trusted, {f});
    }
  }
}

void StoreDeliverer::RecordDelivered(const IncomingMessage& message,
                                     const std::vector<Filing>& filings) {
  if (duplicates_ == nullptr || !options_.duplicate_suppression ||
      !message.message_id.has_value()) {
    return;
  }
  std::vector<std::string> mailboxes;
  for (const Filing& f : filings) {
    if (!f.pending && !f.duplicate && f.status.ok()) mailboxes.push_back(f.mailbox);
  }
  Status status = duplicates_->Record(*message.message_id, mailboxes, time(nullptr));
  if (!status.ok()) {
    // The mail is safe; only a later duplicate might get through.
    log::Warning("cannot record delivery in deliver.db: session=%s %s",
                 message.session_id.c_str(), status.ToString().c_str());
  }
}

std::vector<Status> StoreDeliverer::Deliver(const IncomingMessage& message,
                                            std::span<const Recipient> recipients,
                                            const acl::Identity& poster) {
  std::vector<Filing> filings;
  for (size_t i = 0; i < recipients.size(); ++i) {
    for (const Action& action : DefaultActions(recipients[i])) {
      if (action.kind == Action::Kind::kDiscard) continue;
      Filing f;
      f.recipient = i;
      f.mailbox = action.mailbox;
      f.trusted = action.kind == Action::Kind::kKeep;
      if (action.fallback_to_inbox) f.fallback = recipients[i].inbox;
      filings.push_back(std::move(f));
    }
  }
  DropDuplicates(message, &filings);
  FilePending(message, poster, &filings);
  // Recorded before any fallback runs, so that a fallback into an INBOX the
  // message already reached counts as a duplicate.
  RecordDelivered(message, filings);
  // Plus addressing: a folder the poster may not post to, or that does not
  // exist, gets the message in the INBOX instead (FAQ, seed 002).
  const size_t first_fallback = filings.size();
  for (size_t i = 0; i < first_fallback; ++i) {
    const Filing& f = filings[i];
    if (f.fallback.empty() ||
        !(f.status.Is(Code::kNoPermission) || f.status.Is(Code::kNotFound))) {
      continue;
    }
    Filing inbox;
    inbox.recipient = f.recipient;
    inbox.mailbox = f.fallback;
    inbox.trusted = true;
    filings.push_back(std::move(inbox));
    filings[i].status = Status();  // superseded by the INBOX filing
    filings[i].duplicate = true;   // and not recorded as delivered there
  }
  if (filings.size() > first_fallback) {
    std::vector<Filing> fallbacks(filings.begin() + first_fallback, filings.end());
    filings.resize(first_fallback);
    DropDuplicates(message, &fallbacks);
    FilePending(message, poster, &fallbacks);
    RecordDelivered(message, fallbacks);
    for (Filing& f : fallbacks) filings.push_back(std::move(f));
  }

  std::vector<Status> out(recipients.size());
  for (const Filing& f : filings) {
    if (!f.status.ok() && out[f.recipient].ok()) out[f.recipient] = f.status;
  }
  return out;
}

}  // namespace satrap::lmtpd
