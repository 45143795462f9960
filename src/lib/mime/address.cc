#include "mime/address.h"

#include "mime/header.h"
#include "mime/lexer.h"

namespace satrap::mime {
namespace {

bool IsSpecial(const Token& t, char c) {
  return t.kind == TokenKind::kSpecial && t.text[0] == c;
}

// Walks the token list; one instance per header value.
class AddressParser {
 public:
  AddressParser(std::vector<Token> tokens, size_t max) : tokens_(std::move(tokens)), max_(max) {}

  std::vector<Address> Parse() {
    while (pos_ < tokens_.size() && out_.size() < max_) {
      const Token& t = tokens_[pos_];
      if (IsSpecial(t, ',') || (IsSpecial(t, ';') && !in_group_)) {
        ++pos_;
      } else if (IsSpecial(t, ';')) {
        EndGroup();
        ++pos_;
      } else {
        ParseElement();
      }
    }
    if (in_group_ && out_.size() < max_) EndGroup();
    return std::move(out_);
  }

 private:
  void EndGroup() {
    in_group_ = false;
    Address end;
    end.kind = Address::Kind::kGroupEnd;
    out_.push_back(std::move(end));
  }

  bool AtStop(std::string_view stops) const {
    if (pos_ >= tokens_.size()) return true;
    const Token& t = tokens_[pos_];
    return t.kind == TokenKind::kSpecial && stops.find(t.text[0]) != std::string_view::npos;
  }

  // Collects tokens up to one of `stops`, joining them as a phrase (blanks
  // between words become one space) or compactly (local parts, domains).
  std::string Collect(std::string_view stops, bool phrase) {
    std::string text;
    size_t words = 0;
    while (!AtStop(stops)) {
      const Token& t = tokens_[pos_++];
      if (t.kind == TokenKind::kComment) {
        if (comment_.empty()) comment_ = std::string(t.text);
        continue;
      }
      if (t.kind == TokenKind::kSpecial && t.text != ".") continue;  // stray byte
      if (phrase && words > 0 && t.space_before) text.push_back(' ');
      text.append(t.text);
      ++words;
    }
    return text;
  }

  void ParseElement() {
    comment_.clear();
    size_t start = pos_;
    std::string phrase = Collect("<@,;:", true);
    if (AtStop(":") && pos_ < tokens_.size()) {
      ++pos_;
      if (!in_group_) {
        Address start;
        start.kind = Address::Kind::kGroupStart;
        start.mailbox = phrase;
        out_.push_back(std::move(start));
        in_group_ = true;
      }
      return;
    }
    Address addr;
    if (AtStop("<") && pos_ < tokens_.size()) {
      ++pos_;
      ParseAngleAddr(&addr);
      addr.name = phrase;
    } else if (AtStop("@") && pos_ < tokens_.size()) {
      ++pos_;
      // The phrase was the local part: read it again, compactly, so that
      // "john . doe"@x and "\"john doe\"@x" keep exactly their text.
      size_t at = pos_;
      pos_ = start;
      addr.mailbox = Collect("@", false);
      pos_ = at;
      addr.host = Collect(",;<", false);
      SkipToSeparator();
    } else if (phrase.empty()) {
      return;  // an empty element: "a@b,,c@d" or a lone comment
    } else if (phrase.find(' ') == std::string::npos) {
      addr.mailbox = phrase;  // "user": a local address without domain
    } else {
      addr.name = phrase;  // "John Doe": a name without address
    }
    Finish(&addr);
  }

  // RFC 5322 angle-addr, with obs-route: "<" [ "@a,@b" ":" ] addr-spec ">".
  void ParseAngleAddr(Address* addr) {
    if (pos_ < tokens_.size() && IsSpecial(tokens_[pos_], '@')) {
      size_t save = pos_;
      std::string route;
      while (pos_ < tokens_.size() && !AtStop(":>")) {
        const Token& t = tokens_[pos_++];
        if (t.kind != TokenKind::kComment) route.append(t.text);
      }
      if (AtStop(":") && pos_ < tokens_.size()) {
        ++pos_;
        addr->route = route;
      } else {
        pos_ = save;
      }
    }
    addr->mailbox = Collect("@>,;", false);
    if (AtStop("@") && pos_ < tokens_.size()) {
      ++pos_;
      addr->host = Collect(">,;", false);
    }
    if (AtStop(">") && pos_ < tokens_.size()) ++pos_;
    SkipToSeparator();
  }

  void SkipToSeparator() {
    while (!AtStop(",;")) {
      const Token& t = tokens_[pos_++];
      if (t.kind == TokenKind::kComment && comment_.empty()) comment_ = t.text;
    }
  }

  void Finish(Address* addr) {
    if (addr->name.empty()) addr->name = UnfoldValue(comment_);
    if (addr->mailbox.empty()) addr->mailbox = std::string(kMissingMailbox);
    if (addr->host.empty()) addr->host = std::string(kMissingDomain);
    out_.push_back(std::move(*addr));
  }

  std::vector<Token> tokens_;
  size_t max_;
  size_t pos_ = 0;
  bool in_group_ = false;
  std::string comment_;
  std::vector<Address> out_;
};

}  // namespace

std::vector<Address> ParseAddressList(std::string_view value, size_t max_addresses) {
  AddressParser parser(Tokenize(value, LexMode::kRfc5322), max_addresses);
  return parser.Parse();
}

}  // namespace satrap::mime
