# cyr_dbtool: show/get/set/delete in one database of the environment.
satrap_program(NAME cyr_dbtool SOURCES ${CMAKE_CURRENT_LIST_DIR}/cyr_dbtool.cc
               DEPS satrap_db satrap_config satrap_log satrap_base)
