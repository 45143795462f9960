#include "protocol/smtp.h"

#include "base/check.h"
#include "base/strings.h"

namespace satrap::protocol {
namespace {

struct VerbName {
  std::string_view name;
  SmtpVerb verb;
};

constexpr VerbName kVerbs[] = {
    {"HELO", SmtpVerb::kHelo}, {"EHLO", SmtpVerb::kEhlo}, {"LHLO", SmtpVerb::kLhlo},
    {"MAIL", SmtpVerb::kMail}, {"RCPT", SmtpVerb::kRcpt}, {"DATA", SmtpVerb::kData},
    {"BDAT", SmtpVerb::kBdat}, {"RSET", SmtpVerb::kRset}, {"NOOP", SmtpVerb::kNoop},
    {"QUIT", SmtpVerb::kQuit}, {"VRFY", SmtpVerb::kVrfy}, {"HELP", SmtpVerb::kHelp},
    {"STARTTLS", SmtpVerb::kStartTls}, {"AUTH", SmtpVerb::kAuth},
};

bool IsAlpha(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// atext (RFC 5321 §4.1.2 via RFC 5322 §3.2.3); 8-bit bytes pass for
// SMTPUTF8 (RFC 6531 §3.3) senders.
bool IsAtext(unsigned char c) {
  if (IsAlpha(c) || IsDigit(c) || c >= 0x80) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str].
bool IsDomain(std::string_view domain) {
  if (domain.empty()) return false;
  for (std::string_view label : Split(domain, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c < 0x80) return false;
    }
  }
  return true;
}

// address-literal = "[" 1*dcontent "]", dcontent = %d33-90 / %d94-126.
bool IsAddressLiteral(std::string_view domain) {
  if (domain.size() < 3 || domain.front() != '[' || domain.back() != ']') return false;
  for (unsigned char c : domain.substr(1, domain.size() - 2)) {
    if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') return false;
  }
  return true;
}

bool IsDotString(std::string_view s) {
  if (s.empty()) return false;
  for (std::string_view atom : Split(s, '.')) {
    if (atom.empty()) return false;
    for (unsigned char c : atom) {
      if (!IsAtext(c)) return false;
    }
  }
  return true;
}

// Local-part at the start of `text` (before "@" or ">").
Result<std::string> ParseLocalPart(std::string_view text, size_t* consumed) {
  if (!text.empty() && text[0] == '"') {
    std::string value;
    for (size_t i = 1; i < text.size(); ++i) {
      unsigned char c = text[i];
      if (c == '"') {
        *consumed = i + 1;
        return value;
      }
      if (c == '\\') {
        // quoted-pairSMTP = %d92 %d32-126
        if (i + 1 >= text.size() || text[i + 1] < 32 || text[i + 1] > 126) break;
        value.push_back(text[++i]);
      } else if ((c >= 32 && c <= 126) || c >= 0x80) {
        value.push_back(static_cast<char>(c));
      } else {
        break;
      }
    }
    return Status::Invalid("bad quoted local part");
  }
  size_t end = text.find_first_of("@>");
  if (end == std::string_view::npos) end = text.size();
  std::string_view local = text.substr(0, end);
  if (!IsDotString(local)) return Status::Invalid("bad local part");
  *consumed = end;
  return std::string(local);
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-");
// esmtp-value = 1*(%d33-60 / %d62-126).
Result<std::vector<std::pair<std::string, std::string>>> ParseParams(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view param : SplitWhitespace(text)) {
    size_t eq = param.find('=');
    std::string_view keyword = param.substr(0, eq);
    if (keyword.empty() || !(IsAlpha(keyword[0]) || IsDigit(keyword[0]))) {
      return Status::Invalid("bad parameter keyword");
    }
    for (unsigned char c : keyword) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-') return Status::Invalid("bad parameter keyword");
    }
    std::string value;
    if (eq != std::string_view::npos) {
      std::string_view v = param.substr(eq + 1);
      if (v.empty()) return Status::Invalid("empty parameter value");
      for (unsigned char c : v) {
        if (c < 33 || c > 126 || c == '=') return Status::Invalid("bad parameter value");
      }
      value = std::string(v);
    }
    std::string upper = AsciiUpper(keyword);
    for (const auto& existing : params) {
      if (existing.first == upper) return Status::Invalid("repeated parameter");
    }
    params.emplace_back(std::move(upper), std::move(value));
  }
  return params;
}

// xtext (RFC 3461 §4): "+" followed by two uppercase hex digits encodes a byte.
Result<std::string> DecodeXtext(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '+') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return Status::Invalid("bad xtext");
    int value = 0;
    for (size_t j = i + 1; j <= i + 2; ++j) {
      char c = text[j];
      int digit = IsDigit(c) ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (digit < 0) return Status::Invalid("bad xtext");
      value = value * 16 + digit;
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

// "FROM:" / "TO:" then the path and the parameters after it.
Result<std::string_view> StripKeyword(std::string_view argument, std::string_view keyword) {
  if (!StartsWithIgnoreCase(argument, keyword)) return Status::Invalid("missing keyword");
  argument.remove_prefix(keyword.size());
  // RFC 5321 has no space here; many clients send one and Postfix accepts it.
  if (!argument.empty() && argument[0] == ' ') argument.remove_prefix(1);
  return argument;
}

Status ApplyMailParam(const std::pair<std::string, std::string>& param, MailFromArgs* args) {
  const auto& [keyword, value] = param;
  if (keyword == "SIZE") {
    std::optional<uint64_t> size = ParseUint64(value);
    if (!size.has_value()) return Status::Invalid("bad SIZE");
    args->size = *size;
  } else if (keyword == "BODY") {
    if (EqualsIgnoreCase(value, "7BIT")) {
      args->body = BodyType::k7Bit;
    } else if (EqualsIgnoreCase(value, "8BITMIME")) {
      args->body = BodyType::k8BitMime;
    } else if (EqualsIgnoreCase(value, "BINARYMIME")) {
      args->body = BodyType::kBinaryMime;
    } else {
      return Status::Invalid("bad BODY");
    }
  } else if (keyword == "AUTH") {
    if (value.empty()) return Status::Invalid("bad AUTH");
    if (value == "<>") {
      args->auth = value;
    } else {
      SATRAP_ASSIGN_OR_RETURN(args->auth, DecodeXtext(value));
    }
  } else if (keyword == "SMTPUTF8") {
    if (!value.empty()) return Status::Invalid("SMTPUTF8 takes no value");
    args->smtputf8 = true;
  } else {
    return Status::Unsupported("unrecognised MAIL parameter " + keyword);
  }
  return Status::Ok();
}

}  // namespace

Result<SmtpCommand> ParseSmtpCommand(std::string_view line) {
  if (line.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) {
    return Status::Invalid("control character in command line");
  }
  size_t sp = line.find(' ');
  std::string_view verb = line.substr(0, sp);
  if (verb.empty()) return Status::Invalid("empty command");
  for (unsigned char c : verb) {
    if (!IsAlpha(c)) return Status::Invalid("bad command verb");
  }
  SmtpCommand command;
  command.verb_text = std::string(verb);
  for (const VerbName& v : kVerbs) {
    if (EqualsIgnoreCase(verb, v.name)) command.verb = v.verb;
  }
  if (sp != std::string_view::npos) command.argument = std::string(line.substr(sp + 1));
  return command;
}

std::string MailPath::Address() const {
  if (IsNull()) return "";
  std::string local;
  if (IsDotString(local_part)) {
    local = local_part;
  } else {
    local = "\"";
    for (char c : local_part) {
      if (c == '"' || c == '\\') local.push_back('\\');
      local.push_back(c);
    }
    local.push_back('"');
  }
  return domain.empty() ? local : local + "@" + domain;
}

Result<MailPath> ParseMailPath(std::string_view text, bool allow_null, DomainRule domain_rule,
                               size_t* consumed) {
  if (text.empty() || text[0] != '<') return Status::Invalid("path must start with '<'");
  if (text.substr(0, 2) == "<>") {
    if (!allow_null) return Status::Invalid("null path not allowed");
    *consumed = 2;
    return MailPath{};
  }
  size_t pos = 1;
  // A-d-l ":" (source route): accepted and ignored, RFC 5321 §4.1.1.3.
  if (text.size() > pos && text[pos] == '@') {
    size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) return Status::Invalid("bad source route");
    for (std::string_view hop : Split(text.substr(pos, colon - pos), ',')) {
      if (hop.size() < 2 || hop[0] != '@' || !IsDomain(hop.substr(1))) {
        return Status::Invalid("bad source route");
      }
    }
    pos = colon + 1;
  }
  MailPath path;
  size_t used = 0;
  SATRAP_ASSIGN_OR_RETURN(path.local_part, ParseLocalPart(text.substr(pos), &used));
  pos += used;
  if (pos < text.size() && text[pos] == '@') {
    size_t close = text.find('>', pos);
    if (close == std::string_view::npos) return Status::Invalid("path must end with '>'");
    std::string_view domain = text.substr(pos + 1, close - pos - 1);
    if (!IsDomain(domain) && !IsAddressLiteral(domain)) return Status::Invalid("bad domain");
    path.domain = std::string(domain);
    pos = close;
  } else if (domain_rule == DomainRule::kRequired ||
             (domain_rule == DomainRule::kPostmasterOnly &&
              !EqualsIgnoreCase(path.local_part, "postmaster"))) {
    return Status::Invalid("path without domain");
  }
  if (pos >= text.size() || text[pos] != '>') return Status::Invalid("path must end with '>'");
  if (path.local_part.empty()) return Status::Invalid("empty local part");
  *consumed = pos + 1;
  return path;
}

