satrap_fuzz_target(NAME lmtp_parser_fuzz
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/lmtp_parser_fuzz.cc
  DEPS satrap_protocol
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/lmtp_parser)
