// SEARCH criteria: parsing and matching (search_program.h).
#include "search_program.h"

#include <optional>

#include "base/strings.h"
#include "mailbox/cache_batches.h"
#include "mailbox/index_format.h"
#include "mailbox/read_ahead.h"
#include "mime/cache_record.h"
#include "mime/charset.h"
#include "mime/date.h"
#include "mime/header.h"
#include "mime/message.h"
#include "mime/search_text.h"
#include "protocol/imap_date.h"

namespace satrap::imapd {
namespace {

constexpr int64_t kDay = 86400;

SearchKey Simple(SearchKind kind, uint32_t flag = 0, bool negate = false) {
  SearchKey key;
  key.kind = kind;
  key.flag = flag;
  key.negate = negate;
  return key;
}

class Parser {
 public:
  explicit Parser(std::span<const protocol::ImapArg> args) : args_(args) {}

  Result<SearchKey> All(int depth) {
    SearchKey and_key;
    and_key.kind = SearchKind::kAnd;
    while (pos_ < args_.size()) {
      SATRAP_ASSIGN_OR_RETURN(SearchKey key, One(depth));
      and_key.children.push_back(std::move(key));
    }
    if (and_key.children.empty()) return Status::Invalid("empty search");
    if (and_key.children.size() == 1) return std::move(and_key.children[0]);
    return and_key;
  }

 private:
  Result<SearchKey> One(int depth);
  Result<SearchKey> Keyword(const std::string& name, int depth);

  Result<std::string> String() {
    if (pos_ >= args_.size()) return Status::Invalid("missing argument");
    std::optional<std::string_view> s = args_[pos_].AsAstring();
    if (!s) return Status::Invalid("string expected");
    ++pos_;
    return std::string(*s);
  }
  Result<uint64_t> Number() {
    SATRAP_ASSIGN_OR_RETURN(std::string text, String());
    std::optional<uint64_t> n = ParseUint64(text);
    if (!n) return Status::Invalid("number expected");
    return *n;
  }
  Result<uint64_t> Day() {
    SATRAP_ASSIGN_OR_RETURN(std::string text, String());
    SATRAP_ASSIGN_OR_RETURN(protocol::ImapDate date, protocol::ParseImapDate(text));
    return static_cast<uint64_t>(date.ToUnixMidnightUtc() / kDay + (1LL << 40));
  }

