// The header fields lmtpd adds at delivery (RFC 5321 §4.4 trace fields:
// "Return-Path: <reverse-path>" and "Received: from ... by ... with ...;
// date-time"), in Cyrus lmtpd's shape.
#include "lmtpd/trace_headers.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace satrap::lmtpd {
namespace {

TEST(TraceHeaders, Table) {
  setenv("TZ", "UTC", 1);
  tzset();
  struct Case {
    TraceInfo info;
    std::string want;
  } cases[] = {
      {{"a@b.example", "mx.example", "client.example", "[192.0.2.1]", false, false, 0},
       "Return-Path: <a@b.example>\r\nReceived: from client.example ([192.0.2.1])\r\n"
       "\tby mx.example (Satrap) with LMTP;\r\n\tThu, 1 Jan 1970 00:00:00 +0000\r\n"},
      // The null reverse-path (bounces) stays "<>" (RFC 5321 §4.5.5).
      {{"", "mx", "c", "unix", false, true, 86400 * 365},
       "Return-Path: <>\r\nReceived: from c (unix)\r\n"
       "\tby mx (Satrap) with LMTPA;\r\n\tFri, 1 Jan 1971 00:00:00 +0000\r\n"},
      // A sender without a domain gets the server's, as Cyrus does.
      {{"postmaster", "mx", "c", "[::1]", true, true, 1700000000},
       "Return-Path: <postmaster@mx>\r\nReceived: from c ([::1])\r\n"
       "\tby mx (Satrap) with LMTPSA;\r\n\tTue, 14 Nov 2023 22:13:20 +0000\r\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(DeliveryHeaders(c.info), c.want);
  }
}

TEST(TraceHeaders, DateCarriesTheLocalOffset) {
  setenv("TZ", "EST5", 1);
  tzset();
  EXPECT_EQ(Rfc5322Date(0), "Wed, 31 Dec 1969 19:00:00 -0500");
  setenv("TZ", "UTC", 1);
  tzset();
}

}  // namespace
}  // namespace satrap::lmtpd
