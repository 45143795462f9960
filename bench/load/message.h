// Test messages for the load generator: deterministic (the same spec always
// gives the same bytes, so a verifier can rebuild what it expects) and of
// realistic shape: encoded headers (RFC 2047), quoted-printable text,
// multipart/alternative with HTML, base64 attachments (RFC 2045/2046).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace satrap::bench {

enum class Shape {
  kSized,      // text/plain filled to exactly `size` bytes (LMTP scenarios)
  kRealistic,  // a mix of plain, alternative and with-attachment mail
  kSmall,      // realistic headers, 1-3 KB text, no attachment (large mailbox)
};

struct MessageSpec {
  std::string message_id;   // without angle brackets, unique per run
  std::string to;           // the To: address
  uint64_t seed = 0;
  Shape shape = Shape::kRealistic;
  size_t size = 4096;       // kSized only
  size_t max_attachment = 200 * 1024;
  bool tagged_subject = false;  // Subject carries kTaggedSubjectWord
  bool rare_word = false;       // the text carries kRareWord once
};

inline constexpr std::string_view kTaggedSubjectWord = "quarterly";
inline constexpr std::string_view kRareWord = "zanzibarite";

// The whole message, CRLF line ends, no line starting with '.'.
std::string BuildMessage(const MessageSpec& spec);

// What follows the header's blank line (IMAP BODY[TEXT]); empty if none.
std::string_view BodyOf(std::string_view message);

// The Message-ID field's value with brackets stripped, from a header block;
// empty if absent.
std::string FindMessageId(std::string_view header);

// FNV-1a, to remember large expected bodies by hash.
uint64_t Fnv64(std::string_view data);

}  // namespace satrap::bench
