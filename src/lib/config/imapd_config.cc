// imapd.conf: reading the file into an immutable Config.
#include "config/imapd_config.h"

#include <utility>

#include "base/check.h"
#include "base/file.h"
#include "base/strings.h"
#include "config/config_state.h"

namespace satrap::config {

using internal::ParsedValue;
using internal::Quote;

namespace {

// Families: keys Satrap passes on (sasl_*) or interprets by prefix.
constexpr std::string_view kFamilies[] = {
    "partition-",
    "metapartition-",
    "archivepartition-",
    "searchpartition-",
    "backuppartition-",
    "sasl_",
    "ldap_",
    "xlist-",
};

// Families whose value is a directory.
constexpr std::string_view kPathFamilies[] = {
    "partition-",
    "metapartition-",
    "archivepartition-",
    "backuppartition-",
};

bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsFamilyKey(std::string_view key) {
  for (std::string_view prefix : kFamilies) {
    if (key.size() > prefix.size() && HasPrefix(key, prefix)) return true;
  }
  return false;
}

// Whether `key` overrides a table option or a family key for one service:
// SERVICE_NAME (imap_tls_cert_file), the older tls_SERVICE_REST
// (tls_imap_cert_file), or SERVICE_sasl_x. *option is the table option, or
// null for a family key.
bool FindServiceOverride(std::string_view key, const OptionInfo** option) {
  *option = nullptr;
  if (HasPrefix(key, "tls_")) {
    size_t end = key.find('_', 4);
    if (end != std::string_view::npos && end > 4) {
      *option = FindOption("tls_" + std::string(key.substr(end + 1)));
      if (*option != nullptr) return true;
    }
  }
  for (size_t i = key.find('_'); i != std::string_view::npos; i = key.find('_', i + 1)) {
    if (i == 0) continue;
    std::string_view rest = key.substr(i + 1);
    *option = FindOption(rest);
    if (*option != nullptr || IsFamilyKey(rest)) return true;
  }
  return false;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// Reads the physical line of `text` at *pos, without its line end.
std::string_view NextPhysicalLine(std::string_view text, size_t* pos) {
  size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end < text.size() ? end + 1 : end;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Status Fail(std::string_view file, int line, std::string_view key, std::string_view reason) {
  std::string message = StringPrintf("%.*s:%d: ", static_cast<int>(file.size()), file.data(), line);
  if (!key.empty()) message.append(key).append(": ");
  message.append(reason);
  return Status::Invalid(std::move(message));
}

}  // namespace

std::vector<Config::State::Line> Config::State::SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    std::string_view physical = NextPhysicalLine(text, &pos);
    ++line_no;
    std::string_view trimmed = TrimWhitespace(physical);
    // A comment ends at its line, even when it ends with a backslash: joining
    // would silently hide the option on the next line.
    if (trimmed.empty() || trimmed[0] == '#') continue;
    Line logical{std::string(physical), line_no};
    // imapd.conf(5): a backslash ending a line joins the next one; "no
    // additional whitespace is inserted before or after the \".
    while (!logical.text.empty() && logical.text.back() == '\\' && pos < text.size()) {
      logical.text.pop_back();
      logical.text.append(NextPhysicalLine(text, &pos));
      ++line_no;
    }
    lines.push_back(std::move(logical));
  }
  return lines;
}

Status Config::State::AddLine(const Line& line) {
  std::string_view text = line.text;
  if (text.find('\0') != std::string_view::npos) {
    return Fail(path, line.line, "", "NUL byte in line");
  }
  text = TrimWhitespace(text);
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Fail(path, line.line, "", "missing ':' after the option name in " + Quote(text));
  }
  std::string key = AsciiLower(TrimWhitespace(text.substr(0, colon)));
  std::string_view value = TrimWhitespace(text.substr(colon + 1));
  if (key.empty()) return Fail(path, line.line, "", "empty option name before ':'");
  if (key == "@include") {
    warnings.push_back(StringPrintf("%s:%d: @include is not supported; %s was not read",
                                    path.c_str(), line.line, Quote(value).c_str()));
    return Status();
  }
  for (char c : key) {
    if (!IsKeyChar(c)) {
      return Fail(path, line.line, "", "bad character in option name " + Quote(key));
    }
  }
  if (value.empty()) return Fail(path, line.line, key, "empty value");
  if (auto it = entries.find(key); it != entries.end()) {
    return Fail(path, line.line, key,
                StringPrintf("set twice (first on line %d)", it->second.line));
  }
  Result<ParsedValue> parsed = Classify(key, value, line.line);
  if (!parsed.ok()) return Fail(path, line.line, key, parsed.status().message());
  entries.emplace(std::move(key), Entry{std::move(parsed).value(), std::string(value), line.line});
  return Status();
}

