// imapd: the IMAP server (RFC 3501 and extensions), one worker process under
// cyrmaster. `-s` speaks TLS from the first byte (imaps); otherwise STARTTLS
// is offered when a certificate is configured. See man/imapd.8.
#include "auth/sasl_init.h"
#include "server.h"
#include "service/service.h"
#include "session.h"

int main(int argc, char** argv) {
  satrap::service::ServerSpec spec;
  spec.name = "imapd";
  spec.init = [](satrap::service::Context& ctx) { return satrap::imapd::Init(ctx); };
  spec.serve = [](satrap::service::Context& ctx, satrap::net::Connection& conn) {
    satrap::imapd::Session(satrap::imapd::TheServer(), ctx, conn).Run();
  };
  // A quiet client: a logged-in session has closed its SASL connection
  // (Session::LoggedIn), and the database watchdog restarts with the next call.
  spec.idle = [](satrap::service::Context&) {
    satrap::auth::ReleaseWhileUnused();
    satrap::imapd::TheServer().store->ReleaseWhileIdle();
  };
  // Zero means "not set by -T": the session then applies `timeout`, never
  // below RFC 3501's 30 minutes (session.cc).
  spec.limits.idle_timeout = std::chrono::seconds(0);
  return satrap::service::Main(argc, argv, spec);
}
