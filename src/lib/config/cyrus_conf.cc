// cyrus.conf: tokens, then sections of entries; see cyrus_conf.h.
#include "config/cyrus_conf.h"

#include <utility>

#include "base/file.h"
#include "base/strings.h"

namespace satrap::config {

namespace {

struct Token {
  enum Kind { kWord, kOpen, kClose, kEnd } kind = kEnd;
  std::string key;    // a name, or the key of key=value
  std::string value;  // quotes removed
  bool has_value = false;
  int line = 0;
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Ends an unquoted word: blanks, line ends and braces.
bool EndsWord(char c) { return IsBlank(c) || c == '\n' || c == '{' || c == '}'; }

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view filename) : text_(text), file_(filename) {}

  Status Next(Token* token);
  int line() const { return line_; }
  Status Error(int line, std::string_view message) const {
    return Status::Invalid(
        StringPrintf("%.*s:%d: ", static_cast<int>(file_.size()), file_.data(), line) +
        std::string(message));
  }

 private:
  Status ReadWord(Token* token);
  Status ReadValue(Token* token);

  std::string_view text_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_ = 1;
};

Status Lexer::Next(Token* token) {
  *token = Token();
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
    } else if (IsBlank(c)) {
      ++pos_;
    } else if (c == '\0') {
      return Error(line_, "NUL byte");
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  token->line = line_;
  if (pos_ == text_.size()) return Status();
  char c = text_[pos_];
  if (c == '{' || c == '}') {
    token->kind = c == '{' ? Token::kOpen : Token::kClose;
    ++pos_;
    return Status();
  }
  token->kind = Token::kWord;
  return ReadWord(token);
}

Status Lexer::ReadWord(Token* token) {
  size_t start = pos_;
  while (pos_ < text_.size() && !EndsWord(text_[pos_]) && text_[pos_] != '=' &&
         text_[pos_] != '"' && text_[pos_] != '\0') {
    ++pos_;
  }
  token->key = std::string(text_.substr(start, pos_ - start));
  if (pos_ < text_.size() && text_[pos_] == '"') {
    return Error(line_, token->key.empty() ? "quoted text without a key= before it"
                                           : "'\"' inside the name '" + token->key + "'");
  }
  if (pos_ < text_.size() && text_[pos_] == '\0') return Error(line_, "NUL byte");
  if (pos_ == text_.size() || text_[pos_] != '=') return Status();
  if (token->key.empty()) return Error(line_, "'=' without a key before it");
  ++pos_;
  token->has_value = true;
  return ReadValue(token);
}

Status Lexer::ReadValue(Token* token) {
  if (pos_ < text_.size() && text_[pos_] == '"') {
    size_t close = text_.find_first_of("\"\n", pos_ + 1);
    if (close == std::string_view::npos || text_[close] != '"') {
      return Error(line_, "unterminated quote in the value of '" + token->key + "'");
    }
    token->value = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    if (pos_ < text_.size() && !EndsWord(text_[pos_]) && text_[pos_] != '#') {
      return Error(line_, "text right after the closing quote of '" + token->key + "'");
    }
  } else {
    size_t start = pos_;
    while (pos_ < text_.size() && !EndsWord(text_[pos_])) {
      if (text_[pos_] == '"')
        return Error(line_, "stray '\"' in the value of '" + token->key + "'");
      if (text_[pos_] == '\0') return Error(line_, "NUL byte");
      ++pos_;
    }
    if (pos_ == start) return Error(line_, "missing value after '" + token->key + "='");
    token->value = std::string(text_.substr(start, pos_ - start));
  }
  if (token->value.find('\0') != std::string::npos) return Error(line_, "NUL byte");
  return Status();
}

}  // namespace