  std::span<const protocol::ImapArg> args_;
  size_t pos_ = 0;
};

struct FlagKey {
  std::string_view name;
  uint32_t flag;
  bool negate;
};
constexpr FlagKey kFlagKeys[] = {
    {"ANSWERED", mailbox::kFlagAnswered, false}, {"UNANSWERED", mailbox::kFlagAnswered, true},
    {"DELETED", mailbox::kFlagDeleted, false},   {"UNDELETED", mailbox::kFlagDeleted, true},
    {"DRAFT", mailbox::kFlagDraft, false},       {"UNDRAFT", mailbox::kFlagDraft, true},
    {"FLAGGED", mailbox::kFlagFlagged, false},   {"UNFLAGGED", mailbox::kFlagFlagged, true},
    {"SEEN", mailbox::kFlagSeen, false},         {"UNSEEN", mailbox::kFlagSeen, true},
};

struct HeaderKey {
  std::string_view name;
  std::string_view field;
};
constexpr HeaderKey kHeaderKeys[] = {
    {"FROM", "From"}, {"TO", "To"}, {"CC", "Cc"}, {"BCC", "Bcc"}, {"SUBJECT", "Subject"}};

struct DateKey {
  std::string_view name;
  SearchKind kind;
};
constexpr DateKey kDateKeys[] = {
    {"BEFORE", SearchKind::kBefore},         {"ON", SearchKind::kOn},
    {"SINCE", SearchKind::kSince},           {"SENTBEFORE", SearchKind::kSentBefore},
    {"SENTON", SearchKind::kSentOn},         {"SENTSINCE", SearchKind::kSentSince},
};

Result<SearchKey> Parser::One(int depth) {
  if (depth > kMaxSearchDepth) return Status::TooBig("search nested too deeply");
  if (pos_ >= args_.size()) return Status::Invalid("missing search key");
  const protocol::ImapArg& arg = args_[pos_];
  if (arg.IsList()) {
    ++pos_;
    Parser inner(arg.list);
    return inner.All(depth + 1);
  }
  if (!arg.IsAtom()) return Status::Invalid("search key expected");
  ++pos_;
  std::string name = AsciiUpper(arg.text);
  SearchKey key;
  if (!name.empty() && (std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '*')) {
    SATRAP_ASSIGN_OR_RETURN(key.set, protocol::SequenceSet::Parse(name));
    key.kind = SearchKind::kSequence;
    return key;
  }
  return Keyword(name, depth);
}

Result<SearchKey> Parser::Keyword(const std::string& name, int depth) {
  SearchKey key;
  for (const FlagKey& f : kFlagKeys) {
    if (name == f.name) return Simple(SearchKind::kSystemFlag, f.flag, f.negate);
  }
  for (const HeaderKey& h : kHeaderKeys) {
    if (name == h.name) {
      key.kind = SearchKind::kHeader;
      key.field = std::string(h.field);
      SATRAP_ASSIGN_OR_RETURN(std::string value, String());
      key.folded = mime::FoldForSearch(value);
      return key;
    }
  }
  for (const DateKey& d : kDateKeys) {
    if (name == d.name) {
      key.kind = d.kind;
      SATRAP_ASSIGN_OR_RETURN(key.number, Day());
      return key;
    }
  }
  if (name == "ALL") return key;
  if (name == "RECENT") return Simple(SearchKind::kRecent);
  if (name == "NEW") return Simple(SearchKind::kNew);
  if (name == "OLD") return Simple(SearchKind::kOld);
  if (name == "KEYWORD" || name == "UNKEYWORD") {
    key.kind = SearchKind::kKeyword;
    key.negate = name == "UNKEYWORD";
    SATRAP_ASSIGN_OR_RETURN(key.field, String());
    return key;
  }
  if (name == "LARGER" || name == "SMALLER") {
    key.kind = name == "LARGER" ? SearchKind::kLarger : SearchKind::kSmaller;
    SATRAP_ASSIGN_OR_RETURN(key.number, Number());
    return key;
  }
  if (name == "HEADER") {
    key.kind = SearchKind::kHeader;
    SATRAP_ASSIGN_OR_RETURN(key.field, String());
    SATRAP_ASSIGN_OR_RETURN(std::string value, String());
    key.folded = mime::FoldForSearch(value);
    return key;
  }
  if (name == "BODY" || name == "TEXT") {
    key.kind = name == "BODY" ? SearchKind::kBody : SearchKind::kText;
    SATRAP_ASSIGN_OR_RETURN(std::string value, String());
    key.folded = mime::FoldForSearch(value);
    return key;
  }
  if (name == "UID") {
    key.kind = SearchKind::kUid;
    // sequence-set is an atom with '*', which is not an astring.
    if (pos_ >= args_.size() || !args_[pos_].IsAtom()) return Status::Invalid("UID set expected");
    SATRAP_ASSIGN_OR_RETURN(key.set, protocol::SequenceSet::Parse(args_[pos_++].text));
    return key;
  }
  if (name == "NOT") {
    key.kind = SearchKind::kNot;
    SATRAP_ASSIGN_OR_RETURN(SearchKey child, One(depth + 1));
    key.children.push_back(std::move(child));
    return key;
  }
  if (name == "OR") {
    key.kind = SearchKind::kOr;
    SATRAP_ASSIGN_OR_RETURN(SearchKey a, One(depth + 1));
    SATRAP_ASSIGN_OR_RETURN(SearchKey b, One(depth + 1));
    key.children.push_back(std::move(a));
    key.children.push_back(std::move(b));
    return key;
  }
  return Status::Invalid("unknown search key");
}

// One message's data, loaded on first use.
class Candidate {
 public:
  // `batches` holds the scan's cache records; `position` is this message's
  // place in the scan.
  Candidate(const mailbox::Mailbox& mb, uint32_t msgno, mailbox::CacheBatches& batches,
            size_t position)
      : mb_(mb), msgno_(msgno), batches_(batches), position_(position) {}

