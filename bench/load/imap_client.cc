#include "imap_client.h"

#include <algorithm>
#include <cstring>

#include "base/strings.h"

namespace satrap::bench {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "{123}" or "{123+}" at the end of a line -> 123.
std::optional<uint64_t> TrailingLiteral(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  return ParseUint64(digits);
}

}  // namespace

Result<std::unique_ptr<ImapClient>> ImapClient::Connect(const Endpoint& endpoint,
                                                        const TlsClient* tls,
                                                        const TlsSession* resume) {
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<Stream> stream, Stream::Connect(endpoint, tls, resume));
  auto client = std::unique_ptr<ImapClient>(new ImapClient(std::move(stream)));
  SATRAP_ASSIGN_OR_RETURN(std::string greeting, client->stream_->ReadLine());
  if (!StartsWithIgnoreCase(greeting, "* OK")) {
    return Status::Invalid("unexpected IMAP greeting: " + greeting);
  }
  size_t cap = greeting.find("[CAPABILITY ");
  if (cap != std::string::npos) client->capabilities_ = greeting.substr(cap + 12);
  return client;
}

bool ImapClient::HasCapability(std::string_view name) const {
  for (std::string_view word : SplitWhitespace(capabilities_)) {
    if (!word.empty() && word.back() == ']') word.remove_suffix(1);
    if (EqualsIgnoreCase(word, name)) return true;
  }
  return false;
}

std::string ImapClient::NextTag() { return "a" + std::to_string(next_tag_++); }

std::string_view Reply::Keep(std::string_view text) {
  // Blocks double from 4 KB to 1 MB: a one-line reply stays small.
  constexpr size_t kFirstBlock = 4096, kLargestBlock = 1 << 20;
  if (text_blocks_.empty() ||
      text_blocks_.back().capacity() - text_blocks_.back().size() < text.size()) {
    const size_t next = text_blocks_.empty()
                            ? kFirstBlock
                            : std::min(kLargestBlock, 2 * text_blocks_.back().capacity());
    text_blocks_.emplace_back().reserve(std::max(next, text.size()));
  }
  std::string& block = text_blocks_.back();
  size_t at = block.size();
  block.append(text);  // within capacity: earlier views stay valid
  return std::string_view(block).substr(at);
}

Status ImapClient::ReadResponse(std::string_view line, Reply* reply) {
  std::optional<uint64_t> literal = TrailingLiteral(line);
  if (!literal) {  // the common case: one line, kept without a copy of its own
    reply->untagged.push_back(Untagged{reply->Keep(line), {}});
    return Status::Ok();
  }
  std::string text;
  std::vector<Literal> literals;
  for (;;) {
    text += line;
    if (!literal) break;
    Literal& l = literals.emplace_back();
    l.prefix = line;
    SATRAP_RETURN_IF_ERROR(stream_->ReadExact(*literal, &l.data));
    SATRAP_ASSIGN_OR_RETURN(line, stream_->ReadLineView());
    literal = TrailingLiteral(line);
  }
  reply->untagged.push_back(Untagged{reply->Keep(text), std::move(literals)});
  return Status::Ok();
}

Result<Reply> ImapClient::ReadUntilTagged(const std::string& tag) {
  Reply reply;
  const std::string tagged = tag + " ";
  for (;;) {
    SATRAP_ASSIGN_OR_RETURN(std::string_view line, stream_->ReadLineView());
    if (line.starts_with(tagged)) {
      std::string_view rest = line.substr(tagged.size());
      reply.status = std::string(rest.substr(0, rest.find(' ')));
      reply.line = std::string(line);
      return reply;
    }
    if (line.empty() || (line[0] != '*' && line[0] != '+')) {
      return Status::Invalid("unexpected line from server: " + std::string(line.substr(0, 200)));
    }
    SATRAP_RETURN_IF_ERROR(ReadResponse(line, &reply));
    std::string_view text = reply.untagged.back().text;
    if (StartsWithIgnoreCase(text, "* CAPABILITY ")) capabilities_ = std::string(text.substr(13));
  }
}

Result<Reply> ImapClient::Command(std::string_view command) {
  std::string tag = NextTag();
  stream_->Write(tag);
  stream_->Write(" ");
  stream_->Write(command);
  stream_->Write("\r\n");
  return ReadUntilTagged(tag);
}

Status ImapClient::Login(std::string_view user, std::string_view password) {
  SATRAP_ASSIGN_OR_RETURN(Reply reply,
                          Command("LOGIN " + Quote(user) + " " + Quote(password)));
  if (!reply.ok()) return Status::NoPermission("LOGIN " + std::string(user) + ": " + reply.line);
  size_t cap = reply.line.find("[CAPABILITY ");
  if (cap != std::string::npos) capabilities_ = reply.line.substr(cap + 12);
  return Status::Ok();
}

