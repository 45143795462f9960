// DATA and BDAT: receiving a message and answering once per recipient.
#include <ctime>

#include "lmtpd/session.h"
#include "lmtpd/trace_headers.h"
#include "base/strings.h"
#include "log/log.h"
#include "mime/header_tools.h"

namespace satrap::lmtpd {

using protocol::SmtpCommand;

bool Session::Spooling() {
  if (spool_ != nullptr) return true;
  TraceInfo trace;
  const std::string return_path = txn_.from.path.Address();
  trace.return_path = return_path;
  trace.server_name = options_.server_name;
  trace.lhlo = lhlo_;
  trace.peer = options_.peer;
  trace.tls = tls_active_;
  trace.authenticated = options_.preauthenticated || !Poster().anonymous;
  trace.now = time(nullptr);
  const std::string headers = DeliveryHeaders(trace);
  Result<std::unique_ptr<Spool>> spool = Status::NotFound("no spool folder");
  const std::string near_store = deliverer_.SpoolDirectory(txn_.recipients);
  if (!near_store.empty()) {
    spool = Spool::Create(near_store, options_.max_message_size, options_.strict_rfc2821, headers);
  }
  if (!spool.ok()) {
    spool = Spool::Create(options_.temp_dir, options_.max_message_size, options_.strict_rfc2821,
                          headers);
  }
  if (!spool.ok()) {
    log::Error("cannot spool message: session=%s %s", options_.session_id.c_str(),
               spool.status().ToString().c_str());
    return false;
  }
  spool_ = std::move(*spool);
  return true;
}

Session::Next Session::Data(const SmtpCommand& command) {
  if (!TrimWhitespace(command.argument).empty()) {
    Send(501, "5.5.4", "DATA takes no arguments");
    return Next::kContinue;
  }
  if (!txn_.active) {
    Send(503, "5.5.1", "Need MAIL command");
    return Next::kContinue;
  }
  if (txn_.recipients.empty()) {
    // RFC 2033 §4.2: no successful RCPT, no DATA.
    Send(503, "5.5.1", "No valid recipients");
    return Next::kContinue;
  }
  if (txn_.chunking) {
    Send(503, "5.5.1", "DATA after BDAT");
    return Next::kContinue;
  }
  if (!Spooling()) {
    Send(451, "4.3.0", "Temporary failure, try again later");
    return Next::kContinue;
  }
  Send(354, "", "Go ahead, end with <CR><LF>.<CR><LF>");
  if (!ReadDotStuffed()) {
    log::Notice("client left during DATA, nothing stored: session=%s peer=%s reason=%s",
                options_.session_id.c_str(), options_.peer.c_str(),
                conn_.DisconnectReason().c_str());
    ResetTransaction();
    return Next::kQuit;
  }
  FinishMessage();
  return Next::kContinue;
}

bool Session::ReadDotStuffed() {
  // Message lines may be longer than command lines; the limit goes back
  // afterwards even when the client leaves.
  const net::ConnectionLimits command_limits = conn_.limits();
  net::ConnectionLimits data_limits = command_limits;
  data_limits.max_line = options_.max_data_line;
  data_limits.idle_timeout = command_limits.io_timeout;
  conn_.set_limits(data_limits);
  bool complete = false;
  while (true) {
    // Only CR LF "." CR LF ends the message: a dot line ended by a bare LF
    // or CR is data, so what follows it is never read as a command.
    Result<std::string> line = conn_.ReadCrlfLine();
    if (!line.ok()) {
      if (line.status().Is(Code::kTooBig)) {
        spool_->MarkLineTooLong();
        continue;
      }
      break;
    }
    std::string_view text = *line;
    if (text == ".") {
      complete = true;
      break;
    }
    // RFC 5321 §4.5.2: a leading dot was doubled by the client.
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);
    spool_->AddLine(text);
  }
  conn_.set_limits(command_limits);
  return complete;
}

