# deliver: a message on stdin to lmtpd over lmtpsocket (sysexits.h exit codes).
satrap_program(NAME deliver SOURCES ${CMAKE_CURRENT_LIST_DIR}/deliver.cc
               DEPS satrap_net satrap_config satrap_log satrap_base)
