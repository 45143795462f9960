// imapd.conf: the typed option table and an immutable snapshot of one file.
//
// Every known option is declared once in imapd_options.def (name, type,
// default, allowed values, one-line doc); that table generates the accessors'
// checks, the validation and man/imapd.conf.5. Families are recognised by
// prefix and are not in the table: `partition-NAME`, `metapartition-NAME`,
// `archivepartition-NAME`, `searchpartition-NAME`, `sasl_*` (handed to
// libsasl2 without the prefix), `ldap_*`, `xlist-*`.
//
// Per-service overrides: a key `SERVICE_KEY` (for example `imap_tls_cert_file`
// over `tls_cert_file`, `lmtp_admins` over `admins`) is validated with KEY's
// type, and the two-argument getters prefer it. The older Cyrus form
// `tls_SERVICE_rest` (`tls_pop3_cert_file`) is accepted too. Some options have
// two spellings (tls_cert_file / tls_server_cert, ...): reading either falls
// back to the other; see ALIAS in imapd_options.def.
//
// Syntax (Cyrus imapd.conf(5)): `key: value` lines; blank lines and lines
// whose first non-blank character is `#` are ignored (a `#` later in a line
// belongs to the value: passwords may hold one). A backslash ending a line
// joins the next line to it, with no space added; errors name the first line.
// CRLF line ends are accepted. Keys are case-insensitive. `@include` is not
// followed (warning). Booleans accept every spelling Cyrus does: yes/no,
// on/off, true/false, t/f, 1/0, in any case. Durations are a number with an
// optional unit, d/h/m/s, possibly combined ("1h30m"); a bare number is in
// the option's historical unit (`timeout: 30` is 30 minutes).
//
// Unknown keys are warnings (real Cyrus configs carry options Satrap does not
// implement). Errors read "file:line: key: reason" and cover: a bad int, bool,
// enum value or duration, a missing ':', an empty or malformed key, an empty
// value, a key set twice, a NUL byte, a relative partition path.
//
// A Config is immutable once loaded and cheap to copy (shared state), so it
// may be read from any thread. Workers load it at start; the master re-reads
// on SIGHUP.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::config {

namespace internal {
struct ParsedValue;
}

enum class OptionType { kString, kInt, kBool, kEnum, kStringList, kDuration };

struct OptionInfo {
  const char* name;
  OptionType type;
  const char* default_value;  // textual, as it would appear in imapd.conf ("" = unset)
  // kEnum: the space-separated values. kStringList: the words allowed, or
  // nullptr for any. kDuration: the unit of a bare number ("s", "m", "h", "d").
  // Otherwise nullptr.
  const char* allowed;
  const char* doc;  // one line for the man page
};

// "string", "int", "switch", "enum", "list", "duration": for the man page and messages.
const char* OptionTypeName(OptionType type);

// The whole table, in man-page order.
std::span<const OptionInfo> AllOptions();
// nullptr when `name` is not a known option (families are not in the table).
// `name` must be lower case.
const OptionInfo* FindOption(std::string_view name);
// The other spelling of `name` (tls_cert_file <-> tls_server_cert), or nullptr.
const char* OptionAlias(std::string_view name);

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

  // Typed reads of a table option: the file's value, else its alias's, else
  // the default. Asking for a name that is not in the table, or with the
  // wrong type, is a bug (CHECK). The references live as long as the Config
  // (or any copy of it).
  //
  // GetString: any type; the value as written, except that enum values come
  // back in the table's spelling ("virtdomains: Yes" reads "on") and
  // {configdirectory} in a default is replaced.
  const std::string& GetString(std::string_view name) const;
  // kInt, and kDuration in the option's bare-number unit, truncated
  // (GetInt("timeout") is minutes, as in Cyrus 2).
  int64_t GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // kDuration only: seconds (may be negative: popexpiretime -1 means never).
  int64_t GetDuration(std::string_view name) const;
  // kStringList or kString options (admins, ...): split on whitespace.
  std::vector<std::string> GetList(std::string_view name) const;

  // The same, but `SERVICE_NAME` (e.g. "imap_tls_cert_file", or the older
  // "tls_imap_cert_file") wins over `NAME` when the file sets it. `service`
  // is the cyrus.conf service name.
  const std::string& GetString(std::string_view service, std::string_view name) const;
  int64_t GetInt(std::string_view service, std::string_view name) const;
  bool GetBool(std::string_view service, std::string_view name) const;
  int64_t GetDuration(std::string_view service, std::string_view name) const;
  std::vector<std::string> GetList(std::string_view service, std::string_view name) const;

  // Raw value of any key the file set (table option, family or unknown); empty
  // optional-like: nullptr when unset.
  const std::string* Raw(std::string_view key) const;
  // Every key starting with `prefix`, with the prefix removed:
  //   Family("partition-") -> {"default": "/var/spool/cyrus/mail", ...}
  //   Family("sasl_")      -> {"pwcheck_method": "auxprop", ...}
  std::map<std::string, std::string> Family(std::string_view prefix) const;
  // Family(prefix) with `SERVICE_PREFIXrest` keys winning over `PREFIXrest`:
  //   Family("imap", "sasl_") -> sasl_mech_list from imap_sasl_mech_list if set.
  std::map<std::string, std::string> Family(std::string_view service,
                                            std::string_view prefix) const;

  // Non-fatal findings of Load/Parse ("imapd.conf:7: unknown option 'foo'"),
  // for the caller to log.
  const std::vector<std::string>& warnings() const;
  const std::string& path() const;

 private:
  struct State;  // defined in config_state.h, for this module's files only

  // The value that decides `option` for `service` (empty: none): the
  // service's override of either spelling, then either spelling, then the
  // default.
  const internal::ParsedValue& Find(std::string_view service, const OptionInfo& option) const;

  std::shared_ptr<const State> state_;
};

// Parses a boolean in any Cyrus spelling; returns false (and leaves *value
// alone) when `text` is none of them.
bool ParseBool(std::string_view text, bool* value);

// Parses a Cyrus duration ("90", "30m", "1h30m", "-1") into seconds; a bare
// number is in `bare_unit` ('s', 'm', 'h' or 'd'). Returns false on anything
// else, including overflow.
bool ParseDuration(std::string_view text, char bare_unit, int64_t* seconds);

// For every program's main(): loads `path` (when empty: $SATRAP_IMAPD_CONF,
// which cyrmaster -C exports to its children, else kDefaultImapdConf),
// re-initialises logging with the file's syslog_prefix and syslog_facility
// (keeping ident, to_stderr and debug; `debug: yes` also turns debug on),
// then logs each warning. On error, or when configdirectory is not set, it
// logs the message and exits with EX_CONFIG.
Config LoadOrExit(const std::string& path);

}  // namespace satrap::config