  // The header section to search `field` in: the cached fields when they
  // hold it, else the message's own header.
  Result<std::string_view> HeaderFor(std::string_view field) {
    if (mime::IsCachedHeaderField(field)) {
      SATRAP_ASSIGN_OR_RETURN(std::string_view payload, Payload());
      // The store checked the record's CRC when it read it.
      SATRAP_ASSIGN_OR_RETURN(mime::CacheRecordView view,
                              mime::ViewCacheRecord(payload, mime::CacheCheck::kStructure));
      if (view.headers_cached) return view.cached_headers;
    }
    SATRAP_ASSIGN_OR_RETURN(std::string_view raw, Raw());
    return raw.substr(0, mime::FindHeaderEnd(raw).body_start);
  }
  Result<std::string_view> Raw() {
    if (!raw_) {
      SATRAP_ASSIGN_OR_RETURN(std::string raw, mb_.ReadMessage(msgno_));
      raw_ = std::move(raw);
    }
    return std::string_view(*raw_);
  }
  // The part tree comes from the cache record: the message is not parsed.
  Result<const std::string*> FoldedBody() {
    if (!body_) {
      SATRAP_ASSIGN_OR_RETURN(std::string_view payload, Payload());
      SATRAP_ASSIGN_OR_RETURN(mime::MessageInfo info,
                              mime::DecodeCacheRecord(payload, mime::CacheCheck::kStructure));
      SATRAP_ASSIGN_OR_RETURN(std::string_view raw, Raw());
      body_ = mime::FoldForSearch(mime::ExtractSearchableText(raw, info.root));
    }
    return &*body_;
  }
  Result<std::optional<int64_t>> SentDate() {
    SATRAP_ASSIGN_OR_RETURN(std::string_view header, HeaderFor("Date"));
    std::vector<mime::HeaderField> fields = mime::ParseHeaderFields(header);
    std::optional<std::string_view> date = mime::FindField(fields, "Date");
    if (!date) return std::optional<int64_t>();
    return mime::ParseRfc5322Date(mime::UnfoldValue(*date));
  }

 private:
  Result<std::string_view> Payload() {
    if (!payload_) payload_ = batches_.Take(position_);
    if (!payload_) {
      SATRAP_ASSIGN_OR_RETURN(owned_payload_, mb_.CachePayload(msgno_));
      payload_ = owned_payload_;
    }
    return *payload_;
  }

