// Text for SEARCH: header values with RFC 2047 encoded words decoded, and
// message bodies with their transfer encoding undone, all as UTF-8. Callers
// fold both sides with FoldForSearch() (charset.h) and match substrings.
//
// Used by imapd's SEARCH and by sieve's header/body tests. Pure.
#pragma once

#include <string>
#include <string_view>

#include "mime/content.h"
#include "mime/parser.h"

namespace satrap::mime {

// RFC 2047: decodes every encoded word ("=?charset?B|Q?text?=") in `text` to
// UTF-8; blanks between two adjacent encoded words are dropped (§6.2), and
// adjacent words in the same charset are decoded together so a character
// split across them survives. Broken words stay as written; bytes outside
// words are read as UTF-8 or, failing that, windows-1252.
std::string DecodeEncodedWords(std::string_view text);

// Unfolds a raw header value and decodes its encoded words.
std::string DecodeHeaderValue(std::string_view raw_value);

// A Content-Type or Content-Disposition parameter as UTF-8: RFC 2231
// "charset'lang'%XX" values (names ending in '*') are decoded; other values
// get RFC 2047 decoding, which many mailers (wrongly) use for filenames.
std::string DecodeParamValue(const Param& param);

// SEARCH's match of one header field: whether the decoded, folded value of
// `raw_value` (as ParseHeaderFields gives it) contains `folded_needle`
// (already FoldForSearch'ed). A one-line plain-ASCII value without encoded
// words is its own decoding, so an ASCII needle is looked for in it as it
// is, without unfolding, decoding and folding a copy.
bool HeaderValueContains(std::string_view raw_value, std::string_view folded_needle);

// "Name: decoded value\n" for every field of a header section.
std::string SearchableHeaderText(std::string_view header);

// The text of `part` of `raw`, as UTF-8: text/* leaves decoded and
// converted from their charset; multiparts their children's text; a
// message/rfc822 part its header and body text. Other types give nothing.
std::string ExtractSearchableText(std::string_view raw, const Part& part);

}  // namespace satrap::mime
