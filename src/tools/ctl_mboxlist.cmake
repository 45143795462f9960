# ctl_mboxlist: dump (-d) / restore (-u) mailboxes.db in the classic text form.
satrap_program(NAME ctl_mboxlist SOURCES ${CMAKE_CURRENT_LIST_DIR}/ctl_mboxlist.cc
               DEPS satrap_mailbox satrap_config satrap_log satrap_base)
