#include "mime/bodystructure.h"

#include "base/strings.h"
#include "mime/envelope.h"
#include "mime/imap_string.h"

namespace satrap::mime {
namespace {

void AppendParams(const std::vector<Param>& params, std::string* out) {
  if (params.empty()) {
    out->append("NIL");
    return;
  }
  out->push_back('(');
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out->push_back(' ');
    AppendImapString(params[i].name, out);
    out->push_back(' ');
    AppendImapString(params[i].value, out);
  }
  out->push_back(')');
}

void AppendDisposition(const Part& part, std::string* out) {
  if (!part.disposition) {
    out->append("NIL");
    return;
  }
  out->push_back('(');
  AppendImapString(part.disposition->type, out);
  out->push_back(' ');
  AppendParams(part.disposition->params, out);
  out->push_back(')');
}

void AppendLanguages(const Part& part, std::string* out) {
  if (part.languages.empty()) {
    out->append("NIL");
    return;
  }
  out->push_back('(');
  for (size_t i = 0; i < part.languages.size(); ++i) {
    if (i > 0) out->push_back(' ');
    AppendImapString(part.languages[i], out);
  }
  out->push_back(')');
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc
void AppendCommonExtension(const Part& part, std::string* out) {
  out->push_back(' ');
  AppendDisposition(part, out);
  out->push_back(' ');
  AppendLanguages(part, out);
  out->push_back(' ');
  AppendImapNStringOrNil(part.location, out);
}

bool IsKnownEncoding(std::string_view e) {
  for (std::string_view known : {"7bit", "8bit", "binary", "base64", "quoted-printable"}) {
    if (EqualsIgnoreCase(e, known)) return true;
  }
  // RFC 2045 §6.3: x-token encodings are legitimate too.
  return StartsWithIgnoreCase(e, "x-") && e.size() > 2;
}

// body-type-basic / body-type-text / body-type-msg, without the parentheses.
void AppendSinglePart(std::string_view raw, const Part& part, bool extended, std::string* out) {
  AppendImapString(part.content_type.type, out);
  out->push_back(' ');
  AppendImapString(part.content_type.subtype, out);
  out->push_back(' ');
  std::vector<Param> params = part.content_type.params;
  if (part.IsText() && !FindParam(params, "charset")) {
    params.insert(params.begin(), Param{"charset", "us-ascii"});
  }
  AppendParams(params, out);
  out->push_back(' ');
  AppendImapNStringOrNil(part.id, out);
  out->push_back(' ');
  AppendImapNStringOrNil(part.description, out);
  out->push_back(' ');
  AppendImapString(IsKnownEncoding(part.encoding) ? std::string_view(part.encoding) : "7bit",
                   out);
  out->append(" " + std::to_string(part.body_size()));
  if (part.kind == PartKind::kMessage) {
    const Part& inner = part.children[0];
    out->push_back(' ');
    AppendEnvelope(raw.substr(inner.header_offset, inner.body_offset - inner.header_offset), out);
    out->push_back(' ');
    AppendBodyStructure(raw, inner, extended, out);
  }
  if (part.IsText() || part.kind == PartKind::kMessage) {
    out->append(" " + std::to_string(part.body_lines));
  }
  if (extended) {
    out->push_back(' ');
    AppendImapNStringOrNil(part.md5, out);
    AppendCommonExtension(part, out);
  }
}

}  // namespace

void AppendBodyStructure(std::string_view raw, const Part& part, bool extended,
                         std::string* out) {
  out->push_back('(');
  if (part.kind != PartKind::kMultipart) {
    AppendSinglePart(raw, part, extended, out);
  } else {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    for (const Part& child : part.children) AppendBodyStructure(raw, child, extended, out);
    out->push_back(' ');
    AppendImapString(part.content_type.subtype, out);
    if (extended) {
      out->push_back(' ');
      AppendParams(part.content_type.params, out);
      AppendCommonExtension(part, out);
    }
  }
  out->push_back(')');
}

std::string BuildBodyStructure(std::string_view raw, const Part& part, bool extended) {
  std::string out;
  AppendBodyStructure(raw, part, extended, &out);
  return out;
}

}  // namespace satrap::mime
