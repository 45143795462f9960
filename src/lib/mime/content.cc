#include "mime/content.h"

#include <algorithm>
#include <map>

#include "base/strings.h"
#include "mime/lexer.h"

namespace satrap::mime {
namespace {

constexpr unsigned kMaxSections = 1000;

bool IsSpecial(const Token& t, char c) {
  return t.kind == TokenKind::kSpecial && t.text[0] == c;
}

struct RawParam {
  std::string name;
  std::string value;
};

// Reads "attribute=value" pairs after the first ';'. Unquoted values are
// taken up to the next ';' whatever they contain, because real mail has
// "boundary=----=_Part_1" and "name=my file.pdf" without quotes.
std::vector<RawParam> ReadRawParams(const std::vector<Token>& tokens, size_t pos) {
  std::vector<RawParam> params;
  while (pos < tokens.size() && params.size() < kMaxParams * 4) {
    while (pos < tokens.size() && !IsSpecial(tokens[pos], ';')) ++pos;
    if (pos++ >= tokens.size()) break;
    while (pos < tokens.size() && tokens[pos].kind == TokenKind::kComment) ++pos;
    if (pos >= tokens.size() || tokens[pos].kind != TokenKind::kAtom) continue;
    RawParam param{tokens[pos].text, ""};
    ++pos;
    while (pos < tokens.size() && tokens[pos].kind == TokenKind::kComment) ++pos;
    if (pos >= tokens.size() || !IsSpecial(tokens[pos], '=')) continue;
    ++pos;
    bool first = true;
    for (; pos < tokens.size() && !IsSpecial(tokens[pos], ';'); ++pos) {
      const Token& t = tokens[pos];
      if (t.kind == TokenKind::kComment) continue;
      if (!first && t.space_before) param.value.push_back(' ');
      param.value.append(t.text);
      first = false;
    }
    params.push_back(std::move(param));
  }
  return params;
}

// RFC 2231 §4: a plain section inside an extended parameter must read as
// %-encoded text too.
std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (c <= ' ' || c >= 0x7f || c == '%' || c == '\'' || c == '"' || c == '*') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

struct Section {
  unsigned number;
  bool extended;
  std::string value;
};

// Splits "name*3*" into ("name", 3, extended). Returns false for a plain name.
bool SplitRfc2231Name(std::string_view name, std::string* base, unsigned* number,
                      bool* extended, bool* numbered) {
  *extended = !name.empty() && name.back() == '*';
  if (*extended) name.remove_suffix(1);
  size_t star = name.rfind('*');
  *numbered = false;
  *number = 0;
  if (star != std::string_view::npos && star + 1 < name.size()) {
    std::optional<uint64_t> n = ParseUint64(name.substr(star + 1));
    if (n && *n < kMaxSections) {
      *numbered = true;
      *number = static_cast<unsigned>(*n);
      name = name.substr(0, star);
    }
  }
  *base = std::string(name);
  return *extended || *numbered;
}

std::string MergeSections(std::vector<Section>* sections, bool* extended) {
  std::stable_sort(sections->begin(), sections->end(),
                   [](const Section& a, const Section& b) { return a.number < b.number; });
  *extended = false;
  for (const Section& s : *sections) *extended = *extended || s.extended;
  std::string value;
  for (const Section& s : *sections) {
    value += (*extended && !s.extended) ? PercentEncode(s.value) : s.value;
  }
  // An extended value must start with charset'language'; a plain section 0
  // has none, so give it an empty pair.
  if (*extended && !sections->empty() && !(*sections)[0].extended) value = "''" + value;
  return value;
}

}  // namespace

std::vector<Param> ParseParams(std::string_view value) {
  std::vector<Token> tokens = Tokenize(value, LexMode::kMime);
  std::vector<RawParam> raw = ReadRawParams(tokens, 0);
  // Keeps first-appearance order; RFC 2231 sections gather under their base.
  std::vector<Param> params;
  std::vector<std::vector<Section>> sections;  // parallel to params; empty for plain
  std::map<std::string, size_t> index_of_base;
  for (RawParam& p : raw) {
    std::string base;
    unsigned number = 0;
    bool extended = false;
    bool numbered = false;
    if (!SplitRfc2231Name(p.name, &base, &number, &extended, &numbered)) {
      if (params.size() >= kMaxParams) continue;
      params.push_back(Param{std::move(p.name), std::move(p.value)});
      sections.emplace_back();
      continue;
    }
    std::string key = AsciiLower(base);
    auto it = index_of_base.find(key);
    if (it == index_of_base.end()) {
      if (params.size() >= kMaxParams) continue;
      it = index_of_base.emplace(key, params.size()).first;
      params.push_back(Param{base, ""});
      sections.emplace_back();
    }
    sections[it->second].push_back(Section{number, extended, std::move(p.value)});
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (sections[i].empty()) continue;
    bool extended = false;
    params[i].value = MergeSections(&sections[i], &extended);
    if (extended) params[i].name += '*';
  }
  return params;
}

std::optional<ContentType> ParseContentType(std::string_view value) {
  std::vector<Token> tokens = Tokenize(value, LexMode::kMime);
  size_t pos = 0;
  auto skip_comments = [&] {
    while (pos < tokens.size() && tokens[pos].kind == TokenKind::kComment) ++pos;
  };
  skip_comments();
  if (pos >= tokens.size() || tokens[pos].kind != TokenKind::kAtom) return std::nullopt;
  ContentType ct;
  ct.type = tokens[pos++].text;
  skip_comments();
  if (pos >= tokens.size() || !IsSpecial(tokens[pos], '/')) return std::nullopt;
  ++pos;
  skip_comments();
  if (pos >= tokens.size() || tokens[pos].kind != TokenKind::kAtom) return std::nullopt;
  ct.subtype = tokens[pos].text;
  size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) ct.params = ParseParams(value.substr(semicolon));
  return ct;
}

std::optional<Disposition> ParseDisposition(std::string_view value) {
  std::vector<Token> tokens = Tokenize(value, LexMode::kMime);
  size_t pos = 0;
  while (pos < tokens.size() && tokens[pos].kind == TokenKind::kComment) ++pos;
  if (pos >= tokens.size() || tokens[pos].kind != TokenKind::kAtom) return std::nullopt;
  Disposition d;
  d.type = tokens[pos].text;
  size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos) d.params = ParseParams(value.substr(semicolon));
  return d;
}

std::vector<std::string> ParseLanguageList(std::string_view value) {
  std::vector<std::string> languages;
  for (const Token& t : Tokenize(value, LexMode::kMime)) {
    if (t.kind == TokenKind::kAtom && languages.size() < kMaxParams) languages.push_back(t.text);
  }
  return languages;
}

std::string ParseTransferEncoding(std::string_view value) {
  std::vector<Token> tokens = Tokenize(value, LexMode::kMime);
  size_t pos = 0;
  while (pos < tokens.size() && tokens[pos].kind == TokenKind::kComment) ++pos;
  if (pos >= tokens.size() || tokens[pos].kind != TokenKind::kAtom) return "";
  return tokens[pos].text;
}

std::optional<std::string_view> FindParam(const std::vector<Param>& params,
                                          std::string_view name) {
  for (const Param& p : params) {
    if (EqualsIgnoreCase(p.name, name)) return p.value;
  }
  return std::nullopt;
}

}  // namespace satrap::mime
