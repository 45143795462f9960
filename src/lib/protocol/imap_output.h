// Writers for the server side of IMAP (RFC 3501 §9): strings in the cheapest
// form the grammar allows, and response codes.
//
// Every function appends to a caller-owned std::string (the connection's
// output buffer or a response being built); none keeps a reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace satrap::protocol {

struct ImapStringOptions {
  // RFC 6855 UTF8=ACCEPT is on for this session: 8-bit UTF-8 may go quoted.
  bool utf8_quoted = false;
  // Longer values go out as literals even when they could be quoted, so the
  // client can size its buffer first.
  size_t max_quoted = 1024;
};

// True if `s` may be sent as an atom (1*ATOM-CHAR) and is not "NIL".
bool IsImapAtom(std::string_view s);
// True if `s` may be sent as a quoted string (no NUL, CR, LF; 7-bit unless
// utf8_quoted) within max_quoted.
bool CanQuote(std::string_view s, const ImapStringOptions& options = {});

// string = quoted / literal. A value with NUL must not be sent as a literal
// (CHAR8 excludes it); the caller sends literal8 (AppendLiteral8) instead.
void AppendString(std::string* out, std::string_view s, const ImapStringOptions& options = {});
// astring: an atom when safe, else as AppendString.
void AppendAstring(std::string* out, std::string_view s, const ImapStringOptions& options = {});
// nstring: NIL for nullopt, else as AppendString.
void AppendNstring(std::string* out, std::optional<std::string_view> s,
                   const ImapStringOptions& options = {});
// "{n}\r\n" + bytes.
void AppendLiteral(std::string* out, std::string_view s);
// "~{n}\r\n" + bytes (RFC 3516).
void AppendLiteral8(std::string* out, std::string_view s);

// Builds a response code: "[" atom *(SP argument) "]".
//   ResponseCode("APPENDUID").Number(38505).Atom("3955").Build()
//     == "[APPENDUID 38505 3955]"
class ResponseCode {
 public:
  explicit ResponseCode(std::string_view atom);
  ResponseCode& Number(uint64_t n);
  // Appended as is: the caller vouches that it is atom-safe (sequence sets,
  // capability names, flags).
  ResponseCode& Atom(std::string_view atom);
  ResponseCode& Astring(std::string_view s);
  // A parenthesised list of atoms: "(\Seen \Deleted)".
  ResponseCode& AtomList(std::initializer_list<std::string_view> atoms);
  std::string Build() const { return text_ + "]"; }

 private:
  std::string text_;
};

}  // namespace satrap::protocol
