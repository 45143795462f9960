# reconstruct: rebuilds mailboxes from their message files (Cyrus reconstruct(8)).
satrap_program(NAME reconstruct SOURCES ${CMAKE_CURRENT_LIST_DIR}/reconstruct.cc
               DEPS satrap_mailbox satrap_config satrap_log satrap_base)