  const mailbox::Mailbox& mb_;
  uint32_t msgno_;
  mailbox::CacheBatches& batches_;
  size_t position_;
  std::optional<std::string_view> payload_;  // valid while this candidate is
  std::string owned_payload_;                // when not from a batch
  std::optional<std::string> raw_;
  std::optional<std::string> body_;
};

Result<bool> HeaderMatches(Candidate& c, const SearchKey& key) {
  SATRAP_ASSIGN_OR_RETURN(std::string_view header, c.HeaderFor(key.field));
  bool matched = false;
  mime::FindFieldValues(header, key.field, [&](std::string_view raw_value) {
    return matched = mime::HeaderValueContains(raw_value, key.folded);
  });
  return matched;
}

uint64_t DayOf(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / kDay : -((-seconds + kDay - 1) / kDay);
  return static_cast<uint64_t>(days + (1LL << 40));
}

bool CompareDay(SearchKind kind, uint64_t day, uint64_t wanted) {
  switch (kind) {
    case SearchKind::kBefore: case SearchKind::kSentBefore: return day < wanted;
    case SearchKind::kOn: case SearchKind::kSentOn: return day == wanted;
    default: return day >= wanted;
  }
}

Result<bool> Matches(const mailbox::Mailbox& mb, uint32_t msgno, const SearchKey& key,
                     Candidate& c) {
  switch (key.kind) {
    case SearchKind::kAll: return true;
    case SearchKind::kAnd:
      for (const SearchKey& child : key.children) {
        SATRAP_ASSIGN_OR_RETURN(bool m, Matches(mb, msgno, child, c));
        if (!m) return false;
      }
      return true;
    case SearchKind::kOr: {
      SATRAP_ASSIGN_OR_RETURN(bool a, Matches(mb, msgno, key.children[0], c));
      if (a) return true;
      return Matches(mb, msgno, key.children[1], c);
    }
    case SearchKind::kNot: {
      SATRAP_ASSIGN_OR_RETURN(bool m, Matches(mb, msgno, key.children[0], c));
      return !m;
    }
    case SearchKind::kSystemFlag:
      return ((mb.Flags(msgno).system & key.flag) != 0) != key.negate;
    case SearchKind::kKeyword: {
      const std::vector<std::string>& names = mb.keywords();
      bool set = false;
      for (size_t i = 0; i < names.size(); ++i) {
        if (EqualsIgnoreCase(names[i], key.field)) {
          set = mb.Flags(msgno).HasKeyword(static_cast<int>(i));
        }
      }
      return set != key.negate;
    }
    case SearchKind::kRecent: return mb.Flags(msgno).recent;
    case SearchKind::kNew: {
      mailbox::MessageFlags f = mb.Flags(msgno);
      return f.recent && (f.system & mailbox::kFlagSeen) == 0;
    }
    case SearchKind::kOld: return !mb.Flags(msgno).recent;
    case SearchKind::kLarger: return mb.Record(msgno).size > key.number;
    case SearchKind::kSmaller: return mb.Record(msgno).size < key.number;
    case SearchKind::kBefore: case SearchKind::kOn: case SearchKind::kSince: {
      const mailbox::IndexRecord record = mb.Record(msgno);
      return CompareDay(key.kind, DayOf(record.internal_date + record.date_zone_minutes * 60),
                        key.number);
    }
    case SearchKind::kSentBefore: case SearchKind::kSentOn: case SearchKind::kSentSince: {
      SATRAP_ASSIGN_OR_RETURN(std::optional<int64_t> sent, c.SentDate());
      // RFC 3501: without a usable Date: field, the internal date counts.
      return CompareDay(key.kind, DayOf(sent ? *sent : mb.Record(msgno).internal_date),
                        key.number);
    }
    case SearchKind::kHeader: return HeaderMatches(c, key);
    case SearchKind::kBody: case SearchKind::kText: {
      if (key.kind == SearchKind::kText) {
        SATRAP_ASSIGN_OR_RETURN(std::string_view raw, c.Raw());
        std::string_view header = raw.substr(0, mime::FindHeaderEnd(raw).body_start);
        if (mime::FoldForSearch(mime::SearchableHeaderText(header)).find(key.folded) !=
            std::string::npos) {
          return true;
        }
      }
      SATRAP_ASSIGN_OR_RETURN(const std::string* body, c.FoldedBody());
      return body->find(key.folded) != std::string::npos;
    }
    case SearchKind::kSequence:
      return key.set.Resolve(mb.exists()).Contains(msgno);
    case SearchKind::kUid:
      return key.set.Resolve(mb.exists() ? mb.Uid(mb.exists()) : 0).Contains(mb.Uid(msgno));
  }
  return false;
}

// Whether matching `key` may open message files (not only the index and
// cyrus.cache).
bool NeedsMessageFiles(const SearchKey& key) {
  switch (key.kind) {
    case SearchKind::kBody: case SearchKind::kText: return true;
    case SearchKind::kHeader: return !mime::IsCachedHeaderField(key.field);
    case SearchKind::kAnd: case SearchKind::kOr: case SearchKind::kNot:
      for (const SearchKey& child : key.children) {
        if (NeedsMessageFiles(child)) return true;
      }
      return false;
    default: return false;
  }
}

}  // namespace

Result<SearchKey> ParseSearch(std::span<const protocol::ImapArg> args) {
  Parser parser(args);
  return parser.All(0);
}

Result<std::vector<uint32_t>> RunSearch(const mailbox::Mailbox& mailbox, const SearchKey& key) {
  SATRAP_RETURN_IF_ERROR(mailbox.Verify(1, mailbox.exists()));
  std::vector<uint32_t> candidates;
  candidates.reserve(mailbox.exists());
  for (uint32_t msgno = 1; msgno <= mailbox.exists(); ++msgno) {
    if (!mailbox.IsExpungePending(msgno)) candidates.push_back(msgno);
  }
  mailbox::CacheBatches batches(mailbox, candidates);
  std::optional<mailbox::MessageReadAhead> read_ahead;
  if (NeedsMessageFiles(key)) read_ahead.emplace(mailbox, candidates);
  std::vector<uint32_t> hits;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (read_ahead) read_ahead->Reached(i);
    Candidate candidate(mailbox, candidates[i], batches, i);
    Result<bool> match = Matches(mailbox, candidates[i], key, candidate);
    if (!match.ok()) {
      if (match.code() == Code::kNotFound) continue;
      return match.status();
    }
    if (*match) hits.push_back(candidates[i]);
  }
  return hits;
}

}  // namespace satrap::imapd
