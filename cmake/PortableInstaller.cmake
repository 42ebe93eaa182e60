# The portable installer (issue 15 item 1, docs/porting.md): with -DSDCB_PORTABLE_INSTALLER=ON,
# build/portable/sdcadm-install is the same program as build/bin/sdcadm-install, linked from
# the same objects and project libraries, but with every third-party library from its static
# archive and the C++ runtime built in, so it needs nothing beyond glibc (libc, libm and the
# loader; readelf -d lists exactly the NEEDED of docs/porting.md, checked by
# tests/integration/portable_installer_chroot.sh). It is one file: the self-update
# (installer/self_update.cpp) replaces the whole installer with one rename.
# Included from the top-level CMakeLists.txt after add_subdirectory(installer).
option(SDCB_PORTABLE_INSTALLER
       "Also build build/portable/sdcadm-install, static but for glibc (docs/porting.md)" OFF)
if(NOT SDCB_PORTABLE_INSTALLER)
  return()
endif()
if(SDCB_SANITIZE)
  # The sanitizer runtimes are shared libraries: such a build cannot be portable.
  message(STATUS "SDCB_PORTABLE_INSTALLER: not built with SDCB_SANITIZE=ON")
  set(SDCB_PORTABLE_INSTALLER OFF)  # also keeps its chroot test out (tests/integration)
  return()
endif()
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  message(FATAL_ERROR "SDCB_PORTABLE_INSTALLER links Debian's static archives and is for Linux; "
                      "on SmartOS build with pkgsrc as docs/porting.md says, without this option")
endif()

# The static archives, in the order a single-pass linker would need them (the link below
# groups them, so the order is for the reader). Each entry: archive name, Debian package,
# why the installer needs it.
set(sdcb_portable_archives
  # libcurl and the libraries its objects call (HTTP to the DC's IMGAPI, common/http_client.cpp).
  "curl|libcurl4-openssl-dev|HTTP(S) client"
  "nghttp2|libnghttp2-dev|curl's HTTP/2"
  "idn2|libidn2-dev|curl's international host names"
  "unistring|libunistring-dev|libidn2's Unicode tables"
  "psl|libpsl-dev|curl's public-suffix check of cookie domains"
  "ssh2|libssh2-1-dev|curl's scp/sftp handlers, named in its protocol table"
  "brotlidec|libbrotli-dev|curl's Content-Encoding: br"
  "brotlicommon|libbrotli-dev|brotli's dictionary"
  # GSS-API (curl's Negotiate auth): MIT's libgssapi_krb5 has no static archive in Debian;
  # Heimdal's does (installer/portable/gss_mit_names.cpp bridges the one naming difference).
  "heimdal/gssapi|heimdal-multidev|GSS-API for curl's Negotiate auth"
  "heimdal/heimntlm|heimdal-multidev|Heimdal GSS-API's NTLM mechanism"
  "heimdal/krb5|heimdal-multidev|Heimdal GSS-API's Kerberos mechanism"
  "heimdal/hx509|heimdal-multidev|Heimdal Kerberos' PKINIT certificates"
  "heimdal/hcrypto|heimdal-multidev|Heimdal's crypto (its Camellia renamed below)"
  "heimdal/asn1|heimdal-multidev|Heimdal's ASN.1 codecs"
  "heimdal/wind|heimdal-multidev|Heimdal's string preparation"
  "heimdal/heimbase|heimdal-multidev|Heimdal's base library"
  "heimdal/roken|heimdal-multidev|Heimdal's portability library"
  "com_err|comerr-dev|Heimdal's error tables"
  "crypt|libcrypt-dev|Heimdal Kerberos' DES string-to-key (crypt)"
  "sqlite3|libsqlite3-dev|Heimdal Kerberos' SQLite credential cache"
  # Our own needs.
  "ssl|libssl-dev|TLS for curl"
  "crypto|libssl-dev|signatures (Ed25519), SHA-1/256, MD5, curl's and libssh2's crypto"
  "archive|libarchive-dev|tar members of bundles and agent tarballs"
  # libarchive's ustar writer needs archive_write_set_format.o, whose format table names
  # every writer (7-Zip, ZIP, ...), and those call these. The XAR writer, which would bring
  # libxml2 and ICU's 31 MB of data, is left out (installer/portable/libarchive_without_xar.cpp).
  "nettle|nettle-dev|libarchive's digests and encryption (ZIP writer)"
  "lzma|liblzma-dev|libarchive's xz/LZMA (7-Zip writer)"
  "bz2|libbz2-dev|libarchive's bzip2 filter (agent tarballs), delta bases compressed with bzip2"
  "zstd|libzstd-dev|bundle frames, curl's Content-Encoding: zstd"
  "z|zlib1g-dev|gzip for libarchive and curl, rebuilding delta members (delta/recompress.cpp)"
)

