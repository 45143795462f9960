# cyr_expire -E days: prunes deliver.db; ctl_deliver is the older name for
# the same tool (ctl_deliver -E days, -d to dump), built from the same source.
if(TARGET lmtpd_core)
  satrap_program(NAME cyr_expire SOURCES ${CMAKE_CURRENT_LIST_DIR}/cyr_expire.cc
                 DEPS lmtpd_core satrap_db satrap_config satrap_log satrap_base)
  satrap_program(NAME ctl_deliver SOURCES ${CMAKE_CURRENT_LIST_DIR}/cyr_expire.cc
                 DEPS lmtpd_core satrap_db satrap_config satrap_log satrap_base)
endif()
