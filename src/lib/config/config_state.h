// Internal to satrap_config: what a Config holds, shared by the parser
// (imapd_config.cc) and the typed reads (config_get.cc).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/imapd_config.h"
#include "config/option_value.h"

namespace satrap::config {

struct Config::State {
  struct Entry {
    internal::ParsedValue value;  // checked against the option's type when it has one
    std::string raw;              // as written
    int line = 0;
  };
  // One `key: value` line after joining continuations, with the line it starts on.
  struct Line {
    std::string text;
    int line = 0;
  };

  std::string path;
  std::map<std::string, Entry, std::less<>> entries;  // every key the file set
  std::vector<std::string> warnings;
  // The defaults naming {configdirectory}, with this file's value put in,
  // by index in AllOptions(); the others are in SharedDefaults().
  std::map<size_t, internal::ParsedValue> expanded_defaults;

  static std::vector<Line> SplitLines(std::string_view text);
  // Checks one line and records it; errors are "file:line: key: reason".
  Status AddLine(const Line& line);
  // The parsed value of `key` by what kind of key it is; warns about unknown keys.
  Result<internal::ParsedValue> Classify(const std::string& key, std::string_view value, int line);
  // Fills `expanded_defaults` from the file's configdirectory.
  void BuildDefaults();
  // The default of AllOptions()[index].
  const internal::ParsedValue& Default(size_t index) const;
  // Every option's default as the table writes it, parsed once per process
  // and shared by every Config: a worker keeps one copy, not one per file
  // it has read.
  static const std::vector<internal::ParsedValue>& SharedDefaults();
};

}  // namespace satrap::config
