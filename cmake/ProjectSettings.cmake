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
