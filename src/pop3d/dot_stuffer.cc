// Byte-stuffing for RETR and TOP (dot_stuffer.h).
#include "dot_stuffer.h"

namespace satrap::pop3d {

void DotStuffer::EndLine() {
  if (in_header_) {
    if (line_empty_) {
      in_header_ = false;
      // TOP 0: the header and its blank line, nothing more.
      if (body_lines_ && *body_lines_ == 0) done_ = true;
    }
  } else if (body_lines_ && ++lines_sent_ >= *body_lines_) {
    done_ = true;
  }
  at_line_start_ = true;
  line_empty_ = true;
}

bool DotStuffer::Feed(std::string_view chunk, std::string* out) {
  size_t pos = 0;
  while (pos < chunk.size() && !done_) {
    if (at_line_start_ && chunk[pos] == '.') out->push_back('.');
    at_line_start_ = false;
    // Copy up to and including the next LF in one piece.
    size_t lf = chunk.find('\n', pos);
    size_t end = lf == std::string_view::npos ? chunk.size() : lf + 1;
    std::string_view piece = chunk.substr(pos, end - pos);
    out->append(piece);
    for (char c : piece) {
      if (c != '\r' && c != '\n') {
        line_empty_ = false;
        break;
      }
    }
    pos = end;
    if (lf != std::string_view::npos) EndLine();
  }
  return !done_;
}

void DotStuffer::Finish(std::string* out) {
  if (!at_line_start_) out->append("\r\n");
  out->append(".\r\n");
  done_ = true;
}

}  // namespace satrap::pop3d
