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

// Renders a tree; `embedded` yields the message/rfc822 parts' envelopes in
// the order the parts are met.
class Renderer {
 public:
  Renderer(std::span<const std::string> embedded, bool extended, std::string* out)
      : embedded_(embedded), extended_(extended), out_(out) {}

  bool Append(const Part& part) {
    out_->push_back('(');
    if (part.kind != PartKind::kMultipart) {
      if (!AppendSinglePart(part)) return false;
    } else {
      // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
      for (const Part& child : part.children) {
        if (!Append(child)) return false;
      }
      out_->push_back(' ');
      AppendImapString(part.content_type.subtype, out_);
      if (extended_) {
        out_->push_back(' ');
        AppendParams(part.content_type.params, out_);
        AppendCommonExtension(part, out_);
      }
    }
    out_->push_back(')');
    return true;
  }

 private:
  // body-type-basic / body-type-text / body-type-msg, without the parentheses.
  bool AppendSinglePart(const Part& part) {
    std::string* out = out_;
    AppendImapString(part.content_type.type, out);
    out->push_back(' ');
    AppendImapString(part.content_type.subtype, out);
    out->push_back(' ');
    if (part.IsText() && !FindParam(part.content_type.params, "charset")) {
      std::vector<Param> params = part.content_type.params;
      params.insert(params.begin(), Param{"charset", "us-ascii"});
      AppendParams(params, out);
    } else {
      AppendParams(part.content_type.params, out);
    }
    out->push_back(' ');
    AppendImapNStringOrNil(part.id, out);
    out->push_back(' ');
    AppendImapNStringOrNil(part.description, out);
    out->push_back(' ');
    AppendImapString(IsKnownEncoding(part.encoding) ? std::string_view(part.encoding) : "7bit",
                     out);
    out->append(" ").append(std::to_string(part.body_size()));
    if (part.kind == PartKind::kMessage) {
      if (next_envelope_ == embedded_.size()) return false;
      out->push_back(' ');
      out->append(embedded_[next_envelope_++]);
      out->push_back(' ');
      if (!Append(part.children[0])) return false;
    }
    if (part.IsText() || part.kind == PartKind::kMessage) {
      out->append(" ").append(std::to_string(part.body_lines));
    }
    if (extended_) {
      out->push_back(' ');
      AppendImapNStringOrNil(part.md5, out);
      AppendCommonExtension(part, out);
    }
    return true;
  }

  std::span<const std::string> embedded_;
  size_t next_envelope_ = 0;
  bool extended_;
  std::string* out_;
};

void CollectEnvelopes(std::string_view raw, const Part& part, std::vector<std::string>* out) {
  if (part.kind == PartKind::kMessage) {
    const Part& inner = part.children[0];
    out->push_back(BuildEnvelope(
        raw.substr(inner.header_offset, inner.body_offset - inner.header_offset)));
  }
  for (const Part& child : part.children) CollectEnvelopes(raw, child, out);
}

}  // namespace

std::vector<std::string> EmbeddedEnvelopes(std::string_view raw, const Part& part) {
  std::vector<std::string> envelopes;
  CollectEnvelopes(raw, part, &envelopes);
  return envelopes;
}

bool AppendBodyStructure(const Part& part, std::span<const std::string> embedded, bool extended,
                         std::string* out) {
  return Renderer(embedded, extended, out).Append(part);
}

std::string BuildBodyStructure(std::string_view raw, const Part& part, bool extended) {
  std::string out;
  AppendBodyStructure(part, EmbeddedEnvelopes(raw, part), extended, &out);
  return out;
}

}  // namespace satrap::mime