namespace {

std::vector<CyrusConfEntry>* SectionByName(CyrusConf* conf, std::string_view name) {
  if (EqualsIgnoreCase(name, "START")) return &conf->start;
  if (EqualsIgnoreCase(name, "SERVICES")) return &conf->services;
  if (EqualsIgnoreCase(name, "EVENTS")) return &conf->events;
  if (EqualsIgnoreCase(name, "DAEMON")) return &conf->daemon;
  return nullptr;
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// Parses the inside of one section, from after its '{' through its '}'.
// Returns the line of the '}'.
Result<int> ParseSection(Lexer* lexer, std::string_view name, int open_line,
                         std::vector<CyrusConfEntry>* section) {
  // Where this block's entries start; a section may come in several blocks.
  size_t first = section->size();
  for (;;) {
    Token token;
    SATRAP_RETURN_IF_ERROR(lexer->Next(&token));
    switch (token.kind) {
      case Token::kEnd:
        return lexer->Error(token.line,
                            StringPrintf("missing '}' for the %.*s section opened on line %d",
                                         static_cast<int>(name.size()), name.data(), open_line));
      case Token::kOpen:
        return lexer->Error(token.line, "nested '{' inside the " + std::string(name) + " section");
      case Token::kClose:
        return token.line;
      case Token::kWord:
        break;
    }
    if (!token.has_value) {
      if (!IsValidName(token.key)) {
        return lexer->Error(token.line, "bad entry name '" + token.key +
                                            "' (letters, digits, '.', '-' and '_' only)");
      }
      // Names repeat across sections (delprune in START and EVENTS), never
      // within one.
      for (size_t i = 0; i < section->size(); ++i) {
        if ((*section)[i].name == token.key) {
          return lexer->Error(
              token.line,
              StringPrintf("duplicate entry '%s' in %.*s (first on line %d)", token.key.c_str(),
                           static_cast<int>(name.size()), name.data(), (*section)[i].line));
        }
      }
      section->push_back(CyrusConfEntry{token.key, token.line, {}});
      continue;
    }
    if (section->size() == first) {
      return lexer->Error(token.line,
                          "'" + token.key + "=' before any entry name in " + std::string(name));
    }
    std::string key = AsciiLower(token.key);
    if (!IsValidName(key) || key.find('.') != std::string::npos) {
      return lexer->Error(token.line, "bad key '" + token.key + "'");
    }
    CyrusConfEntry& entry = section->back();
    if (entry.Find(key) != nullptr) {
      return lexer->Error(token.line, "'" + key + "' given twice for '" + entry.name + "'");
    }
    entry.args.push_back(CyrusConfEntry::Arg{std::move(key), std::move(token.value), token.line});
  }
}

}  // namespace

const std::string* CyrusConfEntry::Find(std::string_view key) const {
  for (const Arg& arg : args) {
    if (arg.key == key) return &arg.value;
  }
  return nullptr;
}

std::string CyrusConf::Where(int line) const { return StringPrintf("%s:%d", path.c_str(), line); }

Result<CyrusConf> ParseCyrusConf(std::string_view text, std::string_view filename) {
  CyrusConf conf;
  conf.path = std::string(filename);
  Lexer lexer(text, filename);
  int close_line = 0;  // line of the last '}': nothing else may follow on it
  for (;;) {
    Token token;
    SATRAP_RETURN_IF_ERROR(lexer.Next(&token));
    if (token.kind == Token::kEnd) return conf;
    if (token.line == close_line) return lexer.Error(token.line, "unexpected text after '}'");
    if (token.kind == Token::kOpen) return lexer.Error(token.line, "'{' without a section name");
    if (token.kind == Token::kClose) return lexer.Error(token.line, "'}' without an open section");
    if (token.has_value) {
      return lexer.Error(token.line, "'" + token.key + "=' outside a section");
    }
    std::vector<CyrusConfEntry>* section = SectionByName(&conf, token.key);
    if (section == nullptr) {
      return lexer.Error(token.line,
                         "unknown section '" + token.key + "' (START, SERVICES, EVENTS or DAEMON)");
    }
    Token open;
    SATRAP_RETURN_IF_ERROR(lexer.Next(&open));
    if (open.kind != Token::kOpen) {
      return lexer.Error(open.line, "missing '{' after " + token.key);
    }
    std::string name = AsciiUpper(token.key);
    SATRAP_ASSIGN_OR_RETURN(close_line, ParseSection(&lexer, name, open.line, section));
  }
}

Result<CyrusConf> LoadCyrusConf(const std::string& path) {
  SATRAP_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseCyrusConf(text, path);
}

}  // namespace satrap::config
