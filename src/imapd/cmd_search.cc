// SEARCH and UID SEARCH (RFC 3501 §6.4.4) with ESEARCH results (RFC 4731:
// SEARCH RETURN (MIN MAX COUNT ALL)). Charsets: UTF-8 and US-ASCII; others
// get NO [BADCHARSET].
#include "base/strings.h"
#include "commands.h"
#include "protocol/imap_output.h"
#include "protocol/sequence_set.h"
#include "search_program.h"

namespace satrap::imapd {
namespace {

struct ReturnOptions {
  bool esearch = false;
  bool min = false, max = false, count = false, all = false;
};

bool ParseReturn(const protocol::ImapArg& list, ReturnOptions* options) {
  options->esearch = true;
  for (const protocol::ImapArg& opt : list.list) {
    if (!opt.IsAtom()) return false;
    std::string o = AsciiUpper(opt.text);
    if (o == "MIN") {
      options->min = true;
    } else if (o == "MAX") {
      options->max = true;
    } else if (o == "COUNT") {
      options->count = true;
    } else if (o == "ALL") {
      options->all = true;
    } else {
      return false;
    }
  }
  // RFC 4731 §3.1: RETURN () means RETURN (ALL).
  if (!options->min && !options->max && !options->count) options->all = true;
  return true;
}

std::string Esearch(const std::string& tag, bool uid, const std::vector<uint32_t>& results,
                    const ReturnOptions& options) {
  std::string line = "ESEARCH (TAG ";
  protocol::AppendString(&line, tag);
  line += ")";
  if (uid) line += " UID";
  if (!results.empty()) {
    if (options.min) line += " MIN " + std::to_string(results.front());
    if (options.max) line += " MAX " + std::to_string(results.back());
  }
  if (options.count) line += " COUNT " + std::to_string(results.size());
  if (options.all && !results.empty()) {
    line += " ALL " + protocol::NumberSet::FromSorted(results).ToString();
  }
  return line;
}

}  // namespace

void CmdSearch(Session& s, const Args& a, Responder& r) {
  size_t i = 0;
  ReturnOptions options;
  if (i + 1 < a.args.size() && a.args[i].IsAtom() && EqualsIgnoreCase(a.args[i].text, "RETURN") &&
      a.args[i + 1].IsList()) {
    if (!ParseReturn(a.args[i + 1], &options)) return r.Bad("Invalid RETURN options");
    i += 2;
  }
  if (i + 1 < a.args.size() && a.args[i].IsAtom() && EqualsIgnoreCase(a.args[i].text, "CHARSET")) {
    std::optional<std::string_view> charset = a.args[i + 1].AsAstring();
    if (!charset) return r.Bad("Invalid charset");
    if (!EqualsIgnoreCase(*charset, "UTF-8") && !EqualsIgnoreCase(*charset, "US-ASCII")) {
      return r.No("Charset not supported", "[BADCHARSET (UTF-8 US-ASCII)]");
    }
    i += 2;
  }
  Result<SearchKey> key =
      ParseSearch(std::span<const protocol::ImapArg>(a.args.data() + i, a.args.size() - i));
  if (!key.ok()) {
    if (key.code() == Code::kTooBig) return r.Bad("Search nested too deeply", "[LIMIT]");
    return r.Bad("Invalid search criteria");
  }
  mailbox::Mailbox& mb = *s.selected();
  Result<std::vector<uint32_t>> hits = RunSearch(mb, *key);
  if (!hits.ok()) return r.Fail(hits.status());
  if (a.uid) {
    for (uint32_t& n : *hits) n = mb.Uid(n);
  }
  if (options.esearch) {
    r.Untagged(Esearch(r.tag(), a.uid, *hits, options));
  } else {
    std::string line = "SEARCH";
    for (uint32_t n : *hits) line += " " + std::to_string(n);
    r.Untagged(line);
  }
  r.Ok("Completed");
}

}  // namespace satrap::imapd
