#include "mime/address.h"

#include <gtest/gtest.h>

#include "mime/envelope.h"

namespace satrap::mime {
namespace {

std::string Render(std::string_view value) {
  std::string out;
  AppendAddressList(ParseAddressList(value), &out);
  return out;
}

// RFC 5322 §3.4: address = mailbox / group; mailbox = name-addr / addr-spec;
// name-addr = [display-name] angle-addr; group = display-name ":"
// [group-list] ";". RFC 3501 §7.4.2 gives the envelope shapes; broken forms
// follow Dovecot (MISSING_MAILBOX / MISSING_DOMAIN).
TEST(Address, EnvelopeForms) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"gray@cac.washington.edu", "((NIL NIL \"gray\" \"cac.washington.edu\"))"},
      {"Terry Gray <gray@cac.washington.edu>",
       "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))"},
      {"\"Doe, John\" <jd@example.com>, x@y",
       "((\"Doe, John\" NIL \"jd\" \"example.com\")(NIL NIL \"x\" \"y\"))"},
      // RFC 5322 Appendix A.1.3 / A.5: comments and the comment-as-name rule.
      {"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
       "((\"Pete\" NIL \"pete\" \"silly.test\"))"},
      {"jdoe@example.org (John Doe)", "((\"John Doe\" NIL \"jdoe\" \"example.org\"))"},
      // RFC 5322 A.1.3 group syntax; RFC 3501 group markers.
      {"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
       "((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")"
       "(NIL NIL \"joe\" \"where.test\")(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL))"},
      {"undisclosed-recipients:;", "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))"},
      {"Unterminated: a@b", "((NIL NIL \"Unterminated\" NIL)(NIL NIL \"a\" \"b\")(NIL NIL NIL NIL))"},
      // Obsolete route (RFC 5322 §4.4 obs-route).
      {"<@relay1,@relay2:user@host>", "((NIL \"@relay1,@relay2\" \"user\" \"host\"))"},
      {"\"john doe\"@example.com", "((NIL NIL \"john doe\" \"example.com\"))"},
      {"john . doe @ example . com", "((NIL NIL \"john.doe\" \"example.com\"))"},
      {"user@[192.0.2.1]", "((NIL NIL \"user\" \"[192.0.2.1]\"))"},
      // Broken input.
      {"localuser", "((NIL NIL \"localuser\" \"MISSING_DOMAIN\"))"},
      {"John Doe", "((\"John Doe\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))"},
      {"@example.com", "((NIL NIL \"MISSING_MAILBOX\" \"example.com\"))"},
      {"<>", "((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))"},
      {"Name <user@", "((\"Name\" NIL \"user\" \"MISSING_DOMAIN\"))"},
      {"a@b,,, ,c@d", "((NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\"))"},
      {"", "NIL"},
      {"   (just a comment)  ", "NIL"},
      // Encoded words stay raw in the envelope; 8-bit names go as literals.
      {"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
       "((\"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=\" NIL \"keld\" \"dkuug.dk\"))"},
      {"J\xc3\xb6rg <j@x>", "(({5}\r\nJ\xc3\xb6rg NIL \"j\" \"x\"))"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(Render(c.in), c.want);
  }
}

TEST(Address, CountIsBounded) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "a@b,";
  EXPECT_EQ(ParseAddressList(many, 7).size(), 7u);
  EXPECT_EQ(ParseAddressList(many).size(), 100u);
}

}  // namespace
}  // namespace satrap::mime
