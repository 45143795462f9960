// cyrus.conf interpreted: what cyrmaster must run, as plain values.
//
// config::ParseCyrusConf() checks the shape of the file (sections, entries,
// key=value pairs); this module decides what the keys mean, the way Cyrus's
// master does (cyrus.conf(5)), and refuses bad values with "file:line: entry:
// reason". It is pure apart from the services database lookup for port names
// (getservbyname, then a built-in table), so the whole table is unit-tested.
//
// Keys understood:
//   START    cmd
//   SERVICES cmd listen proto prefork maxchild maxforkrate babysit (maxfds is
//            accepted and ignored)
//   EVENTS   cmd period at
//   DAEMON   cmd
// Unknown keys are warnings (real sites carry keys of newer Cyrus versions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/cyrus_conf.h"

namespace satrap::master {

// Where a service listens. A path (starting with '/') is a unix socket;
// anything else is [host:]port, where host may be a name, an IPv4 address or
// a bracketed IPv6 address and port a number or a service name.
struct ListenSpec {
  bool is_unix = false;
  std::string path;   // unix socket
  std::string host;   // empty: every local address (IPv4 and IPv6)
  uint16_t port = 0;  // resolved
  std::string text;   // as written, for logs

  bool operator==(const ListenSpec&) const = default;
};

enum class Proto { kTcp, kTcp4, kTcp6, kUdp, kUdp4, kUdp6 };
bool IsDatagram(Proto proto);
std::string_view ProtoName(Proto proto);

inline constexpr int kUnlimited = -1;

struct ServiceSpec {
  std::string name;
  int line = 0;
  std::string cmd;                // as written
  std::vector<std::string> argv;  // cmd split, argv[0] not yet resolved
  ListenSpec listen;
  Proto proto = Proto::kTcp;
  int prefork = 0;             // idle workers to keep ready
  int maxchild = kUnlimited;   // workers alive at once
  int maxforkrate = 0;         // forks per second; 0 is unlimited
  bool babysit = false;        // keep at least one worker even with prefork=0

  // True when the listening sockets can be kept across a reload.
  bool SameSocket(const ServiceSpec& other) const {
    return listen == other.listen && proto == other.proto;
  }
  bool operator==(const ServiceSpec& other) const {
    return name == other.name && argv == other.argv && SameSocket(other) &&
           prefork == other.prefork && maxchild == other.maxchild &&
           maxforkrate == other.maxforkrate && babysit == other.babysit;
  }
};

struct EventSpec {
  std::string name;
  int line = 0;
  std::vector<std::string> argv;
  int period_minutes = 0;  // 0 with no `at`: run once at startup
  // at=HHMM: daily at that local time (period is then ignored, as in Cyrus).
  std::optional<int> at_hour;
  int at_minute = 0;

  bool operator==(const EventSpec&) const = default;
};

// START entries and DAEMON entries: a name and a command.
struct CommandSpec {
  std::string name;
  int line = 0;
  std::vector<std::string> argv;

  bool operator==(const CommandSpec&) const = default;
};

struct MasterTable {
  std::vector<CommandSpec> start;
  std::vector<ServiceSpec> services;
  std::vector<EventSpec> events;
  std::vector<CommandSpec> daemons;
  std::vector<std::string> warnings;  // "file:line: ..." for the log
};

// Interprets a parsed cyrus.conf. kInvalid with "file:line: name: reason" on
// the first bad value (missing cmd, bad listen, duplicate service, ...).
Result<MasterTable> BuildMasterTable(const config::CyrusConf& conf);

// Splits a cmd= value into argv the way a shell would for plain words:
// whitespace separates, '...' and "..." group (quotes removed), a backslash
// escapes the next character. kInvalid for an unbalanced quote or no words.
Result<std::vector<std::string>> SplitCommand(std::string_view cmd);

// Parses a listen= value (see ListenSpec). `datagram` selects the services
// database protocol for port names. kInvalid with a reason.
Result<ListenSpec> ParseListen(std::string_view text, bool datagram);

// Port of a service name: /etc/services first, then the built-in table (imap
// 143, imaps 993, pop3 110, pop3s 995, lmtp 2003, sieve 4190, fud 4201), so a
// host without those entries still works. nullopt when unknown.
std::optional<uint16_t> LookupServicePort(std::string_view name, bool datagram);

}  // namespace satrap::master
