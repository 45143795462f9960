// cyrus.conf: the master's service table, parsed but not interpreted.
//
//   START {
//     recover       cmd="ctl_cyrusdb -r"
//   }
//   SERVICES {
//     imap          cmd="imapd" listen="imap" prefork=5
//     lmtpunix      cmd="lmtpd" listen="/var/lib/cyrus/socket/lmtp" prefork=0
//   }
//   EVENTS {
//     checkpoint    cmd="ctl_cyrusdb -c" period=30
//   }
//   DAEMON { idled cmd="idled" }
//
// Sections are START, SERVICES, EVENTS, DAEMON (case-insensitive). An entry is
// a name followed by key=value pairs; a value may be double-quoted (and then
// hold spaces), and an entry may continue on the following lines until the
// next name starts a new one (a line whose first word has no '='). `#` starts
// a comment outside quotes. Errors name the file and line.
//
// What the keys mean (listen, prefork, period, ...) is decided by the master
// (src/master/service_table.cc); this parser only checks the shape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::config {

inline constexpr const char* kDefaultCyrusConf = "/etc/cyrus.conf";

struct CyrusConfEntry {
  std::string name;
  int line = 0;  // line of the entry's name
  struct Arg {
    std::string key;    // lower-cased
    std::string value;  // quotes removed
    int line = 0;
  };
  std::vector<Arg> args;  // in file order

  // The value of `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
};

struct CyrusConf {
  std::string path;
  std::vector<CyrusConfEntry> start;
  std::vector<CyrusConfEntry> services;
  std::vector<CyrusConfEntry> events;
  std::vector<CyrusConfEntry> daemon;

  // "file:line: message", for interpreters that reject a value.
  std::string Where(int line) const;
};

Result<CyrusConf> LoadCyrusConf(const std::string& path);
Result<CyrusConf> ParseCyrusConf(std::string_view text, std::string_view filename);

}  // namespace satrap::config
