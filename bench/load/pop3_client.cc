#include "pop3_client.h"

#include "base/strings.h"

namespace satrap::bench {

Result<std::unique_ptr<Pop3Client>> Pop3Client::Connect(const Endpoint& endpoint) {
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<Stream> stream, Stream::Connect(endpoint));
  auto client = std::unique_ptr<Pop3Client>(new Pop3Client(std::move(stream)));
  SATRAP_ASSIGN_OR_RETURN(std::string greeting, client->stream_->ReadLine());
  if (greeting.compare(0, 3, "+OK") != 0) {
    return Status::Invalid("unexpected POP3 greeting: " + greeting);
  }
  return client;
}

Result<std::string> Pop3Client::Simple(std::string_view command) {
  stream_->Write(command);
  stream_->Write("\r\n");
  SATRAP_ASSIGN_OR_RETURN(std::string line, stream_->ReadLine());
  if (line.compare(0, 3, "+OK") != 0) {
    std::string shown(command.substr(0, command.find(' ')));
    return Status::Invalid(shown + ": " + line);
  }
  return line;
}

Status Pop3Client::Login(std::string_view user, std::string_view password) {
  SATRAP_RETURN_IF_ERROR(Simple("USER " + std::string(user)).status());
  return Simple("PASS " + std::string(password)).status();
}

Result<uint64_t> Pop3Client::Count() {
  SATRAP_ASSIGN_OR_RETURN(std::string line, Simple("STAT"));
  std::vector<std::string_view> words = SplitWhitespace(line);
  std::optional<uint64_t> count = words.size() >= 2 ? ParseUint64(words[1]) : std::nullopt;
  if (!count) return Status::Invalid("bad STAT answer: " + line);
  return *count;
}

Result<std::string> Pop3Client::Retrieve(uint64_t number) {
  SATRAP_RETURN_IF_ERROR(Simple("RETR " + std::to_string(number)).status());
  std::string message;
  for (;;) {
    SATRAP_ASSIGN_OR_RETURN(std::string line, stream_->ReadLine());
    if (line == ".") return message;
    // RFC 1939 §3: a line starting with "." had it doubled.
    message.append(line, !line.empty() && line[0] == '.' ? 1 : 0);
    message += "\r\n";
  }
}

Status Pop3Client::Quit() { return Simple("QUIT").status(); }

}  // namespace satrap::bench
