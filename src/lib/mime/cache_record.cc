#include "mime/cache_record.h"

#include <span>

#include "base/crc32c.h"
#include "mime/bodystructure.h"
#include "mime/wire.h"

namespace satrap::mime {
namespace {

constexpr uint8_t kVersionWithBodies = 2;
constexpr uint8_t kFlagHeadersNotCached = 1;
constexpr size_t kPrefixSize = 6;  // version, flags, CRC
constexpr size_t kMaxTreeDepth = kMaxDepth + 2;
constexpr size_t kMaxTreeParts = 2 * kMaxParts + 2;

void EncodeParams(const std::vector<Param>& params, std::string* out) {
  wire::PutVarint(params.size(), out);
  for (const Param& p : params) {
    wire::PutString(p.name, out);
    wire::PutString(p.value, out);
  }
}

void EncodePart(const Part& part, std::string* out) {
  out->push_back(static_cast<char>(part.kind));
  wire::PutVarint(part.header_offset, out);
  wire::PutVarint(part.body_offset - part.header_offset, out);
  wire::PutVarint(part.end_offset - part.body_offset, out);
  wire::PutVarint(part.body_lines, out);
  wire::PutString(part.content_type.type, out);
  wire::PutString(part.content_type.subtype, out);
  EncodeParams(part.content_type.params, out);
  for (const std::string* s : {&part.encoding, &part.id, &part.description, &part.md5,
                               &part.location}) {
    wire::PutString(*s, out);
  }
  out->push_back(part.disposition ? 1 : 0);
  if (part.disposition) {
    wire::PutString(part.disposition->type, out);
    EncodeParams(part.disposition->params, out);
  }
  wire::PutVarint(part.languages.size(), out);
  for (const std::string& language : part.languages) wire::PutString(language, out);
  wire::PutVarint(part.children.size(), out);
  for (const Part& child : part.children) EncodePart(child, out);
}

Status Corrupt(const char* what) { return Status::Corrupt(std::string("cache record: ") + what); }

class TreeDecoder {
 public:
  explicit TreeDecoder(std::string_view bytes) : reader_(bytes) {}

  Status DecodeRoot(Part* root) {
    SATRAP_RETURN_IF_ERROR(DecodePart(0, root));
    if (!reader_.done()) return Corrupt("bytes after the part tree");
    if (root->header_offset != 0) return Corrupt("root does not start at 0");
    return Status::Ok();
  }

  size_t message_parts() const { return message_parts_; }

 private:
  // A count is plausible only if every element could still take a byte.
  bool GetCount(uint64_t* n) { return reader_.GetVarint(n) && *n <= reader_.remaining(); }

  bool DecodeParams(std::vector<Param>* params) {
    uint64_t n = 0;
    if (!GetCount(&n)) return false;
    params->resize(static_cast<size_t>(n));
    for (Param& p : *params) {
      if (!reader_.GetString(&p.name) || !reader_.GetString(&p.value)) return false;
    }
    return true;
  }

  bool DecodeFields(Part* part) {
    uint8_t kind = 0;
    uint64_t header_len = 0, body_len = 0;
    if (!reader_.GetByte(&kind) || kind > 2 || !reader_.GetVarint(&part->header_offset) ||
        !reader_.GetVarint(&header_len) || !reader_.GetVarint(&body_len) ||
        !reader_.GetVarint(&part->body_lines)) {
      return false;
    }
    constexpr uint64_t kLimit = uint64_t{1} << 62;
    if (part->header_offset > kLimit || header_len > kLimit || body_len > kLimit) return false;
    part->kind = static_cast<PartKind>(kind);
    part->body_offset = part->header_offset + header_len;
    part->end_offset = part->body_offset + body_len;
    if (part->body_lines > body_len) return false;
    if (!reader_.GetString(&part->content_type.type) ||
        !reader_.GetString(&part->content_type.subtype) ||
        !DecodeParams(&part->content_type.params)) {
      return false;
    }
    for (std::string* s : {&part->encoding, &part->id, &part->description, &part->md5,
                           &part->location}) {
      if (!reader_.GetString(s)) return false;
    }
    uint8_t has_disposition = 0;
    if (!reader_.GetByte(&has_disposition) || has_disposition > 1) return false;
    if (has_disposition) {
      part->disposition.emplace();
      if (!reader_.GetString(&part->disposition->type) ||
          !DecodeParams(&part->disposition->params)) {
        return false;
      }
    }
    uint64_t n = 0;
    if (!GetCount(&n)) return false;
    part->languages.resize(static_cast<size_t>(n));
    for (std::string& language : part->languages) {
      if (!reader_.GetString(&language)) return false;
    }
    return true;
  }

  Status DecodePart(size_t depth, Part* part) {
    if (depth > kMaxTreeDepth) return Corrupt("part tree too deep");
    if (++parts_ > kMaxTreeParts) return Corrupt("too many parts");
    if (!DecodeFields(part)) return Corrupt("malformed part");
    uint64_t n = 0;
    if (!GetCount(&n)) return Corrupt("malformed child count");
    bool shape_ok = (part->kind == PartKind::kLeaf && n == 0) ||
                    (part->kind == PartKind::kMultipart && n >= 1) ||
                    (part->kind == PartKind::kMessage && n == 1);
    if (!shape_ok) return Corrupt("children do not match the part kind");
    if (part->kind == PartKind::kMessage) ++message_parts_;
    part->children.resize(static_cast<size_t>(n));
    uint64_t floor = part->body_offset;
    for (Part& child : part->children) {
      SATRAP_RETURN_IF_ERROR(DecodePart(depth + 1, &child));
      if (child.header_offset < floor || child.end_offset > part->end_offset) {
        return Corrupt("child outside its parent");
      }
      floor = child.end_offset;
    }
    if (part->kind == PartKind::kMessage &&
        (part->children[0].header_offset != part->body_offset ||
         part->children[0].end_offset != part->end_offset)) {
      return Corrupt("encapsulated message does not fill its part");
    }
    return Status::Ok();
  }

