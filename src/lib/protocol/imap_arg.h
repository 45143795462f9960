// ImapArg: one parsed argument of an IMAP command (RFC 3501 §9), as produced
// by ImapParser (imap_parser.h).
//
// The parser is generic: it does not know each command's grammar, so it hands
// imapd a tree of atoms, strings, lists and fetch sections; each command
// handler then checks the shape it expects with the accessors below. Values
// are owned copies; nothing here borrows from the parser's buffers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satrap::protocol {

enum class ImapArgType : uint8_t {
  kAtom,             // 1*ATOM-CHAR, also flags (\Seen), sequence sets, NIL
  kString,           // quoted string or literal (see `literal`)
  kList,             // "(" [arg *(SP arg)] ")"
  kSection,          // BODY[...]<..>, BODY.PEEK, BINARY, BINARY.PEEK, BINARY.SIZE
  kStreamedLiteral,  // a literal whose bytes the caller read itself (see parser)
};

struct ImapArg {
  ImapArgType type = ImapArgType::kAtom;
  // kAtom, kString: the value (escapes removed). kSection: the fetch attribute
  // before '[' as sent ("BODY.PEEK").
  std::string text;
  // kString: it arrived as a literal {n} / {n+} (literal8 for ~{n}).
  bool literal = false;
  bool literal8 = false;
  // kList: the elements. kSection: the header-list field names, when the
  // section had one (HEADER.FIELDS (From To)).
  std::vector<ImapArg> list;
  // kSection: the section spec between '[' and ']' without the header list
  // ("HEADER.FIELDS", "1.2.MIME", ""), and the partial between '<' and '>'
  // ("0.100"), empty when absent.
  std::string section;
  bool has_header_list = false;
  std::string partial;
  // kStreamedLiteral: the announced size; the bytes went where the caller put them.
  uint64_t literal_size = 0;

  bool IsAtom() const { return type == ImapArgType::kAtom; }
  bool IsString() const { return type == ImapArgType::kString; }
  bool IsList() const { return type == ImapArgType::kList; }
  // NIL is an atom, matched case-insensitively (RFC 3501 §4.5). A quoted "NIL"
  // is a string, not NIL.
  bool IsNil() const;
  // astring = 1*ASTRING-CHAR / string. Atoms with list-wildcards (% *) are not
  // astrings; imapd uses AsListMailbox() for LIST patterns instead.
  std::optional<std::string_view> AsAstring() const;
  // nstring = string / nil: nullopt for a non-nstring; an engaged optional
  // holding nullopt for NIL.
  std::optional<std::optional<std::string_view>> AsNstring() const;
  // list-mailbox = 1*list-char / string (list-char allows % and *).
  std::optional<std::string_view> AsListMailbox() const;
  // number = 1*DIGIT within 32 bits (RFC 3501 §9); nullopt otherwise.
  std::optional<uint32_t> AsNumber() const;
  // The token as it would appear on the wire for atoms and sections
  // ("BODY.PEEK[HEADER.FIELDS (From To)]<0.100>"), for logs and echoing the
  // fetch attribute back in a FETCH response.
  std::string ToWire() const;
};

// A command as parsed: tag, command name (uppercased), arguments.
struct ImapCommand {
  std::string tag;
  std::string name;
  std::vector<ImapArg> args;
};

}  // namespace satrap::protocol
