// FETCH and UID FETCH (RFC 3501 §6.4.5, §7.4.2). ENVELOPE, BODY and
// BODYSTRUCTURE come from cyrus.cache, as do HEADER.FIELDS of cached fields;
// only other body sections open the message file. A non-PEEK body fetch
// sets \Seen first, and the response then carries FLAGS. Over runs of
// consecutive messages the cache records are read in batches, one
// sequential read of cyrus.cache each (mailbox::CacheBatches).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/strings.h"
#include "commands.h"
#include "flag_list.h"
#include "mailbox/cache_batches.h"
#include "mailbox/index_format.h"
#include "message_set.h"
#include "mime/cache_record.h"
#include "mime/message.h"
#include "mime/section.h"
#include "protocol/imap_date.h"
#include "protocol/imap_output.h"

namespace satrap::imapd {
namespace {

// Whole messages go out in pieces of this size (StreamWholeMessage).
constexpr size_t kStreamChunk = 256 * 1024;

enum class ItemKind { kFlags, kInternalDate, kSize, kEnvelope, kBody, kBodyStructure, kUid,
                      kSection };

struct FetchItem {
  ItemKind kind = ItemKind::kFlags;
  std::string label;  // the name in the response ("BODY[HEADER]<0>", "RFC822")
  mime::SectionSpec spec;
  bool peek = true;
  bool partial = false;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct FetchPlan {
  std::vector<FetchItem> items;
  bool sets_seen = false;
  bool has(ItemKind kind) const {
    for (const FetchItem& i : items) {
      if (i.kind == kind) return true;
    }
    return false;
  }
};

FetchItem Simple(ItemKind kind) { return FetchItem{kind, "", {}, true, false, 0, 0}; }

FetchItem Section(std::string label, std::string_view spec_text, bool peek) {
  FetchItem item;
  item.kind = ItemKind::kSection;
  item.label = std::move(label);
  item.spec = *mime::ParseSectionSpec(spec_text);
  item.peek = peek;
  return item;
}

bool AddAtom(const std::string& name, FetchPlan* plan) {
  std::string n = AsciiUpper(name);
  auto add = [plan](FetchItem item) { plan->items.push_back(std::move(item)); };
  if (n == "ALL" || n == "FAST" || n == "FULL") {
    add(Simple(ItemKind::kFlags));
    add(Simple(ItemKind::kInternalDate));
    add(Simple(ItemKind::kSize));
    if (n != "FAST") add(Simple(ItemKind::kEnvelope));
    if (n == "FULL") add(Simple(ItemKind::kBody));
  } else if (n == "FLAGS") {
    add(Simple(ItemKind::kFlags));
  } else if (n == "INTERNALDATE") {
    add(Simple(ItemKind::kInternalDate));
  } else if (n == "RFC822.SIZE") {
    add(Simple(ItemKind::kSize));
  } else if (n == "ENVELOPE") {
    add(Simple(ItemKind::kEnvelope));
  } else if (n == "BODY") {
    add(Simple(ItemKind::kBody));
  } else if (n == "BODYSTRUCTURE") {
    add(Simple(ItemKind::kBodyStructure));
  } else if (n == "UID") {
    add(Simple(ItemKind::kUid));
  } else if (n == "RFC822") {
    add(Section("RFC822", "", false));
  } else if (n == "RFC822.HEADER") {
    add(Section("RFC822.HEADER", "HEADER", true));
  } else if (n == "RFC822.TEXT") {
    add(Section("RFC822.TEXT", "TEXT", false));
  } else {
    return false;
  }
  return true;
}

bool AddSection(const protocol::ImapArg& arg, FetchPlan* plan) {
  std::string attribute = AsciiUpper(arg.text);
  if (attribute != "BODY" && attribute != "BODY.PEEK") return false;
  std::string spec_text = arg.section;
  if (arg.has_header_list) {
    std::string names;
    for (const protocol::ImapArg& field : arg.list) {
      if (!field.IsAtom() && !field.IsString()) return false;
      if (!names.empty()) names += ' ';
      protocol::AppendAstring(&names, field.text);
    }
    spec_text += " (" + names + ")";
  }
  Result<mime::SectionSpec> spec = mime::ParseSectionSpec(spec_text);
  if (!spec.ok()) return false;
  FetchItem item;
  item.kind = ItemKind::kSection;
  item.spec = std::move(*spec);
  item.peek = attribute == "BODY.PEEK";
  item.label = "BODY[" + spec_text + "]";
  if (!arg.partial.empty()) {
    std::vector<std::string_view> parts = Split(arg.partial, '.');
    std::optional<uint64_t> offset = ParseUint64(parts[0]);
    std::optional<uint64_t> length = parts.size() == 2 ? ParseUint64(parts[1]) : std::nullopt;
    if (!offset || !length || *length == 0 || *offset > UINT32_MAX || *length > UINT32_MAX) {
      return false;
    }
    item.partial = true;
    item.offset = *offset;
    item.length = *length;
    item.label += "<" + std::to_string(*offset) + ">";
  }
  plan->items.push_back(std::move(item));
  return true;
}

bool AddItem(const protocol::ImapArg& arg, FetchPlan* plan, bool in_list) {
  if (arg.type == protocol::ImapArgType::kSection) return AddSection(arg, plan);
  if (!arg.IsAtom()) return false;
  std::string n = AsciiUpper(arg.text);
  // Macros stand alone (RFC 3501 §6.4.5).
  if (in_list && (n == "ALL" || n == "FAST" || n == "FULL")) return false;
  return AddAtom(arg.text, plan);
}

Result<FetchPlan> Plan(const Args& a) {
  FetchPlan plan;
  if (a.args.size() != 2) return Status::Invalid("FETCH needs a set and items");
  const protocol::ImapArg& what = a.args[1];
  if (what.IsList()) {
    if (what.list.empty()) return Status::Invalid("empty fetch list");
    for (const protocol::ImapArg& arg : what.list) {
      if (!AddItem(arg, &plan, true)) return Status::Invalid("bad fetch item");
    }
  } else if (!AddItem(what, &plan, false)) {
    return Status::Invalid("bad fetch item");
  }
  if (a.uid && !plan.has(ItemKind::kUid)) plan.items.insert(plan.items.begin(), Simple(ItemKind::kUid));
  for (const FetchItem& item : plan.items) {
    if (item.kind == ItemKind::kSection && !item.peek) plan.sets_seen = true;
  }
  if (plan.sets_seen && !plan.has(ItemKind::kFlags)) plan.items.push_back(Simple(ItemKind::kFlags));
  return plan;
}

// What one message's response needs, loaded on first use.
class MessageData {
 public:
  // `payload`, when given, must outlive this object (CacheBatches::Take).
  MessageData(const mailbox::Mailbox& mb, uint32_t msgno, std::optional<std::string_view> payload)
      : mb_(mb), msgno_(msgno), payload_(payload) {}

