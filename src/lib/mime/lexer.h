// A tokenizer for structured header values: RFC 5322 §3.2 (atoms, quoted
// strings, comments, domain literals, specials) and, in MIME mode, RFC 2045
// §5.1 tokens and tspecials.
//
// Used by the address, Content-* and date parsers of this module. Pure.
// Never fails: an unterminated quoted string, comment or domain literal runs
// to the end of the value; a stray ')' or ']' is a special; 8-bit bytes and
// control bytes other than CR, LF and TAB belong to atoms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace satrap::mime {

enum class TokenKind { kAtom, kQuoted, kDomainLiteral, kSpecial, kComment };

struct Token {
  TokenKind kind = TokenKind::kAtom;
  std::string text;           // quoted and comment text unescaped; specials one byte
  bool space_before = false;  // blanks or a comment came before this token
};

enum class LexMode {
  kRfc5322,  // specials: ()<>[]:;@\,." ; '.' separates atoms
  kMime,     // tspecials: ()<>@,;:\"/[]?= ; '.' is part of a token
};

// Splits an unfolded header value into tokens. Comments are returned as
// kComment tokens so callers that need them (display-name fallback) can look.
std::vector<Token> Tokenize(std::string_view value, LexMode mode);

}  // namespace satrap::mime
