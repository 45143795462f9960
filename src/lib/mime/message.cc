#include "mime/message.h"

#include <vector>

#include "base/strings.h"
#include "mime/bodystructure.h"
#include "mime/envelope.h"
#include "mime/section.h"

namespace satrap::mime {
namespace {

// What Thunderbird, Apple Mail, Outlook, Roundcube and mutt ask for in their
// message-list FETCH, plus what Cyrus caches.
constexpr std::string_view kCachedFields[] = {
    "Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To",
    "Message-ID", "References", "Content-Type", "Content-Transfer-Encoding", "MIME-Version",
    "Priority", "X-Priority", "Importance", "X-MSMail-Priority", "List-Id", "List-Post",
    "List-Unsubscribe", "Newsgroups", "Followup-To", "Resent-From", "Resent-To",
    "X-Mailer", "User-Agent", "Disposition-Notification-To", "Return-Receipt-To",
    "X-Spam-Flag", "X-Spam-Status", "X-Spam-Score", "Return-Path", "Delivered-To",
    "Content-Disposition", "X-Original-To", "Organization", "Keywords", "X-Label"};

}  // namespace

bool IsCachedHeaderField(std::string_view name) {
  for (std::string_view field : kCachedFields) {
    if (EqualsIgnoreCase(field, name)) return true;
  }
  return false;
}

MessageInfo AnalyzeMessage(std::string_view raw) {
  MessageInfo info;
  info.root = ParseMessage(raw);
  std::string_view header = raw.substr(0, info.root.body_offset);
  info.envelope = BuildEnvelope(header);
  info.embedded_envelopes = EmbeddedEnvelopes(raw, info.root);
  static const std::vector<std::string> names(std::begin(kCachedFields), std::end(kCachedFields));
  info.cached_headers = FilterHeaderFields(header, names, false);
  if (info.cached_headers.size() > kMaxCachedHeaderBytes) {
    info.cached_headers.clear();
    info.headers_cached = false;
  }
  return info;
}

}  // namespace satrap::mime
