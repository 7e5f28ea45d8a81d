# zig-toolchain.cmake — cross-compile for "any x86_64 Linux with glibc >= 2.28" with zig's
# clang (docs/deployment.md). Used by scripts/build_release.sh for the dependencies and for
# storage-scanner itself, so everything in the binary comes from one compiler and one libc++.
#
# SSCAN_ZIG_BIN: a directory holding the wrappers cc, c++, ar and ranlib that
# build_release.sh writes (each runs `zig <tool> -target x86_64-linux-gnu.2.28 ...`, with the
# zig version and its cache directory baked in). Pass it with -D on the first configure.
#
# Why a cross toolchain although host and target are both x86_64 Linux: the target is a
# different C library (glibc 2.28 symbol versions instead of the host's 2.36), so nothing of
# the host's /usr/include, /usr/lib or Debian's CMake package files may leak in. Only the
# dependency prefix (CMAKE_FIND_ROOT_PATH, set by build_release.sh) is searched.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

if(NOT SSCAN_ZIG_BIN)
  set(SSCAN_ZIG_BIN "$ENV{SSCAN_ZIG_BIN}")
endif()
if(NOT SSCAN_ZIG_BIN OR NOT EXISTS "${SSCAN_ZIG_BIN}/c++")
  message(FATAL_ERROR "zig-toolchain.cmake: set SSCAN_ZIG_BIN to the directory of the zig "
                      "wrappers (scripts/build_release.sh creates them)")
endif()
# try_compile() projects re-read this file; hand them the wrapper directory.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SSCAN_ZIG_BIN)

set(CMAKE_C_COMPILER "${SSCAN_ZIG_BIN}/cc")
set(CMAKE_CXX_COMPILER "${SSCAN_ZIG_BIN}/c++")
set(CMAKE_AR "${SSCAN_ZIG_BIN}/ar" CACHE FILEPATH "zig ar")
set(CMAKE_RANLIB "${SSCAN_ZIG_BIN}/ranlib" CACHE FILEPATH "zig ranlib")

# Search only the dependency prefix for libraries, headers and CMake packages; programs (git)
# come from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
