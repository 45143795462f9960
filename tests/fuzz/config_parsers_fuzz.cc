// Fuzz target for both configuration parsers: imapd.conf and cyrus.conf are
// files on disk that an admin edits by hand, so any byte sequence must give a
// Config or a "file:line: reason" error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "config/cyrus_conf.h"
#include "config/imapd_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  satrap::Result<satrap::config::Config> config = satrap::config::Config::Parse(text, "fuzz.conf");
  if (config.ok()) {
    // Every value the parser accepted must be readable through the typed API.
    for (const satrap::config::OptionInfo& option : satrap::config::AllOptions()) {
      switch (option.type) {
        case satrap::config::OptionType::kBool: (void)config->GetBool(option.name); break;
        case satrap::config::OptionType::kInt: (void)config->GetInt(option.name); break;
        case satrap::config::OptionType::kDuration: (void)config->GetDuration(option.name); break;
        case satrap::config::OptionType::kStringList: (void)config->GetList(option.name); break;
        default: (void)config->GetString(option.name); break;
      }
    }
  } else {
    CHECK(config.status().message().rfind("fuzz.conf", 0) == 0) << config.status().message();
  }

  satrap::Result<satrap::config::CyrusConf> conf = satrap::config::ParseCyrusConf(text, "fuzz.conf");
  if (!conf.ok()) {
    CHECK(conf.status().message().rfind("fuzz.conf", 0) == 0) << conf.status().message();
  }
  return 0;
}
