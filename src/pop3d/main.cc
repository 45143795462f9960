// pop3d: the POP3 server (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034
// AUTH), one worker process under cyrmaster. `-s` speaks TLS from the first
// byte (pop3s); otherwise STLS is offered when a certificate is configured.
// See man/pop3d.8.
#include "server.h"
#include "service/service.h"
#include "session.h"

int main(int argc, char** argv) {
  satrap::service::ServerSpec spec;
  spec.name = "pop3d";
  spec.init = [](satrap::service::Context& ctx) { return satrap::pop3d::Init(ctx); };
  spec.serve = [](satrap::service::Context& ctx, satrap::net::Connection& conn) {
    satrap::pop3d::Session(satrap::pop3d::TheServer(), ctx, conn).Run();
  };
  // Zero means "not set by -T": the session then applies poptimeout, never
  // below RFC 1939's 10 minutes (session.cc).
  spec.limits.idle_timeout = std::chrono::seconds(0);
  return satrap::service::Main(argc, argv, spec);
}
