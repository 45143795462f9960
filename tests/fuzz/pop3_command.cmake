satrap_fuzz_target(NAME pop3_command_fuzz
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/pop3_command_fuzz.cc
  DEPS satrap_pop3_protocol
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/pop3_command)
