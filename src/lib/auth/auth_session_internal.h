// Internals of AuthSession shared by its two source files: auth_session.cc
// (SASL exchanges) and auth_plaintext.cc (LOGIN, USER/PASS, APOP).
#pragma once

#include <sasl/sasl.h>

#include "auth/auth_session.h"
#include "auth/sasl_internal.h"

namespace satrap::auth {

struct AuthSession::Sasl {
  sasl_conn_t* conn = nullptr;
  sasl_callback_t callbacks[3] = {};
  ~Sasl() {
    if (conn != nullptr) sasl_dispose(&conn);
  }
};

}  // namespace satrap::auth
