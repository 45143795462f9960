// libsasl2 helpers shared inside auth/ (not part of its interface).
#pragma once

#include <sasl/sasl.h>

#include <string>

#include "base/status.h"

namespace satrap::auth {

// libsasl2 stores every callback as int (*)(void); going through void (*)(void)
// says the cast is deliberate (GCC's -Wcast-function-type exempts it).
template <typename Function>
int (*SaslFunction(Function* function))() {
  return reinterpret_cast<int (*)()>(reinterpret_cast<void (*)()>(function));
}

// The Status code for a libsasl2 result (SASL_BADAUTH -> kNoPermission, ...).
Code CodeForSasl(int result);

// A string property of the connection (SASL_USERNAME, ...); "" when unset.
std::string GetStringProperty(sasl_conn_t* conn, int property);

}  // namespace satrap::auth