  Result<mime::CacheRecordView> View() {
    if (!payload_) {
      SATRAP_ASSIGN_OR_RETURN(owned_payload_, mb_.CachePayload(msgno_));
      payload_ = owned_payload_;
    }
    // The store checked the record's CRC when it read it.
    return mime::ViewCacheRecord(*payload_, mime::CacheCheck::kStructure);
  }
  Result<const mime::Part*> Tree() {
    if (!info_) {
      SATRAP_ASSIGN_OR_RETURN(mime::CacheRecordView view, View());
      (void)view;
      SATRAP_ASSIGN_OR_RETURN(mime::MessageInfo info, mime::DecodeCacheRecord(*payload_, mime::CacheCheck::kStructure));
      info_ = std::move(info);
    }
    return &info_->root;
  }
  Result<std::string_view> Raw() {
    if (!raw_) {
      SATRAP_ASSIGN_OR_RETURN(std::string raw, mb_.ReadMessage(msgno_));
      raw_ = std::move(raw);
    }
    return std::string_view(*raw_);
  }

 private:
  const mailbox::Mailbox& mb_;
  uint32_t msgno_;
  std::optional<std::string_view> payload_;
  std::string owned_payload_;  // when not from a batch
  std::optional<mime::MessageInfo> info_;
  std::optional<std::string> raw_;
};

bool AllCached(const mime::SectionSpec& spec) {
  if (!spec.part.empty() || spec.text != mime::SectionText::kHeaderFields) return false;
  for (const std::string& field : spec.fields) {
    if (!mime::IsCachedHeaderField(field)) return false;
  }
  return true;
}

Result<std::string> SectionBytes(const FetchItem& item, MessageData& data) {
  if (AllCached(item.spec)) {
    SATRAP_ASSIGN_OR_RETURN(mime::CacheRecordView view, data.View());
    if (view.headers_cached) {
      return mime::FilterHeaderFields(view.cached_headers, item.spec.fields, false);
    }
  }
  SATRAP_ASSIGN_OR_RETURN(const mime::Part* root, data.Tree());
  SATRAP_ASSIGN_OR_RETURN(std::string_view raw, data.Raw());
  Result<std::string> bytes = mime::FetchSection(raw, *root, item.spec);
  // A part that does not exist is empty (RFC 3501 leaves it open; Cyrus
  // and Dovecot answer NIL or ""), not a failure of the whole command.
  if (!bytes.ok() && bytes.code() != Code::kInternal && bytes.code() != Code::kCorrupt) {
    return std::string();
  }
  return bytes;
}

Status AppendItem(const FetchItem& item, const mailbox::Mailbox& mb, uint32_t msgno,
                  MessageData& data, std::string* out) {
  // Appended in place: FETCH 1:* of a large mailbox runs this 100,000 times.
  switch (item.kind) {
    case ItemKind::kFlags:
      out->append("FLAGS ");
      AppendFlags(mb, msgno, out);
      break;
    case ItemKind::kInternalDate: {
      const mailbox::IndexRecord record = mb.Record(msgno);
      out->append("INTERNALDATE \"")
          .append(protocol::FormatImapDateTime(record.internal_date, record.date_zone_minutes))
          .append("\"");
      break;
    }
    case ItemKind::kSize:
      out->append("RFC822.SIZE ").append(std::to_string(mb.Record(msgno).size));
      break;
    case ItemKind::kUid:
      out->append("UID ").append(std::to_string(mb.Uid(msgno)));
      break;
    case ItemKind::kEnvelope:
    case ItemKind::kBody:
    case ItemKind::kBodyStructure: {
      SATRAP_ASSIGN_OR_RETURN(mime::CacheRecordView view, data.View());
      if (item.kind == ItemKind::kEnvelope) {
        out->append("ENVELOPE ").append(view.envelope);
        break;
      }
      bool extended = item.kind == ItemKind::kBodyStructure;
      out->append(extended ? "BODYSTRUCTURE " : "BODY ");
      SATRAP_RETURN_IF_ERROR(mime::AppendCachedBodyStructure(view, extended, out));
      break;
    }
    case ItemKind::kSection: {
      SATRAP_ASSIGN_OR_RETURN(std::string bytes, SectionBytes(item, data));
      std::string_view view(bytes);
      if (item.partial) {
        view = item.offset >= view.size() ? std::string_view() : view.substr(item.offset, item.length);
      }
      *out += item.label + " ";
      protocol::AppendLiteral(out, view);
      break;
    }
  }
  return Status();
}

// BODY[], BODY.PEEK[] and RFC822 (and their <partial> forms) are a byte range
// of the message file itself.
bool IsWholeMessage(const FetchItem& item) {
  return item.kind == ItemKind::kSection && item.spec.part.empty() &&
         item.spec.text == mime::SectionText::kNone;
}

// Sends a whole-message item as a literal read from the message file in
// chunks, flushing each: a 20 MB message never sits in the worker's memory
// (nor in its RSS, as a mapping of the file would). `out` holds the response
// so far; it is sent first and left empty.
Status StreamWholeMessage(const FetchItem& item, const mailbox::Mailbox& mb, uint32_t msgno,
                          std::string* out, Responder& r) {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, mb.OpenMessage(msgno));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno("fstat message", errno);
  uint64_t begin = 0;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (item.partial) {
    begin = std::min<uint64_t>(item.offset, size);
    size = std::min<uint64_t>(size - begin, item.length);
  }
  *out += item.label + " {" + std::to_string(size) + "}\r\n";
  r.Raw(*out);
  out->clear();
  std::string chunk(kStreamChunk, '\0');
  for (uint64_t done = 0; done < size;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size - done, chunk.size()));
    ssize_t got = ::pread(fd.get(), chunk.data(), want, static_cast<off_t>(begin + done));
    // The literal's length is on the wire: a file that shrank under us
    // leaves the connection unusable, so it ends (kIoError).
    if (got <= 0) return Status::IoError("message file shorter than its literal");
    r.Raw(std::string_view(chunk.data(), static_cast<size_t>(got)));
    SATRAP_RETURN_IF_ERROR(r.conn().Flush());
    done += static_cast<uint64_t>(got);
  }
  return Status();
}

