#include "lmtp_client.h"

namespace satrap::bench {
namespace {

bool Positive(std::string_view reply) { return !reply.empty() && reply[0] == '2'; }

}  // namespace

void DotStuff(std::string_view message, std::string* out) {
  out->reserve(out->size() + message.size() + 64);
  bool line_start = true;
  for (char c : message) {
    if (line_start && c == '.') *out += '.';
    *out += c;
    line_start = c == '\n';
  }
  if (!line_start) *out += "\r\n";
  *out += ".\r\n";
}

Result<std::unique_ptr<LmtpClient>> LmtpClient::Connect(const Endpoint& endpoint) {
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<Stream> stream, Stream::Connect(endpoint));
  auto client = std::unique_ptr<LmtpClient>(new LmtpClient(std::move(stream)));
  SATRAP_ASSIGN_OR_RETURN(std::string greeting, client->ReadReply());
  if (greeting.compare(0, 3, "220") != 0) {
    return Status::Invalid("unexpected LMTP greeting: " + greeting);
  }
  client->stream_->Write("LHLO bench.satrap\r\n");
  SATRAP_ASSIGN_OR_RETURN(std::string lhlo, client->ReadReply());
  if (!Positive(lhlo)) return Status::Invalid("LHLO refused: " + lhlo);
  return client;
}

Result<std::string> LmtpClient::ReadReply() {
  for (;;) {
    SATRAP_ASSIGN_OR_RETURN(std::string line, stream_->ReadLine());
    if (line.size() < 4 || line[3] != '-') return line;
  }
}

Status LmtpClient::Deliver(std::string_view sender, const std::vector<std::string>& recipients,
                           std::string_view message) {
  std::string burst = "MAIL FROM:<" + std::string(sender) + ">\r\n";
  for (const std::string& rcpt : recipients) burst += "RCPT TO:<" + rcpt + ">\r\n";
  burst += "DATA\r\n";
  stream_->Write(burst);
  SATRAP_ASSIGN_OR_RETURN(std::string mail, ReadReply());
  std::string refused;
  if (!Positive(mail)) refused = "MAIL: " + mail;
  size_t accepted = 0;
  for (const std::string& rcpt : recipients) {
    SATRAP_ASSIGN_OR_RETURN(std::string reply, ReadReply());
    if (Positive(reply)) {
      ++accepted;
    } else if (refused.empty()) {
      refused = "RCPT " + rcpt + ": " + reply;
    }
  }
  SATRAP_ASSIGN_OR_RETURN(std::string data, ReadReply());
  if (data.compare(0, 3, "354") != 0) {
    // RFC 2033 §4.2: with no valid recipient DATA fails; nothing to send.
    return Status::TempFail(refused.empty() ? "DATA: " + data : refused);
  }
  std::string body;
  DotStuff(message, &body);
  stream_->Write(body);
  // One reply per accepted recipient (RFC 2033 §4.2).
  for (size_t i = 0; i < accepted; ++i) {
    SATRAP_ASSIGN_OR_RETURN(std::string reply, ReadReply());
    if (!Positive(reply) && refused.empty()) refused = "after DATA: " + reply;
  }
  if (!refused.empty()) return Status::TempFail(refused);
  return Status::Ok();
}

Status LmtpClient::Quit() {
  stream_->Write("QUIT\r\n");
  return ReadReply().status();
}

}  // namespace satrap::bench
