#include "mailbox/seen.h"

#include "base/strings.h"
#include "mailbox/user_files.h"

namespace satrap::mailbox {

std::string SeenState::FormatUidSet(const std::set<uint32_t>& uids) {
  std::string out;
  for (auto it = uids.begin(); it != uids.end();) {
    uint32_t first = *it, last = *it;
    for (++it; it != uids.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) out += ":" + std::to_string(last);
  }
  return out;
}

bool SeenState::ParseUidSet(std::string_view text, std::set<uint32_t>* uids) {
  if (text.empty()) return true;
  for (std::string_view range : Split(text, ',')) {
    size_t colon = range.find(':');
    std::optional<uint64_t> a = ParseUint64(range.substr(0, colon));
    std::optional<uint64_t> b =
        colon == std::string_view::npos ? a : ParseUint64(range.substr(colon + 1));
    if (!a || !b || *a == 0 || *b < *a || *b > UINT32_MAX || *b - *a > 10'000'000) return false;
    for (uint64_t u = *a; u <= *b; ++u) uids->insert(static_cast<uint32_t>(u));
  }
  return true;
}

void SeenState::ParseFile(const std::string& text, std::set<uint32_t>* uids) const {
  for (std::string_view line : Split(text, '\n')) {
    std::vector<std::string_view> fields = Split(line, ' ');
    if (fields.size() != 3 || fields[0] != uniqueid_) continue;
    if (ParseUint64(fields[1]) != std::optional<uint64_t>(uidvalidity_)) return;
    std::set<uint32_t> parsed;
    if (ParseUidSet(fields[2], &parsed)) *uids = std::move(parsed);
    return;
  }
}

Result<std::unique_ptr<SeenState>> SeenState::Load(std::string path, std::string uniqueid,
                                                   uint32_t uidvalidity, int file_mode) {
  std::unique_ptr<SeenState> state(
      new SeenState(std::move(path), std::move(uniqueid), uidvalidity, file_mode));
  SATRAP_RETURN_IF_ERROR(state->Reload());
  return state;
}

Status SeenState::Reload() {
  SATRAP_ASSIGN_OR_RETURN(std::string text, ReadUserFile(path_));
  seen_.clear();
  ParseFile(text, &seen_);
  return Status::Ok();
}

Status SeenState::Set(const std::vector<uint32_t>& uids, bool seen) {
  return UpdateUserFile(path_, file_mode_, [&](std::string* text) {
    std::set<uint32_t> current;
    ParseFile(*text, &current);
    for (uint32_t uid : uids) {
      if (seen) {
        current.insert(uid);
      } else {
        current.erase(uid);
      }
    }
    std::string out;
    for (std::string_view line : Split(*text, '\n')) {
      if (line.empty() || line.substr(0, uniqueid_.size() + 1) == uniqueid_ + " ") continue;
      out += std::string(line) + "\n";
    }
    out += uniqueid_ + " " + std::to_string(uidvalidity_) + " " + FormatUidSet(current) + "\n";
    *text = std::move(out);
    seen_ = std::move(current);
    return Status::Ok();
  });
}

}  // namespace satrap::mailbox