void MarkSeen(Session& s, const std::vector<uint32_t>& msgnos) {
  mailbox::Mailbox& mb = *s.selected();
  if (mb.read_only()) return;
  std::vector<uint32_t> unseen;
  for (uint32_t msgno : msgnos) {
    if ((mb.Flags(msgno).system & mailbox::kFlagSeen) == 0) unseen.push_back(msgno);
  }
  if (unseen.empty()) return;
  mailbox::FlagChange change;
  change.op = mailbox::FlagOp::kAdd;
  change.system = mailbox::kFlagSeen;
  (void)mb.StoreFlags(unseen, change);  // without `s` \Seen is simply not kept
}

}  // namespace

void CmdFetch(Session& s, const Args& a, Responder& r) {
  Result<FetchPlan> plan = Plan(a);
  if (!plan.ok()) return r.Bad("Invalid FETCH arguments");
  mailbox::Mailbox& mb = *s.selected();
  Result<std::vector<uint32_t>> msgnos = ResolveMessages(mb, a.args[0], a.uid);
  if (!msgnos.ok()) return RefuseMessageSet(msgnos.status(), r);
  if (plan->sets_seen) MarkSeen(s, *msgnos);
  const bool uses_cache = plan->has(ItemKind::kEnvelope) || plan->has(ItemKind::kBody) ||
                          plan->has(ItemKind::kBodyStructure) ||
                          std::any_of(plan->items.begin(), plan->items.end(), [](const FetchItem& i) {
                            return i.kind == ItemKind::kSection && !IsWholeMessage(i);
                          });
  mailbox::CacheBatches batches(mb, *msgnos);
  bool expunged = false;
  std::string out;  // one response line at a time, its buffer reused
  for (size_t n = 0; n < msgnos->size(); ++n) {
    const uint32_t msgno = (*msgnos)[n];
    MessageData data(mb, msgno, uses_cache ? batches.Take(n) : std::nullopt);
    out.assign("* ").append(std::to_string(msgno)).append(" FETCH (");
    Status status;
    for (size_t i = 0; i < plan->items.size() && status.ok(); ++i) {
      if (i > 0) out += ' ';
      if (IsWholeMessage(plan->items[i])) {
        status = StreamWholeMessage(plan->items[i], mb, msgno, &out, r);
        if (!status.ok() && !status.Is(Code::kNotFound)) {
          s.EndAfterCommand();  // a literal is half sent
          return r.Fail(status);
        }
      } else {
        status = AppendItem(plan->items[i], mb, msgno, data, &out);
      }
    }
    if (status.Is(Code::kNotFound)) {  // expunged by another session meanwhile
      expunged = true;
      continue;
    }
    if (!status.ok()) return r.Fail(status);
    out += ")\r\n";
    r.Raw(out);
  }
  // RFC 2180 §4.1.2 / RFC 5530: what was still there has been sent.
  if (expunged) return r.No("Some messages were expunged", "[EXPUNGEISSUED]");
  r.Ok("Completed");
}

}  // namespace satrap::imapd
