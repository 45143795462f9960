// POP3 command lines (RFC 1939 §3, RFC 2449 §4): the pure parsing half of
// pop3d, with no I/O, so that it can be tested at every byte and fuzzed.
//
// A command is a case-insensitive keyword, then arguments separated by
// spaces. pop3d is liberal in what it accepts (runs of spaces and tabs
// separate arguments, as in Cyrus), except for PASS: RFC 1939 §7 lets a
// password contain spaces, so its argument is the rest of the line after the
// single space that follows the keyword.
//
// Limits: RFC 2449 §4 bounds a command line to 255 octets, but SASL
// responses (RFC 5034 §4) and Kerberos tickets are longer, so the line bound
// lives in the connection (session.cc) and this parser only refuses what
// cannot be a command at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::pop3d {

struct Command {
  std::string keyword;             // upper case ("RETR")
  std::vector<std::string> args;   // split arguments (empty for PASS)
  std::string rest;                // everything after the keyword and one space
};

// Longest keyword accepted (RFC 2449 §4: keywords are 3 or 4 characters;
// extensions may be longer, none we know of exceeds this).
inline constexpr size_t kMaxKeyword = 16;

// Parses one line (without its CRLF). kInvalid for an empty line, a keyword
// that is not 1..kMaxKeyword letters (RFC 1939 §3: "printable ASCII"
// keywords; every defined one is alphabetic), or a NUL byte anywhere.
Result<Command> ParseCommand(std::string_view line);

// A message-number or count argument (RFC 1939 §3: "a decimal number");
// only [0-9]+ that fits in 32 bits. kInvalid otherwise.
Result<uint32_t> ParseNumber(std::string_view text);

}  // namespace satrap::pop3d