Result<ParsedValue> Config::State::Classify(const std::string& key, std::string_view value,
                                            int line) {
  if (const OptionInfo* option = FindOption(key)) return internal::ParseOptionValue(*option, value);
  const OptionInfo* overridden = nullptr;
  if (IsFamilyKey(key)) {
    for (std::string_view prefix : kPathFamilies) {
      if (HasPrefix(key, prefix) && value[0] != '/') {
        return Status::Invalid("partition path must be absolute: " + Quote(value));
      }
    }
  } else if (FindServiceOverride(key, &overridden)) {
    if (overridden != nullptr) return internal::ParseOptionValue(*overridden, value);
  } else {
    warnings.push_back(
        StringPrintf("%s:%d: unknown option %s", path.c_str(), line, Quote(key).c_str()));
  }
  return ParsedValue{std::string(value), 0};
}

namespace {
constexpr std::string_view kConfigDirectory = "{configdirectory}";
}  // namespace

const std::vector<ParsedValue>& Config::State::SharedDefaults() {
  static const std::vector<ParsedValue>* const kDefaults = [] {
    auto* defaults = new std::vector<ParsedValue>;
    defaults->reserve(AllOptions().size());
    for (const OptionInfo& option : AllOptions()) {
      Result<ParsedValue> parsed = internal::ParseOptionValue(option, option.default_value);
      CHECK(parsed.ok() || option.default_value[0] == '\0')
          << option.name << ": bad default " << option.default_value;
      // Unset defaults ("") of typed options read as 0 / no.
      defaults->push_back(parsed.ok() ? std::move(parsed).value() : ParsedValue{"", 0});
    }
    return defaults;
  }();
  return *kDefaults;
}

void Config::State::BuildDefaults() {
  std::string config_directory;
  if (auto it = entries.find("configdirectory"); it != entries.end()) {
    config_directory = it->second.value.text;
  }
  const std::vector<ParsedValue>& shared = SharedDefaults();
  expanded_defaults.clear();
  for (size_t i = 0; i < shared.size(); ++i) {
    const size_t at = shared[i].text.find(kConfigDirectory);
    if (at == std::string::npos) continue;
    ParsedValue value = shared[i];
    value.text.replace(at, kConfigDirectory.size(), config_directory);
    expanded_defaults.emplace(i, std::move(value));
  }
}

const ParsedValue& Config::State::Default(size_t index) const {
  if (auto it = expanded_defaults.find(index); it != expanded_defaults.end()) return it->second;
  return SharedDefaults()[index];
}

Result<Config> Config::Parse(std::string_view text, std::string_view filename) {
  auto state = std::make_shared<State>();
  state->path = std::string(filename);
  for (const State::Line& line : State::SplitLines(text)) {
    SATRAP_RETURN_IF_ERROR(state->AddLine(line));
  }
  state->BuildDefaults();
  Config config;
  config.state_ = std::move(state);
  return config;
}

Result<Config> Config::Load(const std::string& path) {
  SATRAP_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(text, path);
}

Config::Config() {
  static const std::shared_ptr<const State>* const kEmpty = [] {
    auto state = std::make_shared<State>();
    state->BuildDefaults();
    return new std::shared_ptr<const State>(std::move(state));
  }();
  state_ = *kEmpty;
}

}  // namespace satrap::config
