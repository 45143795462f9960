#include "auth/login_log.h"

#include "log/log.h"

namespace satrap::auth {
namespace {

// Client-chosen text, made safe for one log line.
std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u <= 0x20 || u == 0x7F) ? '?' : c;
  }
  return out.empty() ? "?" : out;
}

// libsasl2's detail may quote a user name: keep it on one line.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

}  // namespace

std::string LoginLine(std::string_view peer, const Authenticated& who, bool tls) {
  std::string line = "login: ";
  line += peer;
  line += ' ';
  line += Printable(who.userid);
  line += ' ';
  line += Printable(who.mechanism);
  if (tls) line += "+TLS";
  line += " User logged in";
  if (who.authid != who.userid) {
    line += " authid=";
    line += Printable(who.authid);
  }
  return line;
}

std::string BadLoginLine(std::string_view peer, std::string_view mechanism, std::string_view user,
                         const Status& failure) {
  std::string line = "badlogin: ";
  line += peer;
  line += ' ';
  line += Printable(mechanism);
  if (!user.empty()) {
    line += ' ';
    line += Printable(user);
    line += ' ';
    line += OneLine(failure.message());
  } else {
    line += " [";
    line += OneLine(failure.message());
    line += ']';
  }
  return line;
}

void LogLogin(std::string_view peer, const Authenticated& who, bool tls) {
  log::Notice("%s", LoginLine(peer, who, tls).c_str());
}

void LogBadLogin(std::string_view peer, std::string_view mechanism, std::string_view user,
                 const Status& failure) {
  log::Notice("%s", BadLoginLine(peer, mechanism, user, failure).c_str());
}

}  // namespace satrap::auth
