// SEARCH criteria (RFC 3501 §6.4.4): parsed once into a tree, then matched
// against each message of the selected mailbox.
//
// Flag, size, date and sequence keys read only the index; header keys read
// the cached header fields when they suffice, and BODY/TEXT read the
// message file, decoding transfer encodings, charsets and RFC 2047 words
// (lib/mime) and folding case on both sides. Nesting (OR, NOT, lists) is
// bounded so a hostile client cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "mailbox/mailbox.h"
#include "protocol/imap_arg.h"
#include "protocol/sequence_set.h"

namespace satrap::imapd {

enum class SearchKind : uint8_t {
  kAll, kAnd, kOr, kNot, kSystemFlag, kKeyword, kRecent, kNew, kOld, kLarger, kSmaller,
  kBefore, kOn, kSince, kSentBefore, kSentOn, kSentSince, kHeader, kBody, kText, kSequence, kUid,
};

struct SearchKey {
  SearchKind kind = SearchKind::kAll;
  uint32_t flag = 0;               // kSystemFlag
  bool negate = false;             // UN* forms of flags and keywords
  std::string field;               // kHeader; kKeyword: the keyword
  std::string folded;              // header/body/text needle, case-folded
  uint64_t number = 0;             // sizes; days since the epoch for dates
  protocol::SequenceSet set;       // kSequence, kUid
  std::vector<SearchKey> children; // kAnd, kOr (two), kNot (one)
};

// Limits for hostile input.
inline constexpr int kMaxSearchDepth = 64;

// Parses the criteria (after CHARSET). kInvalid for syntax errors, kTooBig
// for nesting beyond kMaxSearchDepth.
Result<SearchKey> ParseSearch(std::span<const protocol::ImapArg> args);

// The msgnos of `mailbox` matching `key`, ascending. kNotFound never ends
// the search: a message expunged meanwhile simply does not match.
Result<std::vector<uint32_t>> RunSearch(const mailbox::Mailbox& mailbox, const SearchKey& key);

}  // namespace satrap::imapd
