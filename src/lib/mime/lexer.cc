#include "mime/lexer.h"

namespace satrap::mime {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecial(char c, LexMode mode) {
  std::string_view specials =
      mode == LexMode::kMime ? std::string_view("()<>@,;:\\\"/[]?=") : "()<>[]:;@\\,.\"";
  return specials.find(c) != std::string_view::npos;
}

// Reads a comment starting at value[*pos] == '('; nested comments count, and
// a backslash quotes the next byte (RFC 5322 §3.2.2 ccontent / quoted-pair).
std::string ReadComment(std::string_view value, size_t* pos) {
  std::string text;
  int depth = 0;
  size_t i = *pos;
  for (; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      text.push_back(value[++i]);
      continue;
    }
    if (c == '(') {
      if (depth++ > 0) text.push_back(c);
      continue;
    }
    if (c == ')') {
      if (--depth == 0) {
        ++i;
        break;
      }
      text.push_back(c);
      continue;
    }
    text.push_back(c);
  }
  *pos = i;
  return text;
}

// Reads a quoted string or domain literal from its opening byte to `close`.
std::string ReadDelimited(std::string_view value, size_t* pos, char close, bool keep_escape) {
  std::string text;
  size_t i = *pos + 1;
  for (; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      if (keep_escape) text.push_back(c);
      text.push_back(value[++i]);
      continue;
    }
    if (c == close) {
      ++i;
      break;
    }
    if (c == '\r' || c == '\n') continue;  // folding inside a quoted string
    text.push_back(c);
  }
  *pos = i;
  return text;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view value, LexMode mode) {
  std::vector<Token> tokens;
  bool space = false;
  size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    if (IsSpace(c)) {
      space = true;
      ++i;
      continue;
    }
    Token token;
    token.space_before = space;
    if (c == '(') {
      token.kind = TokenKind::kComment;
      token.text = ReadComment(value, &i);
      tokens.push_back(std::move(token));
      space = true;
      continue;
    }
    if (c == '"') {
      token.kind = TokenKind::kQuoted;
      token.text = ReadDelimited(value, &i, '"', false);
    } else if (c == '[' && mode == LexMode::kRfc5322) {
      token.kind = TokenKind::kDomainLiteral;
      token.text = "[" + ReadDelimited(value, &i, ']', true) + "]";
    } else if (IsSpecial(c, mode)) {
      token.kind = TokenKind::kSpecial;
      token.text.assign(1, c);
      ++i;
    } else {
      size_t start = i;
      while (i < value.size() && !IsSpace(value[i]) && !IsSpecial(value[i], mode)) ++i;
      token.kind = TokenKind::kAtom;
      token.text.assign(value.substr(start, i - start));
    }
    tokens.push_back(std::move(token));
    space = false;
  }
  return tokens;
}

}  // namespace satrap::mime
