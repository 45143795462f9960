# Third-party libraries, all from Debian's packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SASL2 REQUIRED IMPORTED_TARGET libsasl2)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)
pkg_check_modules(LDAP IMPORTED_TARGET ldap)

# Berkeley DB ships no pkg-config file on Debian.
find_path(BDB_INCLUDE_DIR db.h REQUIRED)
find_library(BDB_LIBRARY NAMES db-5.3 db REQUIRED)
add_library(BerkeleyDB::db UNKNOWN IMPORTED)
set_target_properties(BerkeleyDB::db PROPERTIES IMPORTED_LOCATION ${BDB_LIBRARY}
                                                INTERFACE_INCLUDE_DIRECTORIES ${BDB_INCLUDE_DIR})
# SATRAP_STATIC_DEPS (CMakeLists.txt): the same targets name Debian's
# archives instead (own cache names, so a folder configured before keeps
# working). libicudata.a is ICU's ~30 MB of data, mapped read-only.
if(SATRAP_STATIC_DEPS)
  foreach(part crypto ssl db-5.3 icui18n icuuc icudata)
    find_library(SATRAP_STATIC_${part} NAMES lib${part}.a REQUIRED)
  endforeach()
  set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION ${SATRAP_STATIC_crypto}
                        INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS};Threads::Threads")
  set_target_properties(OpenSSL::SSL PROPERTIES IMPORTED_LOCATION ${SATRAP_STATIC_ssl})
  set_target_properties(BerkeleyDB::db PROPERTIES IMPORTED_LOCATION ${SATRAP_STATIC_db-5.3}
                        INTERFACE_LINK_LIBRARIES Threads::Threads)
  set_property(TARGET PkgConfig::ICU PROPERTY INTERFACE_LINK_LIBRARIES
               ${SATRAP_STATIC_icui18n} ${SATRAP_STATIC_icuuc} ${SATRAP_STATIC_icudata}
               ${CMAKE_DL_LIBS} Threads::Threads)
endif()

if(NOT LDAP_FOUND)
  find_library(LDAP_LIBRARY ldap REQUIRED)
  find_library(LBER_LIBRARY lber REQUIRED)
  add_library(PkgConfig::LDAP UNKNOWN IMPORTED)
  set_target_properties(PkgConfig::LDAP PROPERTIES IMPORTED_LOCATION ${LDAP_LIBRARY}
                                                   INTERFACE_LINK_LIBRARIES ${LBER_LIBRARY})
endif()

if(SATRAP_TESTS)
  find_package(GTest REQUIRED)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
endif()
