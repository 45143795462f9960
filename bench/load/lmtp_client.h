// LmtpClient: an LMTP (RFC 2033) sender for the load generator. Every LMTP
// server supports PIPELINING (RFC 2033 §5), so a transaction is sent as one
// burst (MAIL, every RCPT, DATA) and the replies are read after it: one
// round trip before the data, one after.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream.h"

namespace satrap::bench {

class LmtpClient {
 public:
  // Connects, reads the 220 greeting and says LHLO.
  static Result<std::unique_ptr<LmtpClient>> Connect(const Endpoint& endpoint);

  // Delivers `message` (CRLF line ends, not yet dot-stuffed) to every
  // recipient. OK only when every recipient got a 2xx after the data;
  // otherwise kTempFail naming the first refusal.
  Status Deliver(std::string_view sender, const std::vector<std::string>& recipients,
                 std::string_view message);
  Status Quit();

 private:
  explicit LmtpClient(std::unique_ptr<Stream> stream) : stream_(std::move(stream)) {}
  // One possibly multi-line reply ("250-..." continues); returns its last line.
  Result<std::string> ReadReply();

  std::unique_ptr<Stream> stream_;
};

// Appends `message` to *out with leading dots doubled and the final "." line.
void DotStuff(std::string_view message, std::string* out);

}  // namespace satrap::bench
