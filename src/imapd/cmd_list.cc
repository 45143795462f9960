// LIST and LSUB (RFC 3501 §6.3.8-9) with LIST-EXTENDED (RFC 5258:
// SUBSCRIBED, REMOTE, RECURSIVEMATCH selection; SUBSCRIBED, CHILDREN return
// options; several patterns), LIST-STATUS (RFC 5819), CHILDREN (RFC 3348)
// and SPECIAL-USE (RFC 6154: selection and return option; the attributes on
// every non-extended LIST, as §2 allows).
#include <algorithm>
#include <set>

#include "base/strings.h"
#include "commands.h"
#include "mailbox/glob.h"
#include "mailbox/special_use.h"
#include "protocol/imap_output.h"
#include "status_items.h"

namespace satrap::imapd {
namespace {

struct ListRequest {
  bool subscribed_only = false;  // selection SUBSCRIBED (and LSUB)
  bool return_subscribed = false;
  bool special_use_only = false;    // selection SPECIAL-USE
  bool return_special_use = false;  // RETURN (SPECIAL-USE), or a plain LIST
  std::vector<protocol::ImapArg> status_items;  // RETURN (STATUS (...))
  std::string reference;
  std::vector<std::string> patterns;
  bool lsub = false;
  // RFC 5258 §3: the extended syntax (selection or return options, several
  // patterns) gets \NonExistent for levels without a mailbox.
  bool extended = false;
};

bool ParseSelection(const protocol::ImapArg& list, ListRequest* req) {
  for (const protocol::ImapArg& opt : list.list) {
    if (!opt.IsAtom()) return false;
    std::string o = AsciiUpper(opt.text);
    if (o == "SUBSCRIBED") {
      req->subscribed_only = req->return_subscribed = true;
    } else if (o == "SPECIAL-USE") {
      // RFC 6154 §5.1: the selection implies the return option.
      req->special_use_only = req->return_special_use = true;
    } else if (o != "REMOTE" && o != "RECURSIVEMATCH") {
      return false;
    }
  }
  return true;
}

bool ParseReturn(const protocol::ImapArg& list, ListRequest* req) {
  for (size_t i = 0; i < list.list.size(); ++i) {
    const protocol::ImapArg& opt = list.list[i];
    if (!opt.IsAtom()) return false;
    std::string o = AsciiUpper(opt.text);
    if (o == "SUBSCRIBED") {
      req->return_subscribed = true;
    } else if (o == "SPECIAL-USE") {
      req->return_special_use = true;
    } else if (o == "STATUS" && i + 1 < list.list.size() && list.list[i + 1].IsList()) {
      req->status_items = list.list[++i].list;
      if (!ValidateStatusItems(req->status_items).ok()) return false;
    } else if (o != "CHILDREN") {
      return false;
    }
  }
  return true;
}

// LIST [(selection)] reference (pattern / (patterns)) [RETURN (options)].
bool ParseList(const std::vector<protocol::ImapArg>& args, ListRequest* req) {
  size_t i = 0;
  if (i < args.size() && args[i].IsList()) {
    req->extended = true;
    if (!ParseSelection(args[i++], req)) return false;
  }
  if (i + 2 > args.size()) return false;
  std::optional<std::string_view> reference = args[i++].AsListMailbox();
  if (!reference && args[i - 1].IsString()) reference = args[i - 1].text;
  if (!reference) return false;
  req->reference = std::string(*reference);
  const protocol::ImapArg& pattern = args[i++];
  std::vector<const protocol::ImapArg*> patterns;
  if (pattern.IsList()) {
    req->extended = true;
    for (const protocol::ImapArg& p : pattern.list) patterns.push_back(&p);
  } else {
    patterns.push_back(&pattern);
  }
  for (const protocol::ImapArg* p : patterns) {
    std::optional<std::string_view> text = p->AsListMailbox();
    if (!text) return false;
    req->patterns.emplace_back(*text);
  }
  if (i < args.size()) {
    req->extended = true;
    if (i + 2 != args.size() || !args[i].IsAtom() || !EqualsIgnoreCase(args[i].text, "RETURN") ||
        !args[i + 1].IsList() || !ParseReturn(args[i + 1], req)) {
      return false;
    }
  }
  return !req->patterns.empty();
}

std::string Line(std::string_view kind, const std::vector<std::string>& attributes, char sep,
                 std::string_view name) {
  std::string line(kind);
  line += " (" + Join(attributes, " ") + ") \"";
  if (sep == '"' || sep == '\\') line += '\\';
  line += sep;
  line += "\" ";
  protocol::AppendAstring(&line, name);
  return line;
}

// The attributes of one LIST/LSUB response line.
std::vector<std::string> Attributes(const ListRequest& req, const mailbox::ListEntry& entry,
                                    bool is_subscribed) {
  std::vector<std::string> attributes;
  if (!entry.exists) {
    // RFC 5258 §3: \NonExistent implies \Noselect.
    attributes.push_back(req.extended && !req.lsub ? "\\NonExistent" : "\\Noselect");
  } else if (!entry.selectable) {
    attributes.push_back("\\Noselect");
  }
  // LSUB answers as Cyrus does, without CHILDREN attributes.
  if (!req.lsub) attributes.push_back(entry.has_children ? "\\HasChildren" : "\\HasNoChildren");
  if (req.return_subscribed && is_subscribed) attributes.push_back("\\Subscribed");
  if (req.return_special_use && !req.lsub) {
    for (std::string& use : mailbox::SpecialUseNames(entry.special_use)) {
      attributes.push_back(std::move(use));
    }
  }
  return attributes;
}

void ListMatches(Session& s, const ListRequest& req, const std::set<std::string>& subscribed,
                 Responder& r) {
  const char sep = s.ns().separator();
  std::set<std::string> done;
  for (const std::string& pattern : req.patterns) {
    std::string full = req.reference + pattern;
    Result<std::vector<mailbox::ListEntry>> found = s.store().List(s.identity(), full);
    if (!found.ok()) continue;
    for (const mailbox::ListEntry& entry : *found) {
      if (!done.insert(entry.name).second) continue;
      bool is_subscribed = subscribed.count(entry.name) != 0;
      if (req.subscribed_only && !is_subscribed) continue;
      if (req.special_use_only && entry.special_use == 0) continue;
      std::string external = s.External(entry.name);
      if (external.empty()) continue;
      std::vector<std::string> attributes = Attributes(req, entry, is_subscribed);
      r.Untagged(Line(req.lsub ? "LSUB" : "LIST", attributes, sep, external));
      if (!req.status_items.empty() && entry.selectable) {
        Result<std::string> status = StatusOf(s, entry.name, req.status_items);
        if (status.ok()) {
          std::string line = "STATUS ";
          protocol::AppendAstring(&line, external);
          r.Untagged(line + " " + *status);
        }
      }
    }
  }
  // Subscribed names whose mailbox is gone (RFC 5258 §3.1: \NonExistent).
  if (req.subscribed_only && !req.special_use_only) {
    for (const std::string& name : subscribed) {
      if (done.count(name) != 0) continue;
      std::string external = s.External(name);
      if (external.empty()) continue;
      for (const std::string& pattern : req.patterns) {
        if (mailbox::GlobMatch(req.reference + pattern, external, sep)) {
          std::vector<std::string> attributes = {req.lsub ? "\\Noselect" : "\\NonExistent"};
          if (!req.lsub) attributes.push_back("\\Subscribed");
          r.Untagged(Line(req.lsub ? "LSUB" : "LIST", attributes, sep, external));
          break;
        }
      }
    }
  }
}

void Run(Session& s, ListRequest& req, Responder& r) {
  // RFC 3501 §6.3.8: an empty pattern asks for the separator and root.
  if (req.patterns.size() == 1 && req.patterns[0].empty() && !req.lsub) {
    std::string line = Line("LIST", {"\\Noselect"}, s.ns().separator(), "");
    r.Untagged(line);
    return r.Ok("Completed");
  }
  std::set<std::string> subscribed;
  if (req.subscribed_only || req.return_subscribed) {
    Result<std::vector<std::string>> subs = s.store().Subscriptions(s.identity());
    if (!subs.ok()) return r.Fail(subs.status());
    subscribed.insert(subs->begin(), subs->end());
  }
  ListMatches(s, req, subscribed, r);
  r.Ok("Completed");
}

}  // namespace

void CmdList(Session& s, const Args& a, Responder& r) {
  ListRequest req;
  if (!ParseList(a.args, &req)) return r.Bad("Invalid LIST arguments");
  if (!req.extended) req.return_special_use = true;
  Run(s, req, r);
}

void CmdLsub(Session& s, const Args& a, Responder& r) {
  ListRequest req;
  if (a.args.size() != 2 || !ParseList(a.args, &req)) return r.Bad("Usage: LSUB reference pattern");
  req.lsub = true;
  req.subscribed_only = true;
  Run(s, req, r);
}

}  // namespace satrap::imapd
