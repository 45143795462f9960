#include "service_table.h"

#include <netdb.h>

#include <set>

#include "base/strings.h"

namespace satrap::master {

namespace {

struct BuiltinPort {
  const char* name;
  uint16_t port;
};
// Ports Cyrus sites name in listen= that /etc/services may lack.
constexpr BuiltinPort kBuiltinPorts[] = {
    {"imap", 143}, {"imaps", 993}, {"pop3", 110},  {"pop3s", 995},
    {"lmtp", 2003}, {"sieve", 4190}, {"fud", 4201},
};

// One entry under interpretation: its key=value pairs and the error prefix.
class EntryReader {
 public:
  EntryReader(const config::CyrusConf& conf, const config::CyrusConfEntry& entry,
              std::vector<std::string>* warnings)
      : conf_(conf), entry_(entry), warnings_(warnings) {}

  const std::string* Find(std::string_view key) {
    const std::string* found = nullptr;
    for (const auto& arg : entry_.args) {
      if (arg.key == key) {
        found = &arg.value;  // the last one wins, as in Cyrus
        line_ = arg.line;
      }
    }
    return found;
  }

  Status Error(std::string_view reason) const {
    return Status::Invalid(StringPrintf("%s:%d: %s: %s", conf_.path.c_str(), line_,
                                        entry_.name.c_str(), std::string(reason).c_str()));
  }

  void WarnUnknownKeys(std::initializer_list<std::string_view> known) {
    for (const auto& arg : entry_.args) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || arg.key == k;
      if (!ok) {
        warnings_->push_back(StringPrintf("%s:%d: %s: unknown key '%s' ignored", conf_.path.c_str(),
                                          arg.line, entry_.name.c_str(), arg.key.c_str()));
      }
    }
  }

  Result<std::vector<std::string>> Command() {
    const std::string* cmd = Find("cmd");
    if (cmd == nullptr) {
      line_ = entry_.line;
      return Error("cmd= is required");
    }
    Result<std::vector<std::string>> argv = SplitCommand(*cmd);
    if (!argv.ok()) return Error("cmd: " + argv.status().message());
    return argv;
  }

  // An integer key at least `min`; `fallback` when absent.
  Result<int> Int(std::string_view key, int fallback, int min) {
    const std::string* text = Find(key);
    if (text == nullptr) return fallback;
    std::optional<int64_t> value = ParseInt64(*text);
    if (!value || *value < min || *value > 1000000) {
      return Error(StringPrintf("%s: not an integer of at least %d: '%s'", std::string(key).c_str(),
                                min, text->c_str()));
    }
    return static_cast<int>(*value);
  }

  Result<bool> Bool(std::string_view key) {
    const std::string* text = Find(key);
    if (text == nullptr) return false;
    std::string v = AsciiLower(*text);
    if (v == "1" || v == "yes" || v == "on" || v == "true" || v == "t") return true;
    if (v == "0" || v == "no" || v == "off" || v == "false" || v == "f") return false;
    return Error(StringPrintf("%s: not a boolean: '%s'", std::string(key).c_str(), text->c_str()));
  }

  Status CheckName() {
    line_ = entry_.line;
    if (entry_.name.empty()) return Error("empty name");
    for (char c : entry_.name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
      if (!ok) return Error("name may hold only letters, digits, '-' and '_'");
    }
    return Status();
  }

