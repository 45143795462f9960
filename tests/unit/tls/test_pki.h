// Certificates made at test time with the OpenSSL API: a CA, leaf
// certificates it signs, and self-signed ones. EC P-256 keys (fast).
#pragma once

#include <string>

#include "base/result.h"

namespace satrap::tls::testing {

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

// `issuer` nullptr: self-signed. `is_ca` adds basicConstraints CA:TRUE.
// Leaf certificates get subjectAltName DNS:<cn>.
Result<KeyAndCert> MakeCertificate(const std::string& cn, const KeyAndCert* issuer, bool is_ca);

// A fresh private key alone (to pair with the wrong certificate).
Result<std::string> MakeKey();

}  // namespace satrap::tls::testing
