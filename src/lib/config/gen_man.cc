// Writes man/imapd.conf.5 from the option table, so the page can never
// disagree with what the parser accepts. Run at build time by
// man/CMakeLists.txt:  gen_imapd_conf_man OUTPUT
#include <cstdio>
#include <string>
#include <string_view>

#include "config/imapd_config.h"

#ifndef SATRAP_VERSION
#define SATRAP_VERSION "unknown"
#endif

namespace satrap::config {
namespace {

// Text for troff: backslashes and hyphens escaped, no line starting a request.
std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

const char* UnitName(char unit) {
  switch (unit) {
    case 's':
      return "seconds";
    case 'm':
      return "minutes";
    case 'h':
      return "hours";
    default:
      return "days";
  }
}

// The tag line: "timeout: 30m", "servername: <none>".
std::string Tag(const OptionInfo& option) {
  std::string tag = "\\fB" + Escape(option.name) + "\\fR: ";
  tag += option.default_value[0] == '\0' ? "<none>" : Escape(option.default_value);
  return tag;
}

// The type and its limits: "Duration; a bare number is in minutes."
std::string TypeLine(const OptionInfo& option) {
  std::string out = OptionTypeName(option.type);
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  if (option.type == OptionType::kEnum) {
    out += "; one of: \\fB" + Escape(option.allowed) + "\\fR";
  } else if (option.type == OptionType::kStringList && option.allowed != nullptr) {
    out += " of: \\fB" + Escape(option.allowed) + "\\fR";
  } else if (option.type == OptionType::kDuration) {
    out += std::string("; a bare number is in ") + UnitName(option.allowed[0]);
  }
  if (const char* alias = OptionAlias(option.name)) {
    out += "; also spelled \\fB" + Escape(alias) + "\\fR";
  }
  return out + ".";
}

constexpr const char* kHead = R"(.TH IMAPD.CONF 5 "" "Satrap %s" "File Formats"
.\" Generated from src/lib/config/imapd_options.def by gen_man.cc; do not edit.
.SH NAME
imapd.conf \- configuration file of the Satrap mail store (Cyrus IMAP format)
.SH DESCRIPTION
\fB/etc/imapd.conf\fR holds the settings of every Satrap program: \fBcyrmaster\fR(8),
\fBimapd\fR(8), \fBpop3d\fR(8), \fBlmtpd\fR(8), \fBtimsieved\fR(8) and the tools.
Programs read it at start; \fBcyrmaster\fR reads it again on SIGHUP, and workers
pick up changes when they are replaced. Most programs take \fB\-C\fR \fIfile\fR to read
another file. A Cyrus IMAP site's file is read unchanged.
.SS Syntax
Each line has the form
.IP
\fIoption\fR: \fIvalue\fR
.PP
Option names are case-insensitive; blanks around the name and the value are
ignored. Blank lines and lines whose first non-blank character is \fB#\fR are
ignored; a \fB#\fR after the start of a line belongs to the value. A backslash
ending a line joins the next line to it, with no blank added; the joined line
counts as the line it started on. CRLF line ends are accepted. An option may be
set only once. \fB@include\fR is not supported: it is reported and skipped.
.PP
A \fIswitch\fR takes \fByes\fR, \fBon\fR, \fBtrue\fR, \fBt\fR or \fB1\fR to turn it on,
and \fBno\fR, \fBoff\fR, \fBfalse\fR, \fBf\fR or \fB0\fR to turn it off, in any case.
An \fIint\fR is a decimal integer. An \fIenum\fR takes one of its listed values (the
switch words map onto \fBon\fR and \fBoff\fR). A \fIlist\fR is words separated by
blanks. A \fIduration\fR is a number followed by a unit, \fBd\fR, \fBh\fR, \fBm\fR or
\fBs\fR, and units may be combined (\fB1h30m\fR); a bare number is in the unit the
option has always used, shown with each option.
.PP
An option Satrap does not know is logged as a warning and otherwise ignored, so
that a Cyrus site's file works. A malformed value, a line without a colon, an
empty value or an option set twice stops the program, which logs
.IP
\fIfile\fR:\fIline\fR: \fIoption\fR: \fIreason\fR
.PP
and exits with status 78 (EX_CONFIG).
.SS Per-service options
Any option may be set for one service of \fBcyrus.conf\fR(5) alone by prefixing the
service name and an underscore: \fBimap_tls_cert_file\fR applies to the \fBimap\fR
service, \fBlmtpunix_admins\fR to \fBlmtpunix\fR. The older form
\fBtls_\fR\fIservice\fR\fB_\fR\fIrest\fR (\fBtls_pop3_cert_file\fR) is accepted too.
.SS Families
These options are recognised by their prefix:
.TP
.BI partition\- name
Path (absolute) of the mail partition \fIname\fR. At least one is needed;
\fBdefaultpartition\fR names the one new mailboxes go to.
.TP
.BI metapartition\- name
Path of the metadata partition for partition \fIname\fR; see \fBmetapartition_files\fR.
.TP
.BI archivepartition\- name ", searchpartition\-" name ", backuppartition\-" name
Accepted for compatibility.
.TP
.BI sasl_ option
Handed to the SASL library as \fIoption\fR: \fBsasl_pwcheck_method\fR,
\fBsasl_mech_list\fR, \fBsasl_auxprop_plugin\fR, \fBsasl_ldapdb_uri\fR and the rest.
\fIservice\fR\fB_sasl_\fR\fIoption\fR sets one for a single service.
.TP
.BI ldap_ option
Settings of the LDAP group lookups.
.TP
.BI xlist\- flag
Special-use flag of an automatically created folder.
.SH OPTIONS
Each option is shown with its default; \fB<none>\fR means unset.
)";

constexpr const char* kTail = R"(.SH FILES
.TP
.B /etc/imapd.conf
The default location of this file.
.SH SEE ALSO
\fBcyrus.conf\fR(5), \fBcyrmaster\fR(8), \fBimapd\fR(8), \fBpop3d\fR(8), \fBlmtpd\fR(8),
\fBtimsieved\fR(8), \fBctl_cyrusdb\fR(8), \fBsaslpasswd2\fR(8), \fBciphers\fR(1), \fBsyslog\fR(3)
)";

int Generate(std::FILE* out) {
  std::fprintf(out, kHead, SATRAP_VERSION);
  for (const OptionInfo& option : AllOptions()) {
    std::fprintf(out, ".TP\n%s\n%s\n%s\n", Tag(option).c_str(), TypeLine(option).c_str(),
                 Escape(option.doc).c_str());
  }
  std::fputs(kTail, out);
  return std::ferror(out) ? 1 : 0;
}

}  // namespace
}  // namespace satrap::config

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: %s [OUTPUT]\n", argv[0]);
    return 2;
  }
  std::FILE* out = argc == 2 ? std::fopen(argv[1], "w") : stdout;
  if (out == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  int status = satrap::config::Generate(out);
  if (argc == 2 && std::fclose(out) != 0) status = 1;
  if (status != 0) std::fprintf(stderr, "%s: write failed\n", argv[0]);
  return status;
}
