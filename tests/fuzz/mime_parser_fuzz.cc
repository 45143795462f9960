// Fuzzes the whole append-time path of lib/mime: parse, ENVELOPE,
// BODYSTRUCTURE, cache record encode/decode (the round trip must be exact),
// section addressing on every part, search text and the header helpers.
// Any inconsistency aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mime/bodystructure.h"
#include "mime/cache_record.h"
#include "mime/charset.h"
#include "mime/date.h"
#include "mime/header_tools.h"
#include "mime/message.h"
#include "mime/search_text.h"
#include "mime/section.h"

namespace {

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "mime_parser_fuzz: %s\n", what);
    std::abort();
  }
}

void CheckPart(const satrap::mime::Part& part, uint64_t size) {
  Require(part.header_offset <= part.body_offset, "header after body");
  Require(part.body_offset <= part.end_offset, "body after end");
  Require(part.end_offset <= size, "part past the message");
  for (const satrap::mime::Part& child : part.children) CheckPart(child, size);
}

// Fetches "1", "1.MIME", "1.1", ... for every part number path in the tree.
void FetchAll(std::string_view raw, const satrap::mime::Part& root,
              const satrap::mime::Part& node, std::string prefix, int budget) {
  for (size_t i = 1; i <= node.children.size() + 1 && budget > 0; ++i, --budget) {
    std::string number = prefix + std::to_string(i);
    for (const char* suffix : {"", ".MIME", ".HEADER", ".TEXT", ".HEADER.FIELDS (Subject)"}) {
      auto spec = satrap::mime::ParseSectionSpec(number + suffix);
      Require(spec.ok(), "generated section spec rejected");
      auto bytes = satrap::mime::FetchSection(raw, root, *spec);
      (void)bytes;
    }
    if (i <= node.children.size()) FetchAll(raw, root, node.children[i - 1], number + ".", budget / 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  satrap::mime::MessageInfo info = satrap::mime::AnalyzeMessage(raw);
  CheckPart(info.root, size);

  std::string record = satrap::mime::EncodeCacheRecord(info);
  auto back = satrap::mime::DecodeCacheRecord(record);
  Require(back.ok(), "own cache record rejected");
  Require(*back == info, "cache round trip differs");
  Require(satrap::mime::EncodeCacheRecord(*back) == record, "re-encoding differs");

  // BODY and BODYSTRUCTURE rendered from the record are those of the message.
  auto view = satrap::mime::ViewCacheRecord(record);
  Require(view.ok(), "own cache record not viewable");
  for (bool extended : {false, true}) {
    std::string rendered;
    Require(satrap::mime::AppendCachedBodyStructure(*view, extended, &rendered).ok(),
            "rendering from the record failed");
    Require(rendered == satrap::mime::BuildBodyStructure(raw, info.root, extended),
            "rendered BODYSTRUCTURE differs");
  }

  // The input itself as a cache record: must be refused, or round-trip when
  // it has the current version (an older one is read, never written).
  auto foreign = satrap::mime::DecodeCacheRecord(raw);
  if (foreign.ok() && static_cast<uint8_t>(raw[0]) == satrap::mime::kCacheRecordVersion) {
    Require(satrap::mime::EncodeCacheRecord(*foreign) == raw, "foreign record not canonical");
  }
  if (auto foreign_view = satrap::mime::ViewCacheRecord(raw); foreign_view.ok()) {
    std::string rendered;
    (void)satrap::mime::AppendCachedBodyStructure(*foreign_view, true, &rendered);
  }

  for (const char* spec_text : {"", "HEADER", "TEXT", "HEADER.FIELDS.NOT (To)"}) {
    auto spec = satrap::mime::ParseSectionSpec(spec_text);
    Require(spec.ok(), "fixed section spec rejected");
    Require(satrap::mime::FetchSection(raw, info.root, *spec).ok(), "top-level section failed");
  }
  FetchAll(raw, info.root, info.root, "", 64);
  (void)satrap::mime::ParseSectionSpec(raw.substr(0, 200));

  if (size < 64 * 1024) {
    std::string text = satrap::mime::ExtractSearchableText(raw, info.root);
    Require(satrap::mime::IsValidUtf8(satrap::mime::FoldForSearch(text)), "fold not UTF-8");
    Require(satrap::mime::IsValidUtf8(satrap::mime::DecodeEncodedWords(raw.substr(0, 4096))),
            "encoded words not UTF-8");
  }
  (void)satrap::mime::ParseRfc5322Date(raw.substr(0, 256));
  (void)satrap::mime::FindMessageId(raw);
  std::string munged = satrap::mime::Munge8BitHeader(raw);
  Require(!satrap::mime::HeaderHas8Bit(munged), "munged header still 8-bit");
  return 0;
}
