// LoadOrExit: the start of every program's main().
#include <sysexits.h>

#include <cstdlib>

#include "config/imapd_config.h"
#include "log/log.h"

namespace satrap::config {

Config LoadOrExit(const std::string& path) {
  // cyrmaster -C exports its file to every child (START, EVENTS and DAEMON
  // jobs included), so `ctl_cyrusdb -r` in cyrus.conf follows the master's
  // configuration as it does in Cyrus.
  const char* inherited = std::getenv("SATRAP_IMAPD_CONF");
  std::string file = path;
  if (file.empty()) file = (inherited && *inherited) ? inherited : kDefaultImapdConf;
  Result<Config> config = Config::Load(file);
  if (!config.ok()) {
    // The message already names the file (and the line, for a parse error).
    log::Fatal(EX_CONFIG, "%s", config.status().message().c_str());
  }
  // Cyrus refuses to start without it, and every path default hangs off it.
  if (config->GetString("configdirectory").empty()) {
    log::Fatal(EX_CONFIG, "%s: configdirectory is not set; it is required", file.c_str());
  }
  log::Options options = log::CurrentOptions();
  options.prefix = config->GetString("syslog_prefix");
  // syslog_facility was checked against the same names when the file was parsed.
  int facility = log::FacilityFromName(config->GetString("syslog_facility"));
  if (facility >= 0) options.facility = facility;
  options.debug = options.debug || config->GetBool("debug");
  log::Init(options);
  for (const std::string& warning : config->warnings()) {
    log::Warning("%s", warning.c_str());
  }
  return std::move(config).value();
}

}  // namespace satrap::config
