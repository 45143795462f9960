# tls_prune: removes expired sessions from tls_sessions.db (cyrus.conf EVENTS).
satrap_program(NAME tls_prune SOURCES ${CMAKE_CURRENT_LIST_DIR}/tls_prune.cc
               DEPS satrap_tls satrap_db satrap_config satrap_log satrap_base)
