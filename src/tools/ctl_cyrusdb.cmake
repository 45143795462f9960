# ctl_cyrusdb: recovery (-r) and checkpoint/backup (-c) of the BDB environment.
satrap_program(NAME ctl_cyrusdb SOURCES ${CMAKE_CURRENT_LIST_DIR}/ctl_cyrusdb.cc
               DEPS satrap_db satrap_config satrap_log satrap_base)