 private:
  const config::CyrusConf& conf_;
  const config::CyrusConfEntry& entry_;
  std::vector<std::string>* warnings_;
  int line_ = 0;
};

Result<Proto> ParseProto(std::string_view text) {
  struct Name {
    const char* name;
    Proto proto;
  };
  static constexpr Name kNames[] = {{"tcp", Proto::kTcp},   {"tcp4", Proto::kTcp4},
                                    {"tcp6", Proto::kTcp6}, {"udp", Proto::kUdp},
                                    {"udp4", Proto::kUdp4}, {"udp6", Proto::kUdp6}};
  for (const Name& n : kNames) {
    if (EqualsIgnoreCase(text, n.name)) return n.proto;
  }
  return Status::Invalid("proto: expected tcp, tcp4, tcp6, udp, udp4 or udp6");
}

Result<ServiceSpec> BuildService(const config::CyrusConf& conf, const config::CyrusConfEntry& entry,
                                 std::vector<std::string>* warnings) {
  EntryReader r(conf, entry, warnings);
  SATRAP_RETURN_IF_ERROR(r.CheckName());
  r.WarnUnknownKeys(
      {"cmd", "listen", "proto", "prefork", "maxchild", "maxforkrate", "babysit", "maxfds"});
  ServiceSpec spec;
  spec.name = entry.name;
  spec.line = entry.line;
  SATRAP_ASSIGN_OR_RETURN(spec.argv, r.Command());
  spec.cmd = *r.Find("cmd");
  if (const std::string* proto = r.Find("proto")) {
    Result<Proto> parsed = ParseProto(*proto);
    if (!parsed.ok()) return r.Error(parsed.status().message());
    spec.proto = *parsed;
  }
  const std::string* listen = r.Find("listen");
  if (listen == nullptr) return r.Error("listen= is required");
  Result<ListenSpec> parsed = ParseListen(*listen, IsDatagram(spec.proto));
  if (!parsed.ok()) return r.Error("listen: " + parsed.status().message());
  spec.listen = *parsed;
  SATRAP_ASSIGN_OR_RETURN(spec.prefork, r.Int("prefork", 0, 0));
  SATRAP_ASSIGN_OR_RETURN(spec.maxchild, r.Int("maxchild", kUnlimited, kUnlimited));
  if (spec.maxchild == 0) return r.Error("maxchild: must be -1 (unlimited) or at least 1");
  SATRAP_ASSIGN_OR_RETURN(spec.maxforkrate, r.Int("maxforkrate", 0, 0));
  SATRAP_ASSIGN_OR_RETURN(spec.babysit, r.Bool("babysit"));
  if (spec.maxchild != kUnlimited && spec.prefork > spec.maxchild) {
    // Cyrus clamps silently; say so, since the admin asked for more.
    warnings->push_back(StringPrintf("%s:%d: %s: prefork=%d exceeds maxchild=%d; using %d",
                                     conf.path.c_str(), entry.line, entry.name.c_str(),
                                     spec.prefork, spec.maxchild, spec.maxchild));
    spec.prefork = spec.maxchild;
  }
  return spec;
}

Result<EventSpec> BuildEvent(const config::CyrusConf& conf, const config::CyrusConfEntry& entry,
                             std::vector<std::string>* warnings) {
  EntryReader r(conf, entry, warnings);
  SATRAP_RETURN_IF_ERROR(r.CheckName());
  r.WarnUnknownKeys({"cmd", "period", "at"});
  EventSpec spec;
  spec.name = entry.name;
  spec.line = entry.line;
  SATRAP_ASSIGN_OR_RETURN(spec.argv, r.Command());
  SATRAP_ASSIGN_OR_RETURN(spec.period_minutes, r.Int("period", 0, 0));
  if (const std::string* at = r.Find("at")) {
    // at=HHMM as an integer, so "401" is 04:01 (Cyrus reads it with atoi).
    std::optional<uint64_t> value = ParseUint64(*at);
    if (!value || at->size() > 4 || *value / 100 > 23 || *value % 100 > 59) {
      return r.Error(StringPrintf("at: expected HHMM (0000-2359): '%s'", at->c_str()));
    }
    spec.at_hour = static_cast<int>(*value / 100);
    spec.at_minute = static_cast<int>(*value % 100);
  }
  return spec;
}

Result<CommandSpec> BuildCommand(const config::CyrusConf& conf, const config::CyrusConfEntry& entry,
                                 std::vector<std::string>* warnings) {
  EntryReader r(conf, entry, warnings);
  SATRAP_RETURN_IF_ERROR(r.CheckName());
  r.WarnUnknownKeys({"cmd", "wait"});
  CommandSpec spec;
  spec.name = entry.name;
  spec.line = entry.line;
  SATRAP_ASSIGN_OR_RETURN(spec.argv, r.Command());
  return spec;
}

Status DuplicateError(const config::CyrusConf& conf, const std::string& section, int line,
                      const std::string& name) {
  return Status::Invalid(StringPrintf("%s:%d: %s: duplicate entry in %s", conf.path.c_str(), line,
                                      name.c_str(), section.c_str()));
}

}  // namespace

bool IsDatagram(Proto proto) {
  return proto == Proto::kUdp || proto == Proto::kUdp4 || proto == Proto::kUdp6;
}