Session::Next Session::Bdat(const SmtpCommand& command) {
  Result<protocol::BdatArgs> args = protocol::ParseBdat(command.argument);
  if (!args.ok()) {
    // Without a size we cannot find the end of the chunk: the rest of the
    // stream is unreadable, so the session ends (RFC 3030 §2).
    Send(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection");
    return Next::kQuit;
  }
  if (!txn_.active || txn_.recipients.empty()) {
    // RFC 3030 §2: the chunk is still there to be read, whatever the reply.
    Send(503, "5.5.1", txn_.active ? "No valid recipients" : "Need MAIL command");
    return SkipChunk(command);
  }
  const bool can_spool = Spooling();
  if (!ReadChunk(args->size)) {
    log::Notice("client left during BDAT, nothing stored: session=%s peer=%s reason=%s",
                options_.session_id.c_str(), options_.peer.c_str(),
                conn_.DisconnectReason().c_str());
    ResetTransaction();
    return Next::kQuit;
  }
  if (!can_spool) {
    Send(451, "4.3.0", "Temporary failure, try again later");
    ResetTransaction();
    return Next::kContinue;
  }
  txn_.chunking = true;
  if (!args->last) {
    Send(250, "2.0.0", std::to_string(args->size) + " octets received");
    return Next::kContinue;
  }
  FinishMessage();
  return Next::kContinue;
}

Session::Next Session::SkipChunk(const SmtpCommand& command) {
  // RFC 3030 §2: after a refused chunk the transaction is over.
  ResetTransaction();
  Result<protocol::BdatArgs> args = protocol::ParseBdat(command.argument);
  if (!args.ok()) {
    Send(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection");
    return Next::kQuit;
  }
  if (!ReadChunk(args->size)) return Next::kQuit;
  return Next::kContinue;
}

bool Session::ReadChunk(uint64_t size) {
  char buffer[64 * 1024];
  while (size > 0) {
    const size_t want = size < sizeof(buffer) ? size : sizeof(buffer);
    Result<size_t> got = conn_.ReadSome(std::span<char>(buffer, want));
    if (!got.ok()) return false;
    // A chunk for a refused transaction is read and dropped.
    if (spool_ != nullptr) {
      spool_->AddBytes(std::string_view(buffer, *got));
    }
    size -= *got;
  }
  return true;
}

void Session::FinishMessage() {
  spool_->Finish();
  std::vector<Status> statuses;
  std::optional<Reply> refusal;
  if (spool_->defect() != SpoolDefect::kNone) refusal = DefectReply(spool_->defect(), options_.reply);
  Result<MappedMessage> mapped = MappedMessage();
  std::string munged;
  IncomingMessage message;
  if (!refusal.has_value()) {
    mapped = spool_->Map();
    if (!mapped.ok()) refusal = DefectReply(SpoolDefect::kWriteError, options_.reply);
  }
  if (!refusal.has_value()) {
    message.data = mapped->data();
    message.added_headers = spool_->prefix_size();
    message.spool_fd = spool_->fd();
    message.spool_linkable = spool_->linkable();
    if (mime::HeaderHas8Bit(message.data)) {
      if (options_.reject8bit) {
        refusal = EightBitHeaderReply();
      } else if (options_.munge8bit) {
        munged = mime::Munge8BitHeader(message.data);
        message.data = munged;
        message.spool_fd = -1;  // the file no longer holds what is stored
        message.spool_linkable = false;
      }
    }
  }
  if (!refusal.has_value()) {
    message.message_id = mime::FindMessageId(message.data);
    message.return_path = txn_.from.path.Address();
    message.internal_date = time(nullptr);
    message.session_id = options_.session_id;
    statuses = deliverer_.Deliver(message, txn_.recipients, Poster());
  }
  for (size_t i = 0; i < txn_.recipients.size(); ++i) {
    const Reply reply = refusal.has_value() ? *refusal
                        : i < statuses.size()
                            ? ReplyFor(statuses[i], ReplyContext::kDelivery, options_.reply)
                            : ReplyFor(Status::Internal("no result"), ReplyContext::kDelivery,
                                       options_.reply);
    log::Info("delivery: session=%s from=<%s> rcpt=<%s> size=%llu reply=%d %s status=%s",
              options_.session_id.c_str(), txn_.from.path.Address().c_str(),
              txn_.recipients[i].address.c_str(),
              static_cast<unsigned long long>(spool_->size()), reply.code,
              reply.enhanced.c_str(),
              i < statuses.size() ? statuses[i].ToString().c_str() : "-");
    Send(reply);
  }
  ++messages_;
  mapped = MappedMessage();  // unmap before the spool is closed
  ResetTransaction();
}

}  // namespace satrap::lmtpd
