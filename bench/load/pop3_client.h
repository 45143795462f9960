// Pop3Client: the POP3 (RFC 1939) commands the load generator uses:
// USER/PASS, STAT, RETR (multi-line, dot-unstuffed), DELE, QUIT.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "stream.h"

namespace satrap::bench {

class Pop3Client {
 public:
  // Connects and reads the "+OK" greeting.
  static Result<std::unique_ptr<Pop3Client>> Connect(const Endpoint& endpoint);

  // One command with a one-line answer; kInvalid naming the answer on "-ERR".
  Result<std::string> Simple(std::string_view command);
  Status Login(std::string_view user, std::string_view password);
  // STAT -> message count.
  Result<uint64_t> Count();
  // RETR n -> the message, CRLF line ends, dot-unstuffed.
  Result<std::string> Retrieve(uint64_t number);
  Status Quit();

 private:
  explicit Pop3Client(std::unique_ptr<Stream> stream) : stream_(std::move(stream)) {}
  std::unique_ptr<Stream> stream_;
};

}  // namespace satrap::bench
