satrap_fuzz_target(NAME mime_parser_fuzz
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/mime_parser_fuzz.cc
  DEPS satrap_mime
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/mime_parser)
