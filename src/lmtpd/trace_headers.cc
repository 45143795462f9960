#include "lmtpd/trace_headers.h"

#include <ctime>

#include "base/strings.h"

namespace satrap::lmtpd {

std::string Rfc5322Date(int64_t now) {
  const time_t t = static_cast<time_t>(now);
  struct tm local;
  localtime_r(&t, &local);
  // The day and month names of RFC 5322 are English whatever the locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const long offset_minutes = local.tm_gmtoff / 60;
  const long magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return StringPrintf("%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", kDays[local.tm_wday],
                      local.tm_mday, kMonths[local.tm_mon], local.tm_year + 1900, local.tm_hour,
                      local.tm_min, local.tm_sec, offset_minutes < 0 ? '-' : '+',
                      magnitude / 60, magnitude % 60);
}

std::string DeliveryHeaders(const TraceInfo& info) {
  std::string sender(info.return_path);
  if (!sender.empty() && sender.find('@') == std::string::npos) {
    sender += "@" + std::string(info.server_name);
  }
  std::string out = "Return-Path: <" + sender + ">\r\n";
  out += StringPrintf("Received: from %.*s (%.*s)\r\n\tby %.*s (Satrap) with LMTP%s%s;\r\n\t%s\r\n",
                      static_cast<int>(info.lhlo.size()), info.lhlo.data(),
                      static_cast<int>(info.peer.size()), info.peer.data(),
                      static_cast<int>(info.server_name.size()), info.server_name.data(),
                      info.tls ? "S" : "", info.authenticated ? "A" : "",
                      Rfc5322Date(info.now).c_str());
  return out;
}

}  // namespace satrap::lmtpd
