#include "auth/sasl_plugins.h"

#include <algorithm>

#include "base/strings.h"

namespace satrap::auth {
namespace {

// The mechanism plugins Cyrus SASL 2.1 ships, by file stem, with the
// mechanisms each offers. A trailing '-' is a prefix (SCRAM-SHA-1, ...).
struct MechPlugin {
  std::string_view stem;
  std::vector<std::string_view> mechanisms;
};

const std::vector<MechPlugin>& KnownPlugins() {
  static const auto* known = new std::vector<MechPlugin>{
      {"anonymous", {"ANONYMOUS"}},
      {"crammd5", {"CRAM-MD5"}},
      {"digestmd5", {"DIGEST-MD5"}},
      {"gs2", {"GS2-"}},
      {"gssapiv2", {"GSSAPI", "GSS-SPNEGO"}},
      {"login", {"LOGIN"}},
      {"ntlm", {"NTLM"}},
      {"otp", {"OTP"}},
      {"passdss", {"PASSDSS-"}},
      {"plain", {"PLAIN"}},
      {"scram", {"SCRAM-"}},
      {"srp", {"SRP"}},
  };
  return *known;
}

// "/usr/lib/sasl2/libscram.so.2.0.25" -> "scram"; "" when not lib*.so*.
std::string_view Stem(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.substr(0, 3) != "lib") return {};
  name.remove_prefix(3);
  size_t so = name.find(".so");
  if (so == std::string_view::npos || so == 0) return {};
  return name.substr(0, so);
}

bool Offers(std::string_view mechanism, const std::string& listed) {
  if (!mechanism.empty() && mechanism.back() == '-') {
    return listed.size() > mechanism.size() &&
           std::string_view(listed).substr(0, mechanism.size()) == mechanism;
  }
  return listed == mechanism;
}

}  // namespace

bool SaslPluginWanted(std::string_view path, const std::vector<std::string>& mech_list) {
  if (mech_list.empty()) return true;
  std::string_view stem = Stem(path);
  for (const MechPlugin& plugin : KnownPlugins()) {
    if (plugin.stem != stem) continue;
    for (std::string_view mechanism : plugin.mechanisms) {
      for (const std::string& listed : mech_list) {
        if (Offers(mechanism, listed)) return true;
      }
    }
    return false;
  }
  return true;  // not a mechanism plugin we know: auxprop, canonuser, new
}

std::vector<std::string> ParseMechList(std::string_view value) {
  std::string words(value);
  std::replace(words.begin(), words.end(), ',', ' ');
  std::vector<std::string> out;
  for (std::string_view mech : SplitWhitespace(words)) out.push_back(AsciiUpper(mech));
  return out;
}

}  // namespace satrap::auth
