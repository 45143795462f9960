// imapd.conf: the typed option table and an immutable snapshot of one file.
//
// Every known option is declared once in imapd_options.def (name, type,
// default, one-line doc); that table generates the accessors' checks, the
// validation and man/imapd.conf.5. Families are recognised by prefix:
// `partition-NAME`, `metapartition-NAME`, `sasl_*` (handed to libsasl2 without
// the prefix), `tls_*`, and per-service overrides `SERVICE_KEY` (for example
// `imap_tls_cert_file` over `tls_cert_file`, `lmtp_admins` over `admins`).
//
// Syntax: `key: value` lines, `#` comments, blank lines. Booleans accept every
// spelling Cyrus does: yes/no, on/off, true/false, t/f, 1/0. Unknown keys are
// warnings (real Cyrus configs carry options Satrap does not implement);
// malformed values are errors "file:line: key: reason".
//
// A Config is immutable once loaded and cheap to copy (shared state). Workers
// load it at start; the master re-reads on SIGHUP.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::config {

enum class OptionType { kString, kInt, kBool, kEnum, kStringList };

struct OptionInfo {
  const char* name;
  OptionType type;
  const char* default_value;  // textual, as it would appear in imapd.conf
  const char* allowed;        // kEnum: space-separated values; otherwise nullptr
  const char* doc;            // one line for the man page
};

// The whole table, in man-page order.
const std::vector<OptionInfo>& AllOptions();
// nullptr when `name` is not a known option (families are not in the table).
const OptionInfo* FindOption(std::string_view name);

// Where imapd.conf lives unless -C names another file.
inline constexpr const char* kDefaultImapdConf = "/etc/imapd.conf";

class Config {
 public:
  // A config with every option at its default and no file behind it.
  Config();

  // Reads and validates `path`. Errors name the file and line:
  //   "/etc/imapd.conf:12: timeout: not an integer: 'ten'"
  static Result<Config> Load(const std::string& path);
  static Result<Config> Parse(std::string_view text, std::string_view filename);

  // Typed reads of a table option, falling back to its default. Asking for a
  // name that is not in the table, or with the wrong type, is a bug (CHECK).
  const std::string& GetString(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // kStringList options (admins, ...): split on whitespace.
  std::vector<std::string> GetList(std::string_view name) const;

  // The same, but `SERVICE_NAME` (e.g. "imap_tls_cert_file") wins over `NAME`
  // when the file sets it. `service` is the cyrus.conf service name.
  const std::string& GetString(std::string_view service, std::string_view name) const;
  int64_t GetInt(std::string_view service, std::string_view name) const;
  bool GetBool(std::string_view service, std::string_view name) const;

  // Raw value of any key the file set (table option, family or unknown); empty
  // optional-like: nullptr when unset.
  const std::string* Raw(std::string_view key) const;
  // Every key starting with `prefix`, with the prefix removed:
  //   Family("partition-") -> {"default": "/var/spool/cyrus/mail", ...}
  //   Family("sasl_")      -> {"pwcheck_method": "auxprop", ...}
  std::map<std::string, std::string> Family(std::string_view prefix) const;

  // Non-fatal findings of Load/Parse ("imapd.conf:7: unknown option 'foo'"),
  // for the caller to log.
  const std::vector<std::string>& warnings() const;
  const std::string& path() const;

 private:
  struct State;
  std::shared_ptr<const State> state_;
};

// Parses a boolean in any Cyrus spelling; nullopt-like false return on failure.
bool ParseBool(std::string_view text, bool* value);

}  // namespace satrap::config
