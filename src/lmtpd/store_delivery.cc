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

std::string StoreDeliverer::SpoolDirectory(std::span<const Recipient> recipients) {
  if (recipients.empty()) return {};
  const Recipient& first = recipients.front();
  const std::string& mailbox =
      first.kind == Recipient::Kind::kShared ? first.folder : first.inbox;
  Result<mailbox::MailboxEntry> entry = store_->mboxlist().Lookup(nullptr, mailbox);
  if (!entry.ok()) return {};
  Result<std::string> root = store_->options().partitions.Root(entry->partition);
  return root.ok() ? *root : std::string();
}

mailbox::NewMessage StoreDeliverer::ToNewMessage(const IncomingMessage& message,
                                                 bool handoff) const {
  mailbox::NewMessage m;
  m.internal_date = message.internal_date;
  if (message.spool_fd < 0) {
    m.data = message.data;
    return m;
  }
  m.spool_fd = message.spool_fd;
  m.spool_offset = 0;
  m.spool_size = message.data.size();
  m.spool_handoff = handoff && message.spool_linkable;
  return m;
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

namespace {

// Once per crossing of quotawarn (AppendResult::quota_warning_new), like
// Cyrus's quota warning in the log.
void LogQuotaWarning(const quota::QuotaRoot& root) {
  std::string storage = "unlimited";
  if (root.storage_limit_kb != quota::kUnlimited) {
    storage = std::to_string(root.storage_limit_kb);
  }
  std::string messages = "unlimited";
  if (root.message_limit != quota::kUnlimited) messages = std::to_string(root.message_limit);
  log::Notice("quota warning: root=%s storage=%llu/%s KiB messages=%llu/%s",
              root.root.c_str(), static_cast<unsigned long long>(root.used_bytes / 1024),
              storage.c_str(), static_cast<unsigned long long>(root.used_messages),
              messages.c_str());
}

}  // namespace

void StoreDeliverer::AppendGroup(const IncomingMessage& message, const acl::Identity& poster,
                                 bool trusted, const std::vector<Filing*>& group) {
  if (group.empty()) return;
  // A linked file is shared by every mailbox it is linked into: only with
  // singleinstancestore may a second append link it too.
  const mailbox::NewMessage new_message =
      ToNewMessage(message, options_.single_instance || appends_ == 0);
  ++appends_;
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
      if (r.quota_warning_new && r.quota_warning.has_value()) LogQuotaWarning(*r.quota_warning);
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
  appends_ = 0;
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
