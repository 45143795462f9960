// lmtpd: the LMTP delivery server (RFC 2033), one worker process under
// cyrmaster, listening on a unix socket (lmtpsocket) and/or TCP. See
// man/lmtpd.8.
#include "lmtpd/server.h"
#include "service/service.h"

int main(int argc, char** argv) {
  satrap::service::ServerSpec spec;
  spec.name = "lmtpd";
  spec.init = [](satrap::service::Context& ctx) { return satrap::lmtpd::Init(ctx); };
  spec.serve = [](satrap::service::Context& ctx, satrap::net::Connection& conn) {
    satrap::lmtpd::Serve(ctx, conn);
  };
  spec.extra_options = "a";
  spec.option = [](satrap::service::Context& ctx, int letter, const char* value) {
    return satrap::lmtpd::Option(ctx, letter, value);
  };
  // MTAs keep LMTP connections open between messages; five minutes idle
  // is what Postfix's lmtp client expects at most (lmtp_*_timeout).
  spec.limits.idle_timeout = std::chrono::seconds(300);
  return satrap::service::Main(argc, argv, spec);
}