set(sdcb_portable_libs "")
set(sdcb_portable_missing "")
foreach(entry IN LISTS sdcb_portable_archives)
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 package)
  get_filename_component(dir "${name}" DIRECTORY)
  get_filename_component(base "${name}" NAME)
  string(MAKE_C_IDENTIFIER "SDCB_STATIC_${name}" var)
  if(dir)
    find_library(${var} NAMES lib${base}.a PATH_SUFFIXES ${dir})
  else()
    find_library(${var} NAMES lib${base}.a)
  endif()
  if(${var})
    list(APPEND sdcb_portable_libs "${${var}}")
  else()
    list(APPEND sdcb_portable_missing "lib${base}.a (${package})")
  endif()
endforeach()
find_path(SDCB_HEIMDAL_INCLUDE gssapi/gssapi.h PATHS /usr/include/heimdal NO_DEFAULT_PATH)
if(NOT SDCB_HEIMDAL_INCLUDE)
  list(APPEND sdcb_portable_missing "heimdal/gssapi/gssapi.h (heimdal-multidev)")
endif()
if(sdcb_portable_missing)
  list(JOIN sdcb_portable_missing "\n  " missing_text)
  message(FATAL_ERROR "SDCB_PORTABLE_INSTALLER=ON needs static archives and headers that are not installed:\n  "
                      "${missing_text}\nInstall the Debian packages named (scripts/setup.sh does), "
                      "or configure with -DSDCB_PORTABLE_INSTALLER=OFF.")
endif()

# Heimdal's libhcrypto.a and OpenSSL's libcrypto.a both define Camellia_EncryptBlock,
# Camellia_DecryptBlock and Camellia_Ekeygen, with different parameters (Heimdal's first is
# the key length in bits, OpenSSL's the round count): a static link of both fails with
# "multiple definition", and letting one win would break the other's Camellia. A copy of
# Heimdal's archive with its three renamed (the references in the same archive follow)
# keeps each library's own.
set(sdcb_hcrypto_renamed ${CMAKE_BINARY_DIR}/portable-link/libhcrypto.a)
set(sdcb_camellia_renames "")
foreach(sym Camellia_EncryptBlock Camellia_DecryptBlock Camellia_Ekeygen)
  list(APPEND sdcb_camellia_renames --redefine-sym ${sym}=sdcb_heimdal_${sym})
endforeach()
add_custom_command(OUTPUT ${sdcb_hcrypto_renamed}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/portable-link
  COMMAND ${CMAKE_OBJCOPY} ${sdcb_camellia_renames} ${SDCB_STATIC_heimdal_hcrypto} ${sdcb_hcrypto_renamed}
  DEPENDS ${SDCB_STATIC_heimdal_hcrypto}
  COMMENT "Renaming Heimdal's Camellia functions in a copy of libhcrypto.a (docs/porting.md)"
  VERBATIM)
add_custom_target(sdcb_portable_hcrypto DEPENDS ${sdcb_hcrypto_renamed})
list(TRANSFORM sdcb_portable_libs REPLACE "^${SDCB_STATIC_heimdal_hcrypto}$" "${sdcb_hcrypto_renamed}")

