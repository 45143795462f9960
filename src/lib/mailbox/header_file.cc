#include "mailbox/header_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/crc32c.h"
#include "base/file.h"
#include "base/strings.h"
#include "mailbox/index_format.h"

namespace satrap::mailbox {

namespace {

constexpr std::string_view kFirstLine = "Satrap mailbox header 2\n";  // 2: CRC-32C

std::string Body(const MailboxHeader& h) {
  std::string keywords;
  for (const std::string& k : h.keywords) {
    if (!keywords.empty()) keywords += ' ';
    keywords += k;
  }
  return std::string(kFirstLine) + "name\t" + h.name + "\nuniqueid\t" + h.uniqueid +
         "\nkeywords\t" + keywords + "\n";
}

// "key<TAB>value" with the expected key; the value is returned.
bool TakeField(std::string_view line, std::string_view key, std::string_view* value) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != '\t') {
    return false;
  }
  *value = line.substr(key.size() + 1);
  return true;
}

}  // namespace

bool IsValidKeyword(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > 100 || keyword[0] == '\\') return false;
  for (unsigned char c : keyword) {
    // atom-specials (RFC 3501 §9) plus ']' (resp-specials).
    if (c <= 0x20 || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' ||
        c == '"' || c == '\\' || c == ']') {
      return false;
    }
  }
  return true;
}

std::string EncodeMailboxHeader(const MailboxHeader& header) {
  std::string body = Body(header);
  return body + StringPrintf("crc\t%08x\n", Crc32c(body));
}

Result<MailboxHeader> DecodeMailboxHeader(std::string_view text) {
  if (text.substr(0, kFirstLine.size()) != kFirstLine) {
    return Status::Corrupt("cyrus.header: not a Satrap mailbox header");
  }
  std::vector<std::string_view> lines = Split(text, '\n');
  // Four lines after the first, then the empty piece after the final '\n'.
  if (lines.size() != 6 || !lines[5].empty()) return Status::Corrupt("cyrus.header: bad layout");
  MailboxHeader h;
  std::string_view name, uniqueid, keywords, crc;
  if (!TakeField(lines[1], "name", &name) || !TakeField(lines[2], "uniqueid", &uniqueid) ||
      (!TakeField(lines[3], "keywords", &keywords) && lines[3] != "keywords\t") ||
      !TakeField(lines[4], "crc", &crc)) {
    return Status::Corrupt("cyrus.header: missing field");
  }
  size_t body_size = static_cast<size_t>(lines[4].data() - text.data());
  if (StringPrintf("%08x", Crc32c(text.substr(0, body_size))) != crc) {
    return Status::Corrupt("cyrus.header: checksum mismatch");
  }
  h.name = std::string(name);
  h.uniqueid = std::string(uniqueid);
  for (std::string_view k : SplitWhitespace(keywords)) h.keywords.emplace_back(k);
  return h;
}

Result<MailboxHeader> ReadMailboxHeader(int dir_fd) {
  int fd = ::openat(dir_fd, kHeaderFileName, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open cyrus.header", errno);
  UniqueFd file(fd);
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(file.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("read cyrus.header", errno);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > 64 * 1024) return Status::Corrupt("cyrus.header: too large");
  }
  return DecodeMailboxHeader(text);
}

Status WriteMailboxHeader(int dir_fd, const MailboxHeader& header, int file_mode) {
  const std::string temp = StringPrintf("cyrus.header.%d.tmp", static_cast<int>(::getpid()));
  int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file_mode);
  if (fd < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd file(fd);
  Status status = WriteAll(file.get(), EncodeMailboxHeader(header));
  if (status.ok()) status = SyncFd(file.get());
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, kHeaderFileName) < 0) {
    status = Status::FromErrno("rename cyrus.header", errno);
  }
  if (!status.ok()) {
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return status;
  }
  if (::fsync(dir_fd) < 0) return Status::FromErrno("fsync mailbox folder", errno);
  return Status::Ok();
}

std::string NewUniqueId() {
  uint8_t bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  std::string out;
  for (uint8_t b : bytes) out += StringPrintf("%02x", b);
  return out;
}

}  // namespace satrap::mailbox
