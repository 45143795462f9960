// The option table compiled from imapd_options.def, and lookups in it.
#include <algorithm>
#include <span>
#include <string_view>

#include "config/imapd_config.h"

namespace satrap::config {

namespace {

struct Alias {
  std::string_view old_name;
  std::string_view new_name;
};

constexpr Alias kAliases[] = {
#define OPTION(name, type, default_value, allowed, doc)
#define ALIAS(old_name, new_name) {old_name, new_name},
#include "config/imapd_options.def"
#undef OPTION
#undef ALIAS
};

// A constant table: in every worker's read-only pages, shared, not rebuilt
// on each one's heap.
constexpr OptionInfo kOptions[] = {
#define OPTION(name, type, default_value, allowed, doc) \
  {name, OptionType::type, default_value, allowed, doc},
#define ALIAS(old_name, new_name)
#include "config/imapd_options.def"
#undef OPTION
#undef ALIAS
};

}  // namespace

std::span<const OptionInfo> AllOptions() { return kOptions; }

const OptionInfo* FindOption(std::string_view name) {
  std::span<const OptionInfo> options = AllOptions();
  // The .def file is sorted by name (a unit test keeps it so).
  auto by_name = [](const OptionInfo& o, std::string_view n) {
    return std::string_view(o.name) < n;
  };
  auto it = std::lower_bound(options.begin(), options.end(), name, by_name);
  if (it == options.end() || std::string_view(it->name) != name) return nullptr;
  return &*it;
}

const char* OptionAlias(std::string_view name) {
  for (const Alias& alias : kAliases) {
    if (alias.old_name == name) return alias.new_name.data();
    if (alias.new_name == name) return alias.old_name.data();
  }
  return nullptr;
}

const char* OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kInt:
      return "int";
    case OptionType::kBool:
      return "switch";
    case OptionType::kEnum:
      return "enum";
    case OptionType::kStringList:
      return "list";
    case OptionType::kDuration:
      return "duration";
  }
  return "?";
}

}  // namespace satrap::config
