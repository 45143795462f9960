#include "protocol/sequence_set.h"

#include <algorithm>

#include "base/strings.h"

namespace satrap::protocol {
namespace {

Result<uint32_t> ParseSeqNumber(std::string_view text) {
  if (text == "*") return SequenceSet::kStar;
  std::optional<uint64_t> n = ParseUint64(text);
  // nz-number = digit-nz *DIGIT: no 0 and no leading zeros.
  if (!n.has_value() || *n == 0 || *n > 0xFFFFFFFFu || text[0] == '0') {
    return Status::Invalid("invalid sequence number");
  }
  return static_cast<uint32_t>(*n);
}

}  // namespace

NumberSet NumberSet::FromRanges(std::vector<NumberRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const NumberRange& a, const NumberRange& b) { return a.first < b.first; });
  NumberSet set;
  for (const NumberRange& range : ranges) {
    if (!set.ranges_.empty() &&
        static_cast<uint64_t>(range.first) <= static_cast<uint64_t>(set.ranges_.back().last) + 1) {
      set.ranges_.back().last = std::max(set.ranges_.back().last, range.last);
    } else {
      set.ranges_.push_back(range);
    }
  }
  return set;
}

NumberSet NumberSet::FromSorted(std::span<const uint32_t> numbers) {
  NumberSet set;
  for (uint32_t n : numbers) {
    if (!set.ranges_.empty() && static_cast<uint64_t>(n) <= static_cast<uint64_t>(set.ranges_.back().last) + 1) {
      set.ranges_.back().last = std::max(set.ranges_.back().last, n);
    } else {
      set.ranges_.push_back(NumberRange{n, n});
    }
  }
  return set;
}

uint64_t NumberSet::Count() const {
  uint64_t count = 0;
  for (const NumberRange& range : ranges_) count += uint64_t{range.last} - range.first + 1;
  return count;
}

bool NumberSet::Contains(uint32_t n) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), n,
                             [](uint32_t value, const NumberRange& r) { return value < r.first; });
  if (it == ranges_.begin()) return false;
  return n <= std::prev(it)->last;
}

std::string NumberSet::ToString() const {
  std::string out;
  for (const NumberRange& range : ranges_) {
    if (!out.empty()) out.push_back(',');
    out.append(std::to_string(range.first));
    if (range.last != range.first) {
      out.push_back(':');
      out.append(std::to_string(range.last));
    }
  }
  return out;
}

Result<SequenceSet> SequenceSet::Parse(std::string_view text, size_t max_ranges) {
  SequenceSet set;
  if (text.empty()) return Status::Invalid("empty sequence set");
  for (std::string_view element : Split(text, ',')) {
    if (set.elements_.size() == max_ranges) return Status::TooBig("too many ranges in sequence set");
    size_t colon = element.find(':');
    SATRAP_ASSIGN_OR_RETURN(uint32_t first, ParseSeqNumber(element.substr(0, colon)));
    uint32_t last = first;
    if (colon != std::string_view::npos) {
      SATRAP_ASSIGN_OR_RETURN(last, ParseSeqNumber(element.substr(colon + 1)));
    }
    set.elements_.push_back(NumberRange{first, last});
  }
  return set;
}

bool SequenceSet::HasStar() const {
  return std::any_of(elements_.begin(), elements_.end(),
                     [](const NumberRange& r) { return r.first == kStar || r.last == kStar; });
}

NumberSet SequenceSet::Resolve(uint32_t largest) const {
  std::vector<NumberRange> ranges;
  ranges.reserve(elements_.size());
  for (NumberRange element : elements_) {
    if (element.first == kStar) element.first = largest;
    if (element.last == kStar) element.last = largest;
    // "*" in an empty mailbox resolves to 0, which no message has.
    if (element.first == 0 && element.last == 0) continue;
    if (element.first > element.last) std::swap(element.first, element.last);
    if (element.first == 0) element.first = 1;
    ranges.push_back(element);
  }
  return NumberSet::FromRanges(std::move(ranges));
}

Result<NumberSet> SequenceSet::ResolveMsgnums(uint32_t exists) const {
  if (exists == 0) return Status::Invalid("no messages in the mailbox");
  NumberSet set = Resolve(exists);
  if (!set.empty() && set.ranges().back().last > exists) {
    return Status::Invalid("message sequence number out of range");
  }
  return set;
}

std::vector<uint32_t> SequenceSet::MatchUids(std::span<const uint32_t> sorted_uids) const {
  if (sorted_uids.empty()) return {};
  return MatchUids(static_cast<uint32_t>(sorted_uids.size()), sorted_uids.back(),
                   [&sorted_uids](uint32_t uid) {
                     auto it = std::lower_bound(sorted_uids.begin(), sorted_uids.end(), uid);
                     return static_cast<uint32_t>(it - sorted_uids.begin()) + 1;
                   });
}

std::vector<uint32_t> SequenceSet::MatchUids(
    uint32_t count, uint32_t last_uid, const std::function<uint32_t(uint32_t)>& lower_bound) const {
  std::vector<uint32_t> msgnums;
  if (count == 0) return msgnums;
  // Ascending, disjoint ranges: each is two lower bounds.
  const NumberSet uids = Resolve(last_uid);
  for (const NumberRange& range : uids.ranges()) {
    const uint32_t first = lower_bound(range.first);
    const uint32_t end = range.last == UINT32_MAX ? count + 1 : lower_bound(range.last + 1);
    for (uint32_t msgnum = first; msgnum < end; ++msgnum) msgnums.push_back(msgnum);
    if (end > count) break;
  }
  return msgnums;
}

}  // namespace satrap::protocol
