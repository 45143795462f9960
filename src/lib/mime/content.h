// MIME Content-* header fields: Content-Type and its parameters (RFC 2045
// §5.1, with RFC 2231 continuations and charsets), Content-Disposition
// (RFC 2183), Content-Language (RFC 3282) and Content-Transfer-Encoding.
//
// Used by the message parser and by callers that need one parameter (a
// filename for sieve, a charset for search). Pure.
//
// RFC 2231 parameters are merged the way Dovecot presents them in
// BODYSTRUCTURE: "name*0", "name*1", ... become one "name"; when any section
// was charset-encoded ("name*0*"), the merged parameter is called "name*" and
// its value keeps the charset'language'%XX form, sections that were plain
// being %-encoded to match. DecodeParamValue() (search_text.h) gives UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satrap::mime {

inline constexpr size_t kMaxParams = 256;

struct Param {
  std::string name;   // as written, minus RFC 2231 section numbers
  std::string value;  // unquoted; merged across continuations

  bool operator==(const Param&) const = default;
};

struct ContentType {
  std::string type;     // as written ("text", "Multipart")
  std::string subtype;  // as written ("plain")
  std::vector<Param> params;

  bool operator==(const ContentType&) const = default;
};

struct Disposition {
  std::string type;  // "inline", "attachment", ...
  std::vector<Param> params;

  bool operator==(const Disposition&) const = default;
};

// Parses a Content-Type value. nullopt when there is no "type/subtype" (the
// caller then applies the RFC 2045 §5.2 default).
std::optional<ContentType> ParseContentType(std::string_view value);

// Parses a Content-Disposition value; nullopt when there is no type token.
std::optional<Disposition> ParseDisposition(std::string_view value);

// Parses ";"-separated parameters (RFC 2045 §5.1), merging RFC 2231
// continuations. At most kMaxParams are kept.
std::vector<Param> ParseParams(std::string_view value);

// Content-Language: the comma-separated language tags.
std::vector<std::string> ParseLanguageList(std::string_view value);

// Content-Transfer-Encoding: the mechanism token as written, or "" when the
// value is missing or is not a token (the caller then uses "7bit").
std::string ParseTransferEncoding(std::string_view value);

// The value of the first parameter called `name` (case-insensitive).
std::optional<std::string_view> FindParam(const std::vector<Param>& params,
                                          std::string_view name);

}  // namespace satrap::mime