Result<uint64_t> ImapClient::Select(std::string_view mailbox) {
  SATRAP_ASSIGN_OR_RETURN(Reply reply, Command("SELECT " + Quote(mailbox)));
  if (!reply.ok()) return Status::NotFound("SELECT " + std::string(mailbox) + ": " + reply.line);
  std::optional<uint64_t> exists = UntaggedNumber(reply, "EXISTS");
  if (!exists) return Status::Invalid("SELECT without EXISTS: " + reply.line);
  return *exists;
}

Status ImapClient::SendLiteral(std::string_view data, const std::string& tag) {
  stream_->Write("{" + std::to_string(data.size()) + "}\r\n");
  SATRAP_ASSIGN_OR_RETURN(std::string line, stream_->ReadLine());
  if (line.empty() || line[0] != '+') {
    if (line.compare(0, tag.size() + 1, tag + " ") == 0) {
      return Status::Invalid("literal refused: " + line);
    }
    return Status::Invalid("expected continuation, got: " + line.substr(0, 200));
  }
  stream_->Write(data);
  return Status::Ok();
}

Result<Reply> ImapClient::Append(std::string_view mailbox, std::string_view flags,
                                 std::string_view message) {
  std::string tag = NextTag();
  stream_->Write(tag + " APPEND " + Quote(mailbox) + " ");
  if (!flags.empty()) stream_->Write("(" + std::string(flags) + ") ");
  SATRAP_RETURN_IF_ERROR(SendLiteral(message, tag));
  stream_->Write("\r\n");
  return ReadUntilTagged(tag);
}

Result<Reply> ImapClient::MultiAppend(std::string_view mailbox,
                                      const std::vector<std::string>& messages) {
  std::string tag = NextTag();
  stream_->Write(tag + " APPEND " + Quote(mailbox));
  for (const std::string& message : messages) {
    stream_->Write(" ");
    SATRAP_RETURN_IF_ERROR(SendLiteral(message, tag));
  }
  stream_->Write("\r\n");
  return ReadUntilTagged(tag);
}

Status ImapClient::Logout() {
  SATRAP_ASSIGN_OR_RETURN(Reply reply, Command("LOGOUT"));
  if (!reply.ok()) return Status::Invalid("LOGOUT: " + reply.line);
  return Status::Ok();
}

std::optional<uint64_t> UntaggedNumber(const Reply& reply, std::string_view keyword) {
  std::optional<uint64_t> found;
  for (const Untagged& u : reply.untagged) {
    std::vector<std::string_view> words = SplitWhitespace(u.text);
    if (words.size() >= 3 && EqualsIgnoreCase(words[2], keyword)) {
      found = ParseUint64(words[1]);  // the last one wins (EXISTS may repeat)
    }
  }
  return found;
}

std::optional<uint64_t> AppendUid(const Reply& reply) {
  size_t at = reply.line.find("[APPENDUID ");
  if (at == std::string::npos) return std::nullopt;
  std::vector<std::string_view> words =
      SplitWhitespace(std::string_view(reply.line).substr(at + 11));
  if (words.size() < 2) return std::nullopt;
  std::string_view uid = words[1];
  size_t end = uid.find(']');
  return ParseUint64(uid.substr(0, end));
}

std::vector<uint64_t> SearchResults(const Reply& reply) {
  std::vector<uint64_t> out;
  for (const Untagged& u : reply.untagged) {
    if (!StartsWithIgnoreCase(u.text, "* SEARCH")) continue;
    for (std::string_view word : SplitWhitespace(std::string_view(u.text).substr(8))) {
      if (std::optional<uint64_t> n = ParseUint64(word)) out.push_back(*n);
    }
  }
  return out;
}

const std::string* FetchLiteral(const Untagged& response, std::string_view item) {
  for (const Literal& literal : response.literals) {
    std::string_view head = literal.prefix;
    head = head.substr(0, head.rfind('{'));
    while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
    if (head.size() >= item.size() &&
        EqualsIgnoreCase(head.substr(head.size() - item.size()), item)) {
      return &literal.data;
    }
  }
  return nullptr;
}

std::optional<uint64_t> NumberAfter(std::string_view text, std::string_view word) {
  std::vector<std::string_view> words = SplitWhitespace(text);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string_view w = words[i];
    if (!w.empty() && w[0] == '(') w.remove_prefix(1);
    if (EqualsIgnoreCase(w, word)) {
      std::string_view n = words[i + 1];
      while (!n.empty() && (n.back() == ')' || n.back() == ']')) n.remove_suffix(1);
      return ParseUint64(n);
    }
  }
  return std::nullopt;
}

}  // namespace satrap::bench
