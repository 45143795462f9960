#include "quota/quota.h"

#include <vector>

#include "base/strings.h"

namespace satrap::quota {

namespace {

bool ParseLimit(std::string_view text, int64_t* out) {
  std::optional<int64_t> v = ParseInt64(text);
  if (!v || *v < kUnlimited) return false;
  *out = *v;
  return true;
}

}  // namespace

std::string EncodeQuotaRoot(const QuotaRoot& r) {
  return StringPrintf("%llu %lld %llu %lld", static_cast<unsigned long long>(r.used_bytes),
                      static_cast<long long>(r.storage_limit_kb),
                      static_cast<unsigned long long>(r.used_messages),
                      static_cast<long long>(r.message_limit));
}

Result<QuotaRoot> DecodeQuotaRoot(std::string_view root, std::string_view value) {
  std::vector<std::string_view> fields = Split(value, ' ');
  QuotaRoot r;
  r.root = std::string(root);
  std::optional<uint64_t> used = fields.size() == 4 ? ParseUint64(fields[0]) : std::nullopt;
  std::optional<uint64_t> messages = fields.size() == 4 ? ParseUint64(fields[2]) : std::nullopt;
  if (!used || !messages || !ParseLimit(fields[1], &r.storage_limit_kb) ||
      !ParseLimit(fields[3], &r.message_limit)) {
    return Status::Corrupt("quota.db: bad entry for " + r.root);
  }
  r.used_bytes = *used;
  r.used_messages = *messages;
  return r;
}

Status CheckQuota(const QuotaRoot& r, uint64_t bytes, uint64_t messages, QuotaCheck check) {
  if (check == QuotaCheck::kNone) return Status::Ok();
  const bool strict = check == QuotaCheck::kStrict;
  if (r.storage_limit_kb != kUnlimited) {
    const uint64_t limit = static_cast<uint64_t>(r.storage_limit_kb) * 1024;
    if (strict ? r.used_bytes + bytes > limit : r.used_bytes >= limit) {
      return Status::OverQuota("STORAGE quota of " + r.root + " exceeded");
    }
  }
  if (r.message_limit != kUnlimited) {
    const uint64_t limit = static_cast<uint64_t>(r.message_limit);
    if (strict ? r.used_messages + messages > limit : r.used_messages >= limit) {
      return Status::OverQuota("MESSAGE quota of " + r.root + " exceeded");
    }
  }
  return Status::Ok();
}

bool ShouldWarn(const QuotaRoot& r, int percent, int64_t warn_kb, int64_t warn_messages) {
  if (r.storage_limit_kb > 0 &&
      r.used_bytes * 100 >= static_cast<uint64_t>(r.storage_limit_kb) * 1024 * percent) {
    const uint64_t limit = static_cast<uint64_t>(r.storage_limit_kb) * 1024;
    const uint64_t left_kb = r.used_bytes >= limit ? 0 : (limit - r.used_bytes) / 1024;
    if (warn_kb <= 0 || left_kb < static_cast<uint64_t>(warn_kb)) return true;
  }
  if (r.message_limit > 0 &&
      r.used_messages * 100 >= static_cast<uint64_t>(r.message_limit) * percent) {
    const uint64_t limit = static_cast<uint64_t>(r.message_limit);
    const uint64_t left = r.used_messages >= limit ? 0 : limit - r.used_messages;
    if (warn_messages <= 0 || left < static_cast<uint64_t>(warn_messages)) return true;
  }
  return false;
}

bool ShouldWarn(const QuotaRoot& r, int percent) {
  if (r.storage_limit_kb > 0 &&
      r.used_bytes * 100 >= static_cast<uint64_t>(r.storage_limit_kb) * 1024 * percent) {
    return true;
  }
  return r.message_limit > 0 &&
         r.used_messages * 100 >= static_cast<uint64_t>(r.message_limit) * percent;
}

std::vector<std::string> CandidateRoots(std::string_view mailbox) {
  std::vector<std::string> out;
  size_t bang = mailbox.find('!');
  size_t floor = bang == std::string_view::npos ? 0 : bang + 1;
  std::string name(mailbox);
  for (;;) {
    out.push_back(name);
    size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot < floor) break;
    name.resize(dot);
  }
  return out;
}

Result<QuotaRoot> QuotaDb::Get(db::Transaction* txn, std::string_view root) {
  SATRAP_ASSIGN_OR_RETURN(std::string value, db_->Get(txn, root));
  return DecodeQuotaRoot(root, value);
}

Status QuotaDb::Put(db::Transaction* txn, const QuotaRoot& root) {
  return db_->Put(txn, root.root, EncodeQuotaRoot(root));
}

Status QuotaDb::Remove(db::Transaction* txn, std::string_view root) {
  return db_->Delete(txn, root);
}

Result<std::optional<QuotaRoot>> QuotaDb::FindRoot(db::Transaction* txn,
                                                   std::string_view mailbox) {
  for (const std::string& candidate : CandidateRoots(mailbox)) {
    Result<QuotaRoot> root = Get(txn, candidate);
    if (root.ok()) return std::optional<QuotaRoot>(*root);
    if (!root.status().Is(Code::kNotFound)) return root.status();
  }
  return std::optional<QuotaRoot>();
}

Status QuotaDb::Apply(db::Transaction* txn, std::string_view root, int64_t delta_bytes,
                      int64_t delta_messages) {
  SATRAP_ASSIGN_OR_RETURN(QuotaRoot r, Get(txn, root));
  auto add = [](uint64_t value, int64_t delta) -> uint64_t {
    if (delta < 0 && static_cast<uint64_t>(-delta) > value) return 0;
    return value + static_cast<uint64_t>(delta);
  };
  r.used_bytes = add(r.used_bytes, delta_bytes);
  r.used_messages = add(r.used_messages, delta_messages);
  return Put(txn, r);
}

Status QuotaDb::ForEach(db::Transaction* txn, std::string_view prefix,
                        const std::function<bool(const QuotaRoot&)>& visit) {
  Status decode_error;
  SATRAP_RETURN_IF_ERROR(db_->ForEachWithPrefix(
      txn, prefix, [&](std::string_view key, std::string_view value) {
        Result<QuotaRoot> r = DecodeQuotaRoot(key, value);
        if (!r.ok()) {
          decode_error = r.status();
          return false;
        }
        return visit(*r);
      }));
  return decode_error;
}

}  // namespace satrap::quota
