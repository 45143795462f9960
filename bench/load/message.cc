#include "message.h"

#include <array>
#include <cstdio>

#include "base/strings.h"

namespace satrap::bench {
namespace {

// splitmix64: small, fast and good enough for shaping test mail.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 48> kWords = {
    "meeting", "budget", "project", "review", "please", "attached", "thanks", "schedule",
    "customer", "invoice", "deadline", "update", "team", "office", "contract", "draft",
    "proposal", "minutes", "agenda", "release", "server", "network", "printer", "holiday",
    "lunch", "report", "figures", "sales", "marketing", "design", "feedback", "approval",
    "travel", "expense", "training", "quality", "support", "ticket", "request", "planning",
    "forecast", "results", "summary", "question", "answer", "status", "priority", "weekly"};

constexpr std::array<std::string_view, 8> kFromNames = {
    "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?=",  // Jürgen Müller
    "=?ISO-8859-1?Q?Fran=E7ois_Lef=E8vre?=", "Alice Martin", "\"Bob O'Neil\"",
    "=?UTF-8?Q?Zo=C3=AB_=C5=81ukasiewicz?=", "Carol Smith", "=?UTF-8?B?5bGx55Sw5aSq6YOO?=",
    "Dave Jones"};

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Sentence(Rng& rng, size_t words) {
  std::string out;
  for (size_t i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += kWords[rng.Below(kWords.size())];
  }
  return out;
}

// Text lines of at most 72 characters until `bytes` are written.
void AppendText(Rng& rng, size_t bytes, bool rare_word, std::string* out) {
  size_t start = out->size();
  bool rare_done = !rare_word;
  while (out->size() - start < bytes) {
    std::string line = Sentence(rng, 6 + rng.Below(5)).substr(0, 50);
    if (rng.Below(7) == 0) line += " caf=C3=A9 na=C3=AFve";  // quoted-printable UTF-8
    if (!rare_done && out->size() - start > bytes / 2) {
      line = std::string(kRareWord) + " " + line.substr(0, 40);
      rare_done = true;
    }
    *out += line;
    *out += "\r\n";
  }
  if (!rare_done) *out += std::string(kRareWord) + "\r\n";
}

void AppendBase64(Rng& rng, size_t bytes, std::string* out) {
  for (size_t done = 0; done < bytes; done += 76) {
    for (int i = 0; i < 76; ++i) *out += kBase64[rng.Below(64)];
    *out += "\r\n";
  }
}

std::string Headers(const MessageSpec& spec, Rng& rng) {
  char date[64];
  snprintf(date, sizeof date, "%s, %02zu %s 2024 %02zu:%02zu:%02zu +0100",
           (const char*[]){"Mon", "Tue", "Wed", "Thu", "Fri"}[rng.Below(5)], 1 + rng.Below(28),
           (const char*[]){"Jan", "Feb", "Mar", "Apr", "May", "Jun"}[rng.Below(6)],
           rng.Below(24), rng.Below(60), rng.Below(60));
  std::string subject = Sentence(rng, 3 + rng.Below(4));
  if (spec.tagged_subject) subject = std::string(kTaggedSubjectWord) + " " + subject;
  if (rng.Below(4) == 0) subject = "=?UTF-8?Q?R=C3=A9union_" + Sentence(rng, 1) + "?= " + subject;
  std::string h;
  h += "Received: from mx.example.com (mx.example.com [192.0.2.7])\r\n"
       "\tby mail.example.org with ESMTPS id " + std::to_string(rng.Next() % 1000000007) +
       "\r\n\tfor <" + spec.to + ">; " + date + "\r\n";
  h += "From: " + std::string(kFromNames[rng.Below(kFromNames.size())]) + " <sender" +
       std::to_string(rng.Below(50)) + "@example.com>\r\n";
  h += "To: " + spec.to + "\r\n";
  if (rng.Below(3) == 0) h += "Cc: team" + std::to_string(rng.Below(9)) + "@example.org\r\n";
  h += "Subject: " + subject + "\r\n";
  h += "Date: " + std::string(date) + "\r\n";
  h += "Message-ID: <" + spec.message_id + ">\r\n";
  if (rng.Below(2) == 0) h += "In-Reply-To: <prev-" + std::to_string(rng.Next() % 99991) + "@example.com>\r\n";
  h += "X-Mailer: bench-mailer 1.0\r\nMIME-Version: 1.0\r\n";
  return h;
}

void PlainPart(Rng& rng, size_t bytes, bool rare_word, std::string* out) {
  *out += "Content-Type: text/plain; charset=UTF-8\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  AppendText(rng, bytes, rare_word, out);
}

void Alternative(Rng& rng, const std::string& boundary, size_t bytes, bool rare, std::string* out) {
  *out += "--" + boundary + "\r\n";
  PlainPart(rng, bytes / 2, rare, out);
  *out += "--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n\r\n<html><body><p>\r\n";
  AppendText(rng, bytes / 2, false, out);
  *out += "</p></body></html>\r\n--" + boundary + "--\r\n";
}

std::string Realistic(const MessageSpec& spec, Rng& rng) {
  std::string m = Headers(spec, rng);
  size_t text = spec.shape == Shape::kSmall ? 600 + rng.Below(1800) : 1000 + rng.Below(6000);
  std::string b1 = "b1_" + std::to_string(spec.seed), b2 = "b2_" + std::to_string(spec.seed);
  // kSmall: plain or alternative, half each; kRealistic: 45% plain, 30%
  // alternative, 25% alternative plus an attachment.
  size_t kind = spec.shape == Shape::kSmall ? 9 * rng.Below(2) : rng.Below(20);
  if (kind < 9) {
    PlainPart(rng, text, spec.rare_word, &m);
    return m;
  }
  if (kind < 15 || spec.shape == Shape::kSmall) {
    m += "Content-Type: multipart/alternative; boundary=\"" + b2 + "\"\r\n\r\n";
    Alternative(rng, b2, text, spec.rare_word, &m);
    return m;
  }
  std::string name = "=?UTF-8?Q?Rapport_=C3=A9t=C3=A9_" + std::to_string(spec.seed % 97) + ".pdf?=";
  m += "Content-Type: multipart/mixed; boundary=\"" + b1 + "\"\r\n\r\n"
       "This is a multi-part message in MIME format.\r\n--" + b1 + "\r\n"
       "Content-Type: multipart/alternative; boundary=\"" + b2 + "\"\r\n\r\n";
  Alternative(rng, b2, text, spec.rare_word, &m);
  m += "--" + b1 + "\r\nContent-Type: application/pdf; name=\"" + name + "\"\r\n"
       "Content-Disposition: attachment; filename=\"" + name + "\"\r\n"
       "Content-Transfer-Encoding: base64\r\n\r\n";
  AppendBase64(rng, 8192 + rng.Below(spec.max_attachment > 8192 ? spec.max_attachment - 8192 : 1),
               &m);
  m += "--" + b1 + "--\r\n";
  return m;
}

std::string Sized(const MessageSpec& spec, Rng& rng) {
  std::string m = Headers(spec, rng);
  m += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  while (m.size() < spec.size) {
    std::string line = Sentence(rng, 12);
    size_t room = spec.size - m.size();
    if (room < 3) {  // pad the last line so the size is exact
      m.insert(m.size() - 2, std::string(room, 'x'));
      break;
    }
    line.resize(std::min(line.size(), std::min<size_t>(72, room - 2)));
    if (!line.empty() && line[0] == '.') line[0] = 'x';
    m += line + "\r\n";
  }
  return m;
}

}  // namespace

std::string BuildMessage(const MessageSpec& spec) {
  Rng rng(spec.seed);
  return spec.shape == Shape::kSized ? Sized(spec, rng) : Realistic(spec, rng);
}

std::string_view BodyOf(std::string_view message) {
  size_t at = message.find("\r\n\r\n");
  return at == std::string_view::npos ? std::string_view() : message.substr(at + 4);
}

std::string FindMessageId(std::string_view header) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find('\n', pos);
    std::string_view line = header.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (StartsWithIgnoreCase(line, "Message-ID:")) {
      size_t open = line.find('<'), close = line.find('>');
      if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
        return std::string(line.substr(open + 1, close - open - 1));
      }
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return "";
}

uint64_t Fnv64(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace satrap::bench
