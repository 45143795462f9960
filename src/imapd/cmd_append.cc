// APPEND (RFC 3501 §6.3.11) with MULTIAPPEND (RFC 3502) and the RFC 4315
// APPENDUID response code. The message literals were kept in memory
// (small ones) or streamed to unlinked spool files while the command was
// read (session.cc); here they are mapped and handed to the store, which appends all of them or none.
#include <sys/mman.h>

#include "base/strings.h"
#include "commands.h"
#include "flag_list.h"
#include "protocol/imap_date.h"
#include "protocol/sequence_set.h"

namespace satrap::imapd {
namespace {

// A read-only mapping of one spooled literal, or a view of one kept in
// memory.
class Mapping {
 public:
  Mapping() = default;
  ~Mapping() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  Status Map(const SpooledLiteral& literal) {
    if (literal.bytes) {
      in_memory_ = *literal.bytes;
      return Status();
    }
    if (!literal.fd.valid()) return Status::IoError("message literal could not be spooled");
    size_ = static_cast<size_t>(literal.size);
    if (size_ == 0) return Status();
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, literal.fd.get(), 0);
    if (p == MAP_FAILED) return Status::FromErrno("mmap spooled message", errno);
    data_ = p;
    return Status();
  }
  std::string_view view() const {
    if (data_ == nullptr) return in_memory_;
    return std::string_view(static_cast<char*>(data_), size_);
  }

 private:
  std::string_view in_memory_;  // a literal kept in memory (the Args own it)
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Parses "[flags] [date] literal" groups from args[1..]; `maps` receives one
// mapping per message. Returns false on a syntax error.
bool ParseMessages(const Args& a, std::vector<mailbox::NewMessage>* messages,
                   std::vector<std::unique_ptr<Mapping>>* maps, Status* io) {
  size_t i = 1;
  size_t literal = 0;
  while (i < a.args.size()) {
    mailbox::NewMessage message;
    if (a.args[i].IsList()) {
      Result<ParsedFlags> flags = ParseFlags(a.args[i].list);
      if (!flags.ok()) return false;
      message.system_flags = flags->system;
      message.keywords = std::move(flags->keywords);
      ++i;
    }
    if (i < a.args.size() && a.args[i].IsString() && !a.args[i].literal) {
      Result<protocol::ImapDateTime> date = protocol::ParseImapDateTime(a.args[i].text);
      if (!date.ok()) return false;
      message.internal_date = date->unix_seconds;
      message.date_zone_minutes = static_cast<int16_t>(date->offset_minutes);
      ++i;
    }
    if (i >= a.args.size() || a.args[i].type != protocol::ImapArgType::kStreamedLiteral ||
        literal >= a.spooled.size()) {
      return false;
    }
    auto map = std::make_unique<Mapping>();
    Status mapped = map->Map(a.spooled[literal++]);
    if (!mapped.ok() && io->ok()) *io = mapped;
    message.data = map->view();
    maps->push_back(std::move(map));
    messages->push_back(std::move(message));
    ++i;
  }
  return !messages->empty();
}

}  // namespace

std::string RefuseAppendEarly(Session& s, const protocol::ImapArg& mailbox_arg) {
  if (s.state() == kNotAuth) return "BAD Please login first";
  std::optional<std::string_view> external = mailbox_arg.AsAstring();
  if (!external) return "BAD Invalid mailbox name";
  Result<std::string> name = s.Internal(*external);
  if (!name.ok()) return "NO [TRYCREATE] Mailbox does not exist";
  Result<mailbox::MailboxEntry> entry = s.store().Lookup(s.identity(), *name, acl::kInsert);
  if (entry.ok()) return "";
  if (entry.code() == Code::kNotFound) return "NO [TRYCREATE] Mailbox does not exist";
  StatusReply reply = ReplyFor(entry.status(), s.id());
  std::string line = reply.kind == Completion::kBad ? "BAD " : "NO ";
  if (!reply.code.empty()) line += reply.code + " ";
  return line + reply.text;
}

void CmdAppend(Session& s, const Args& a, Responder& r) {
  if (a.args.size() < 2) return r.Bad("Usage: APPEND mailbox [flags] [date] literal");
  std::optional<std::string_view> external = a.args[0].AsAstring();
  if (!external) return r.Bad("Invalid mailbox name");
  std::vector<mailbox::NewMessage> messages;
  std::vector<std::unique_ptr<Mapping>> maps;
  Status io;
  if (!ParseMessages(a, &messages, &maps, &io)) return r.Bad("Invalid APPEND arguments");
  if (!io.ok()) return r.Fail(io);
  for (const mailbox::NewMessage& message : messages) {
    if (message.data.empty()) return r.No("Empty message", "[CANNOT]");
  }
  Result<std::string> name = s.Internal(*external);
  if (!name.ok()) return r.No("Mailbox does not exist", "[TRYCREATE]");
  std::string target = *name;
  Result<std::vector<Result<mailbox::AppendResult>>> results =
      s.store().Append(s.identity(), messages, std::span<const std::string>(&target, 1), {});
  if (!results.ok()) return r.Fail(results.status());
  const Result<mailbox::AppendResult>& result = (*results)[0];
  if (!result.ok()) {
    if (result.code() == Code::kNotFound) return r.No("Mailbox does not exist", "[TRYCREATE]");
    return r.Fail(result.status());
  }
  std::string code = StringPrintf(
      "[APPENDUID %u %s]", result->uidvalidity,
      protocol::NumberSet::FromSorted(result->uids).ToString().c_str());
  WarnAboutQuota(result->quota_warning, r);
  r.Ok("Completed", code);
}

}  // namespace satrap::imapd
