# Language level, output folders, warnings and sanitizers shared by every target.
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# Every executable lands in build/bin (tests, the demo and benchmarks rely on it).
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

# Interface target that every project target links PRIVATE.
add_library(sdcb_settings INTERFACE)
target_include_directories(sdcb_settings INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(sdcb_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
                       -Wnull-dereference -Wformat=2)
target_compile_definitions(sdcb_settings INTERFACE
                           SDCB_VERSION="${PROJECT_VERSION}" _FILE_OFFSET_BITS=64)
if(SDCB_WARNINGS_AS_ERRORS)
  target_compile_options(sdcb_settings INTERFACE -Werror)
endif()
if(SDCB_SANITIZE)
  # GCC 12 warns falsely (-Wmaybe-uninitialized) inside <regex> under the sanitizers.
  target_compile_options(sdcb_settings INTERFACE -Wno-maybe-uninitialized)
  target_compile_options(sdcb_settings INTERFACE -fsanitize=address,undefined
                         -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(sdcb_settings INTERFACE -fsanitize=address,undefined)
endif()

# Fast rebuilds (DEVELOPERS.md "Fast feedback"). ccache, when installed, caches compiler
# runs; paths are made relative to the source tree and the working directory is not
# hashed, so a fresh clone or a git worktree elsewhere reuses the same cache entries.
# SDCB_CCACHE=OFF turns it off.
option(SDCB_CCACHE "Use ccache as the compiler launcher when it is installed" ON)
find_program(SDCB_CCACHE_PROGRAM ccache)
if(SDCB_CCACHE AND SDCB_CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${SDCB_CCACHE_PROGRAM})
endif()

# Precompiled nlohmann/json (with the standard headers around it) per target, and CLI11 for
# the front ends. Off by default: measured on 2 cores (2026-12-06), a cold build took 17m05s
# with it and 16m55s without; installer/plan.cpp compiles in 8.6 s with it, 9.3 s without, and
# the 24 precompiled headers cost what the 290 files save. The time goes into our own code at
# -O2 -g, not the headers; ccache is what pays (a fresh clone with a warm cache: 5m29s).
option(SDCB_PCH "Precompile the heavy headers (nlohmann/json, CLI11)" OFF)
if(SDCB_PCH)
  target_precompile_headers(sdcb_settings INTERFACE
    <nlohmann/json.hpp> <string> <vector> <map> <optional> <functional> <memory>)
endif()

# CLI11 for the targets with a command line (call after add_executable).
function(sdcb_cli_pch target)
  if(SDCB_PCH)
    target_precompile_headers(${target} PRIVATE <CLI/CLI.hpp>)
  endif()
endfunction()
