satrap_fuzz_target(NAME config_parsers_fuzz
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/config_parsers_fuzz.cc
  DEPS satrap_config
  CORPUS ${CMAKE_CURRENT_SOURCE_DIR}/corpus/config_parsers)
