# mbpath: prints a mailbox's folder.
satrap_program(NAME mbpath SOURCES ${CMAKE_CURRENT_LIST_DIR}/mbpath.cc
               DEPS satrap_mailbox satrap_config satrap_log satrap_base)
