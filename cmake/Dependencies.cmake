# Debian 12 packages only (installed by scripts/setup.sh); nothing vendored or downloaded.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL 3 REQUIRED)            # libssl-dev: SHA-1, SHA-256, MD5, Ed25519
find_package(CURL REQUIRED)                 # libcurl4-openssl-dev
find_package(LibArchive REQUIRED)           # libarchive-dev
find_package(nlohmann_json 3.10 REQUIRED)   # nlohmann-json3-dev
find_package(CLI11 REQUIRED)                # libcli11-dev
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)          # libzstd-dev
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)   # libcpp-httplib-dev
if(SDCB_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)           # catch2 (v2)
endif()
