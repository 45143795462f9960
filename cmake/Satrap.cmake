# Helpers that give every module the same shape.
#
# satrap_library(NAME <module> SOURCES <files...> [DEPS <targets...>])
#   builds the static library satrap_<module> from src/lib/<module>. Headers are
#   included as "module/header.h" (src/lib is on the include path). DEPS name
#   the modules below this one; the dependency rule (arrows point down only) is
#   kept by listing only lower modules here.
function(satrap_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(satrap_${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(satrap_${ARG_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src/lib
                                                        ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(satrap_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# satrap_program(NAME <binary> SOURCES <files...> [DEPS <targets...>])
function(satrap_program)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  install(TARGETS ${ARG_NAME} RUNTIME DESTINATION libexec/satrap)
endfunction()

# satrap_unit_test(NAME <test> SOURCES <files...> [DEPS <targets...>] [LABELS ...])
#   one GoogleTest binary registered as one ctest test.
function(satrap_unit_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "unit;${ARG_LABELS}" TIMEOUT 300)
endfunction()

# satrap_fuzz_target(NAME <target> SOURCES <files...> DEPS <targets...>)
#   a libFuzzer binary when SATRAP_FUZZ is on (clang). Otherwise the same
#   source is linked against tests/fuzz/replay_main.cc and run over its seed
#   corpus as a ctest test, so every target at least builds and replays.
function(satrap_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME;CORPUS" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  if(SATRAP_FUZZ)
    target_compile_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${ARG_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    if(ARG_CORPUS)
      add_test(NAME ${ARG_NAME}_replay COMMAND ${ARG_NAME} ${ARG_CORPUS})
      set_tests_properties(${ARG_NAME}_replay PROPERTIES LABELS "fuzz" TIMEOUT 300)
    endif()
  endif()
endfunction()
