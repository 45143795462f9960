// Sequence sets (RFC 3501 §9 sequence-set) and compact number sets.
//
// SequenceSet is what the client wrote: ranges of message sequence numbers or
// UIDs in which "*" stands for the largest number in use. It is resolved
// against the mailbox at the moment of use:
//   - ResolveMsgnums(exists): message sequence numbers; a number past the
//     last message is a client error (kInvalid, answered BAD), as Dovecot and
//     Cyrus do;
//   - MatchUids(uids): UIDs; numbers without a message are simply skipped, and
//     "n:*" always includes the last UID (RFC 3501 §6.4.8).
// Nothing is ever materialised per number of a range: "1:4294967295" is one
// range, and NumberSet iterates lazily.
//
// NumberSet is a sorted set of disjoint, non-adjacent ranges; it also builds
// the compact strings for COPYUID/APPENDUID (RFC 4315) and ESEARCH (RFC 4731).
// All types are plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::protocol {

struct NumberRange {
  uint32_t first = 0;
  uint32_t last = 0;  // first <= last
  bool operator==(const NumberRange&) const = default;
};

class NumberSet {
 public:
  NumberSet() = default;
  // Ranges in any order, overlapping or not; each must have first <= last.
  static NumberSet FromRanges(std::vector<NumberRange> ranges);
  // Numbers in ascending order (duplicates allowed).
  static NumberSet FromSorted(std::span<const uint32_t> numbers);

  bool empty() const { return ranges_.empty(); }
  const std::vector<NumberRange>& ranges() const { return ranges_; }
  // How many numbers the set holds (up to 2^32, hence 64 bits).
  uint64_t Count() const;
  bool Contains(uint32_t n) const;
  // "1:3,5,7:9"; empty string for an empty set.
  std::string ToString() const;

  // Calls fn(n) for every number in ascending order; stops early when fn
  // returns false.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const NumberRange& range : ranges_) {
      for (uint64_t n = range.first; n <= range.last; ++n) {
        if (!fn(static_cast<uint32_t>(n))) return;
      }
    }
  }

  bool operator==(const NumberSet&) const = default;

 private:
  std::vector<NumberRange> ranges_;
};

class SequenceSet {
 public:
  // "*" inside a parsed range.
  static constexpr uint32_t kStar = 0;

  // seq-number = nz-number / "*"; seq-range = seq-number ":" seq-number;
  // sequence-set = (seq-number / seq-range) *("," sequence-set). kInvalid for
  // anything else (0, empty elements, numbers past 2^32-1, spaces) and kTooBig
  // for more than `max_ranges` elements.
  static Result<SequenceSet> Parse(std::string_view text, size_t max_ranges = 10000);
  // The set "$" of RFC 5182 (SEARCHRES) is the caller's, not parsed here.

  // As written: endpoints may be kStar, and first > last ("5:3") is kept.
  const std::vector<NumberRange>& elements() const { return elements_; }
  bool HasStar() const;

  // Message sequence numbers against a mailbox of `exists` messages: "*" is
  // `exists`. kInvalid if a number exceeds `exists` (and for any set when the
  // mailbox is empty).
  Result<NumberSet> ResolveMsgnums(uint32_t exists) const;
  // The numbers themselves with "*" = `largest`, no bounds check (UIDs).
  NumberSet Resolve(uint32_t largest) const;
  // UIDs against the mailbox's ascending UID list: returns the 1-based message
  // sequence numbers of the messages whose UID is in the set; "*" is the last
  // UID. Costs O(ranges * log(messages) + matches).
  std::vector<uint32_t> MatchUids(std::span<const uint32_t> sorted_uids) const;
  // The same against a mailbox of `count` messages whose UIDs ascend, given
  // the last UID and lower_bound(uid): the first message (1-based) whose UID
  // is >= uid, count + 1 if none. For a mailbox that finds UIDs by binary
  // search rather than listing them all.
  std::vector<uint32_t> MatchUids(uint32_t count, uint32_t last_uid,
                                  const std::function<uint32_t(uint32_t)>& lower_bound) const;

 private:
  std::vector<NumberRange> elements_;
};

}  // namespace satrap::protocol