  wire::Reader reader_;
  size_t parts_ = 0;
  size_t message_parts_ = 0;
};

// The tree and, for a current record, its embedded envelopes, checked to
// belong together.
Status DecodeTree(const CacheRecordView& view, Part* root, std::vector<std::string>* envelopes) {
  TreeDecoder decoder(view.part_tree);
  SATRAP_RETURN_IF_ERROR(decoder.DecodeRoot(root));
  if (view.version == kVersionWithBodies) return Status::Ok();
  wire::Reader reader(view.embedded_envelopes);
  uint64_t n = 0;
  if (!reader.GetVarint(&n) || n != decoder.message_parts()) {
    return Corrupt("embedded envelopes do not match the tree");
  }
  envelopes->resize(static_cast<size_t>(n));
  for (std::string& envelope : *envelopes) {
    if (!reader.GetString(&envelope)) return Corrupt("malformed embedded envelope");
  }
  if (!reader.done()) return Corrupt("bytes after the embedded envelopes");
  return Status::Ok();
}

}  // namespace

std::string EncodeCacheRecord(const MessageInfo& info) {
  std::string tree;
  EncodePart(info.root, &tree);
  std::string embedded;
  wire::PutVarint(info.embedded_envelopes.size(), &embedded);
  for (const std::string& envelope : info.embedded_envelopes) wire::PutString(envelope, &embedded);
  std::string out;
  out.push_back(static_cast<char>(kCacheRecordVersion));
  out.push_back(static_cast<char>(info.headers_cached ? 0 : kFlagHeadersNotCached));
  wire::PutFixed32(0, &out);  // CRC, filled in below
  const std::string* const fields[] = {&info.envelope, &info.cached_headers, &tree, &embedded};
  for (const std::string* s : fields) {
    wire::PutFixed32(static_cast<uint32_t>(s->size()), &out);
    out.append(*s);
  }
  uint32_t crc = Crc32c(std::string_view(out).substr(kPrefixSize), Crc32c(std::string_view(out).substr(0, 2)));
  std::string crc_bytes;
  wire::PutFixed32(crc, &crc_bytes);
  out.replace(2, 4, crc_bytes);
  return out;
}

Result<CacheRecordView> ViewCacheRecord(std::string_view record, CacheCheck check) {
  if (record.size() < kPrefixSize) return Corrupt("too short");
  CacheRecordView view;
  view.version = static_cast<uint8_t>(record[0]);
  uint8_t flags = static_cast<uint8_t>(record[1]);
  if (view.version != kCacheRecordVersion && view.version != kVersionWithBodies) {
    return Corrupt("unknown version");
  }
  if (flags & ~kFlagHeadersNotCached) return Corrupt("unknown flags");
  view.headers_cached = !(flags & kFlagHeadersNotCached);
  wire::Reader reader(record.substr(2));
  uint32_t stored_crc = 0;
  if (!reader.GetFixed32(&stored_crc)) return Corrupt("too short");
  if (check == CacheCheck::kFull &&
      Crc32c(record.substr(kPrefixSize), Crc32c(record.substr(0, 2))) != stored_crc) {
    return Corrupt("checksum mismatch");
  }
  std::string_view* const current_fields[] = {&view.envelope, &view.cached_headers,
                                               &view.part_tree, &view.embedded_envelopes};
  std::string_view* const v2_fields[] = {&view.envelope, &view.v2_body, &view.v2_bodystructure,
                                         &view.cached_headers, &view.part_tree};
  std::span<std::string_view* const> fields = current_fields;
  if (view.version == kVersionWithBodies) fields = v2_fields;
  for (std::string_view* field : fields) {
    uint32_t length = 0;
    if (!reader.GetFixed32(&length) || !reader.GetBytes(length, field)) {
      return Corrupt("field runs past the end");
    }
  }
  if (!reader.done()) return Corrupt("trailing bytes");
  if (!view.headers_cached && !view.cached_headers.empty()) {
    return Corrupt("headers present but flagged absent");
  }
  return view;
}

Result<MessageInfo> DecodeCacheRecord(std::string_view record, CacheCheck check) {
  SATRAP_ASSIGN_OR_RETURN(CacheRecordView view, ViewCacheRecord(record, check));
  MessageInfo info;
  info.envelope.assign(view.envelope);
  info.cached_headers.assign(view.cached_headers);
  info.headers_cached = view.headers_cached;
  SATRAP_RETURN_IF_ERROR(DecodeTree(view, &info.root, &info.embedded_envelopes));
  return info;
}

Status AppendCachedBodyStructure(const CacheRecordView& view, bool extended, std::string* out) {
  if (view.version == kVersionWithBodies) {
    out->append(extended ? view.v2_bodystructure : view.v2_body);
    return Status::Ok();
  }
  Part root;
  std::vector<std::string> envelopes;
  SATRAP_RETURN_IF_ERROR(DecodeTree(view, &root, &envelopes));
  // DecodeTree matched the envelopes to the tree's message parts, so this
  // cannot run short of them; rendered aside all the same, to keep `out`
  // whole if it did.
  std::string rendered;
  if (!AppendBodyStructure(root, envelopes, extended, &rendered)) {
    return Corrupt("embedded envelopes do not match the tree");
  }
  out->append(rendered);
  return Status::Ok();
}

}  // namespace satrap::mime
