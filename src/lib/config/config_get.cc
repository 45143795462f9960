// Typed reads of a loaded Config: per-service overrides, aliases, defaults.
#include "base/check.h"
#include "base/strings.h"
#include "config/config_state.h"
#include "config/imapd_config.h"

namespace satrap::config {

namespace {

const OptionInfo& MustFind(std::string_view name) {
  const OptionInfo* option = FindOption(name);
  CHECK(option != nullptr) << "imapd.conf option '" << name << "' is not in imapd_options.def";
  return *option;
}

void CheckType(const OptionInfo& option, bool ok, const char* getter) {
  CHECK(ok) << getter << "(\"" << option.name << "\") on a " << OptionTypeName(option.type)
            << " option";
}

}  // namespace

const internal::ParsedValue& Config::Find(std::string_view service,
                                          const OptionInfo& option) const {
  std::string_view names[2] = {option.name, ""};
  if (const char* alias = OptionAlias(option.name)) names[1] = alias;
  auto find = [this](const std::string& key) -> const internal::ParsedValue* {
    auto it = state_->entries.find(key);
    return it == state_->entries.end() ? nullptr : &it->second.value;
  };
  if (!service.empty()) {
    std::string prefix = AsciiLower(service) + "_";
    for (std::string_view name : names) {
      if (name.empty()) continue;
      if (auto* value = find(prefix + std::string(name))) return *value;
      if (name.substr(0, 4) == "tls_") {
        if (auto* value = find("tls_" + prefix + std::string(name.substr(4)))) return *value;
      }
    }
  }
  for (std::string_view name : names) {
    if (name.empty()) continue;
    if (auto* value = find(std::string(name))) return *value;
  }
  return state_->Default(static_cast<size_t>(&option - AllOptions().data()));
}

const std::string& Config::GetString(std::string_view service, std::string_view name) const {
  return Find(service, MustFind(name)).text;
}

int64_t Config::GetInt(std::string_view service, std::string_view name) const {
  const OptionInfo& option = MustFind(name);
  CheckType(option, option.type == OptionType::kInt || option.type == OptionType::kDuration,
            "GetInt");
  int64_t number = Find(service, option).number;
  if (option.type == OptionType::kDuration) return number / internal::BareUnitSeconds(option);
  return number;
}

bool Config::GetBool(std::string_view service, std::string_view name) const {
  const OptionInfo& option = MustFind(name);
  CheckType(option, option.type == OptionType::kBool, "GetBool");
  return Find(service, option).number != 0;
}

int64_t Config::GetDuration(std::string_view service, std::string_view name) const {
  const OptionInfo& option = MustFind(name);
  CheckType(option, option.type == OptionType::kDuration, "GetDuration");
  return Find(service, option).number;
}

std::vector<std::string> Config::GetList(std::string_view service, std::string_view name) const {
  const OptionInfo& option = MustFind(name);
  CheckType(option, option.type == OptionType::kStringList || option.type == OptionType::kString,
            "GetList");
  std::vector<std::string> words;
  for (std::string_view word : SplitWhitespace(Find(service, option).text)) {
    words.emplace_back(word);
  }
  return words;
}

const std::string& Config::GetString(std::string_view name) const { return GetString("", name); }
int64_t Config::GetInt(std::string_view name) const { return GetInt("", name); }
bool Config::GetBool(std::string_view name) const { return GetBool("", name); }
int64_t Config::GetDuration(std::string_view name) const { return GetDuration("", name); }
std::vector<std::string> Config::GetList(std::string_view name) const { return GetList("", name); }

const std::string* Config::Raw(std::string_view key) const {
  auto it = state_->entries.find(AsciiLower(key));
  return it == state_->entries.end() ? nullptr : &it->second.raw;
}

std::map<std::string, std::string> Config::Family(std::string_view prefix) const {
  std::map<std::string, std::string> family;
  std::string lower = AsciiLower(prefix);
  for (auto it = state_->entries.lower_bound(lower);
       it != state_->entries.end() && it->first.compare(0, lower.size(), lower) == 0; ++it) {
    family.emplace(it->first.substr(lower.size()), it->second.raw);
  }
  return family;
}

std::map<std::string, std::string> Config::Family(std::string_view service,
                                                  std::string_view prefix) const {
  std::map<std::string, std::string> family = Family(prefix);
  for (auto& [key, value] : Family(std::string(service) + "_" + std::string(prefix))) {
    family[key] = value;
  }
  return family;
}

const std::vector<std::string>& Config::warnings() const { return state_->warnings; }
const std::string& Config::path() const { return state_->path; }

}  // namespace satrap::config