Result<MailFromArgs> ParseMailFrom(std::string_view argument) {
  SATRAP_ASSIGN_OR_RETURN(std::string_view rest, StripKeyword(argument, "FROM:"));
  MailFromArgs args;
  size_t used = 0;
  SATRAP_ASSIGN_OR_RETURN(args.path, ParseMailPath(rest, true, DomainRule::kRequired, &used));
  rest.remove_prefix(used);
  if (!rest.empty() && rest[0] != ' ') return Status::Invalid("junk after path");
  SATRAP_ASSIGN_OR_RETURN(auto params, ParseParams(rest));
  for (const auto& param : params) SATRAP_RETURN_IF_ERROR(ApplyMailParam(param, &args));
  return args;
}

Result<RcptToArgs> ParseRcptTo(std::string_view argument, DomainRule domain_rule) {
  SATRAP_ASSIGN_OR_RETURN(std::string_view rest, StripKeyword(argument, "TO:"));
  RcptToArgs args;
  size_t used = 0;
  SATRAP_ASSIGN_OR_RETURN(args.path, ParseMailPath(rest, false, domain_rule, &used));
  rest.remove_prefix(used);
  if (!rest.empty() && rest[0] != ' ') return Status::Invalid("junk after path");
  SATRAP_ASSIGN_OR_RETURN(args.params, ParseParams(rest));
  for (const auto& [keyword, value] : args.params) {
    if (keyword != "NOTIFY" && keyword != "ORCPT") {
      return Status::Unsupported("unrecognised RCPT parameter " + keyword);
    }
    if (value.empty()) return Status::Invalid("missing value for " + keyword);
  }
  return args;
}

