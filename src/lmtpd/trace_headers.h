// The header fields lmtpd adds at delivery, as Cyrus lmtpd does: a
// Return-Path carrying the envelope sender (RFC 5321 §4.4: the final
// delivery records MAIL FROM) and a Received trace field (RFC 5321 §4.4,
// RFC 5322 §3.6.7) naming the LMTP client and this server.
//
// They are written into the spool file ahead of the message, so the store
// parses and stores exactly these bytes (one parse for every recipient) and
// every offset in the cache counts them. Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace satrap::lmtpd {

struct TraceInfo {
  std::string_view return_path;  // MAIL FROM address without <>, "" for <>
  std::string_view server_name;  // servername
  std::string_view lhlo;         // the LHLO argument
  std::string_view peer;         // "[192.0.2.1]" or "unix"
  bool tls = false;              // STARTTLS or TLS from the start: LMTPS
  bool authenticated = false;    // AUTH or a local socket: LMTPA (RFC 3848)
  int64_t now = 0;               // unix seconds
};

// "Return-Path: <a@b>\r\nReceived: from ...;\r\n\t<date>\r\n". A sender
// without a domain gets "@server_name" appended, as Cyrus does.
std::string DeliveryHeaders(const TraceInfo& info);

// `now` as an RFC 5322 §3.3 date-time in local time, e.g.
// "Tue, 24 Nov 2026 16:40:17 +0100".
std::string Rfc5322Date(int64_t now);

}  // namespace satrap::lmtpd