std::string_view ProtoName(Proto proto) {
  switch (proto) {
    case Proto::kTcp: return "tcp";
    case Proto::kTcp4: return "tcp4";
    case Proto::kTcp6: return "tcp6";
    case Proto::kUdp: return "udp";
    case Proto::kUdp4: return "udp4";
    case Proto::kUdp6: return "udp6";
  }
  return "?";
}

std::optional<uint16_t> LookupServicePort(std::string_view name, bool datagram) {
  if (name.empty()) return std::nullopt;
  std::string key(name);
  // getservbyname() is not reentrant; the master is single-threaded.
  if (const servent* s = ::getservbyname(key.c_str(), datagram ? "udp" : "tcp")) {
    return ntohs(static_cast<uint16_t>(s->s_port));
  }
  for (const BuiltinPort& b : kBuiltinPorts) {
    if (EqualsIgnoreCase(name, b.name)) return b.port;
  }
  return std::nullopt;
}

Result<ListenSpec> ParseListen(std::string_view text, bool datagram) {
  ListenSpec spec;
  spec.text = std::string(text);
  if (text.empty()) return Status::Invalid("empty");
  if (text.front() == '/') {
    spec.is_unix = true;
    spec.path = std::string(text);
    return spec;
  }
  std::string_view port_text = text;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Status::Invalid("unclosed '[' in '" + spec.text + "'");
    spec.host = std::string(text.substr(1, close - 1));
    if (spec.host.empty()) return Status::Invalid("empty IPv6 address in '" + spec.text + "'");
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::Invalid("expected ':port' after ']' in '" + spec.text + "'");
    }
    port_text = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    spec.host = std::string(text.substr(0, colon));
    if (spec.host.empty()) return Status::Invalid("empty host in '" + spec.text + "'");
    if (spec.host.find(':') != std::string::npos) {
      return Status::Invalid("an IPv6 address needs brackets: '[addr]:port'");
    }
    if (spec.host == "*") spec.host.clear();
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty()) return Status::Invalid("missing port in '" + spec.text + "'");
  if (port_text.front() >= '0' && port_text.front() <= '9') {
    std::optional<uint64_t> port = ParseUint64(port_text);
    if (!port || *port == 0 || *port > 65535) {
      return Status::Invalid("port out of range in '" + spec.text + "'");
    }
    spec.port = static_cast<uint16_t>(*port);
  } else {
    std::optional<uint16_t> port = LookupServicePort(port_text, datagram);
    if (!port) return Status::Invalid("unknown service name '" + std::string(port_text) + "'");
    spec.port = *port;
  }
  return spec;
}

Result<std::vector<std::string>> SplitCommand(std::string_view cmd) {
  std::vector<std::string> argv;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < cmd.size(); ++i) {
    char c = cmd[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < cmd.size()) {
        word += cmd[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= cmd.size()) return Status::Invalid("trailing backslash");
      word += cmd[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) argv.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return Status::Invalid(StringPrintf("unbalanced %c quote", quote));
  if (in_word) argv.push_back(std::move(word));
  if (argv.empty()) return Status::Invalid("empty command");
  return argv;
}

Result<MasterTable> BuildMasterTable(const config::CyrusConf& conf) {
  MasterTable table;
  for (const auto& entry : conf.start) {
    SATRAP_ASSIGN_OR_RETURN(CommandSpec spec, BuildCommand(conf, entry, &table.warnings));
    table.start.push_back(std::move(spec));
  }
  std::set<std::string> names;
  for (const auto& entry : conf.services) {
    SATRAP_ASSIGN_OR_RETURN(ServiceSpec spec, BuildService(conf, entry, &table.warnings));
    if (!names.insert(spec.name).second) {
      return DuplicateError(conf, "SERVICES", entry.line, entry.name);
    }
    table.services.push_back(std::move(spec));
  }
  names.clear();
  for (const auto& entry : conf.events) {
    SATRAP_ASSIGN_OR_RETURN(EventSpec spec, BuildEvent(conf, entry, &table.warnings));
    if (!names.insert(spec.name).second) return DuplicateError(conf, "EVENTS", entry.line, entry.name);
    table.events.push_back(std::move(spec));
  }
  names.clear();
  for (const auto& entry : conf.daemon) {
    SATRAP_ASSIGN_OR_RETURN(CommandSpec spec, BuildCommand(conf, entry, &table.warnings));
    if (!names.insert(spec.name).second) return DuplicateError(conf, "DAEMON", entry.line, entry.name);
    table.daemons.push_back(std::move(spec));
  }
  return table;
}

}  // namespace satrap::master