Result<BdatArgs> ParseBdat(std::string_view argument) {
  std::vector<std::string_view> words = SplitWhitespace(argument);
  if (words.empty() || words.size() > 2) return Status::Invalid("BDAT takes a size and LAST");
  std::optional<uint64_t> size = ParseUint64(words[0]);
  if (!size.has_value()) return Status::Invalid("bad BDAT size");
  BdatArgs args{*size, false};
  if (words.size() == 2) {
    if (!EqualsIgnoreCase(words[1], "LAST")) return Status::Invalid("bad BDAT argument");
    args.last = true;
  }
  return args;
}

bool IsEnhancedStatus(std::string_view code) {
  std::vector<std::string_view> parts = Split(code, '.');
  if (parts.size() != 3) return false;
  if (parts[0] != "2" && parts[0] != "4" && parts[0] != "5") return false;
  for (size_t i = 1; i < 3; ++i) {
    std::string_view p = parts[i];
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return false;
    for (char c : p) {
      if (!IsDigit(c)) return false;
    }
  }
  return true;
}

std::string FormatSmtpReplyLines(int code, std::string_view enhanced,
                                 const std::vector<std::string>& lines) {
  CHECK(code >= 200 && code <= 599) << code;
  CHECK(!lines.empty());
  CHECK(enhanced.empty() || IsEnhancedStatus(enhanced)) << enhanced;
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].find_first_of("\r\n") == std::string::npos) << "reply text with a line break";
    out.append(std::to_string(code));
    out.push_back(i + 1 == lines.size() ? ' ' : '-');
    if (!enhanced.empty()) {
      out.append(enhanced);
      if (!lines[i].empty()) out.push_back(' ');
    }
    out.append(lines[i]);
    out.append("\r\n");
  }
  return out;
}

std::string FormatSmtpReply(int code, std::string_view enhanced, std::string_view text) {
  return FormatSmtpReplyLines(code, enhanced, std::vector<std::string>{std::string(text)});
}

}  // namespace satrap::protocol