# The link-only files the static link needs (installer/portable/), compiled once for the
# portable installer and its test probe.
add_library(sdcb_portable_link_shims OBJECT
  ${PROJECT_SOURCE_DIR}/installer/portable/curl_unused_protocols.cpp
  ${PROJECT_SOURCE_DIR}/installer/portable/gss_mit_names.cpp
  ${PROJECT_SOURCE_DIR}/installer/portable/libarchive_without_xar.cpp)
target_include_directories(sdcb_portable_link_shims SYSTEM PRIVATE ${SDCB_HEIMDAL_INCLUDE})
target_link_libraries(sdcb_portable_link_shims PRIVATE sdcb_settings)

# The project's libraries by file, not by target, so that their usage requirements (the
# shared OpenSSL, curl, libarchive and zstd the normal build links) do not come along; and
# every archive in one group, so the linker resolves the libraries' references to each other
# whatever their order.
set(sdcb_portable_project_libs sdcb_installer sdcb_signing sdcb_bundles sdcb_imgapi sdcb_manifest sdcb_delta sdcb_common)
set(sdcb_portable_project_files "")
foreach(lib IN LISTS sdcb_portable_project_libs)
  list(APPEND sdcb_portable_project_files "$<TARGET_FILE:${lib}>")
endforeach()

# sdcb_portable_link(TARGET): links TARGET as the portable installer is linked.
function(sdcb_portable_link target)
  set_target_properties(${target} PROPERTIES
    # No run path: the binary must not look for libraries anywhere but the system's.
    SKIP_BUILD_RPATH ON
    INSTALL_RPATH "")
  add_dependencies(${target} ${sdcb_portable_project_libs} sdcb_portable_hcrypto)
  target_link_libraries(${target} PRIVATE sdcb_settings
    -Wl,--start-group ${sdcb_portable_project_files} ${sdcb_portable_libs} -Wl,--end-group
    -static-libstdc++ -static-libgcc -pthread)
endfunction()

# The objects of build/bin/sdcadm-install (main, version, the CLI front end), not compiled
# again.
add_executable(sdcadm-install-portable
  $<TARGET_OBJECTS:sdcadm-install>
  $<TARGET_OBJECTS:sdcb_installer_front>
  $<TARGET_OBJECTS:sdcb_portable_link_shims>)
set_target_properties(sdcadm-install-portable PROPERTIES
  OUTPUT_NAME sdcadm-install
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/portable)
sdcb_portable_link(sdcadm-install-portable)
# What ships is stripped of its debug information (17 MB instead of about 140 MB with -g); the
# debug information is kept beside the link helpers, named in the binary's .gnu_debuglink, for
# gdb and for reading a core from a headnode.
set(sdcb_portable_debug ${CMAKE_BINARY_DIR}/portable-link/sdcadm-install.debug)
add_custom_command(TARGET sdcadm-install-portable POST_BUILD
  COMMAND ${CMAKE_OBJCOPY} --only-keep-debug $<TARGET_FILE:sdcadm-install-portable> ${sdcb_portable_debug}
  COMMAND ${CMAKE_OBJCOPY} --strip-debug --add-gnu-debuglink=${sdcb_portable_debug}
          $<TARGET_FILE:sdcadm-install-portable>
  COMMENT "Stripping build/portable/sdcadm-install (debug information in portable-link/)"
  VERBATIM)

# Test only: running_binary_path() linked the same way, for the chroot test (no /proc there).
# Beside the link helpers, not in build/portable/, which holds only what ships.
if(SDCB_BUILD_TESTS)
  add_executable(running-path-probe ${PROJECT_SOURCE_DIR}/tests/portability/running_path_probe.cpp
                 $<TARGET_OBJECTS:sdcb_portable_link_shims>)
  set_target_properties(running-path-probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/portable-link)
  sdcb_portable_link(running-path-probe)
endif()
