satrap_fuzz_target(NAME imap_parser_fuzz
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/imap_parser_fuzz.cc
  DEPS satrap_protocol
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/imap_parser)
