# quota: reports quota usage and limits; -f fixes usage from the mailboxes.
satrap_program(NAME quota SOURCES ${CMAKE_CURRENT_LIST_DIR}/quota.cc
               DEPS satrap_mailbox satrap_config satrap_log satrap_base)
