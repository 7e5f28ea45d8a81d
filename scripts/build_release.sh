#!/usr/bin/env bash
# build_release.sh — the portable release: one binary for every cluster (docs/deployment.md).
#
#   dist/storage-scanner                              Linux x86_64, glibc >= 2.28 (RHEL/Rocky 8
#                                                     and newer); needs no shared library but
#                                                     the C library's own
#   dist/storage-scanner-VERSION-linux-x86_64.tar.gz  the same binary with the user scripts,
#                                                     man page and docs (bin/, share/)
#   build/portable/                                   its CMake build (cmake --install works)
#
# Everything is compiled by zig's clang (PyPI package ziglang, pinned below) for the target
# x86_64-linux-gnu.2.28: zig links against stubs carrying glibc 2.28's symbol versions, and
# links its own libc++, libc++abi, libunwind and compiler-rt statically. The dependencies are
# Debian bookworm's source packages — the versions scripts/install_deps.sh installs for the
# native build — built with that same toolchain. glibc itself stays a shared library, so
# getpwuid_r/getgrgid_r go through the cluster's own NSS modules (files, sss, ldap).
#
# Slow parts are cached outside the work tree, so that every clone and CI run on a machine
# shares them (SSCAN_CACHE_DIR, default ~/.cache/storage-scanner):
#   zig-VERSION/   a Python venv holding the pinned ziglang wheel (hash-checked)
#   zig-cache/     zig's global cache (libc++ and the glibc stubs, built once per flag set)
#   apt/           a private apt state with the deb-src entries of the system's Debian sources
#                  (the system's apt configuration is never changed; works without root)
#   deps-KEY/      dependencies built and installed into deps-KEY/prefix; KEY is a hash of
#                  everything that goes into them (zig, target, versions, recipes, toolchain
#                  file), so a change rebuilds them and an unchanged recipe never does
# storage-scanner itself builds incrementally in build/portable.
#
#   scripts/build_release.sh             build (dependencies only when not cached)
#   SSCAN_CACHE_DIR=DIR ...              cache somewhere else
#   SSCAN_CMAKE_ARGS="-D..." ...         extra CMake arguments for storage-scanner
# Reproducible: the same commit, cache key and recipe give the same binary and tarball bytes
# (paths are mapped away, the tarball's times are the commit's, owners are 0).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

readonly ZIG_VERSION=0.17.0
# sha256 of the wheel pip picks here (Linux x86_64):
#   ziglang-0.17.0-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl
readonly ZIG_SHA256=97079827064a7492cce5541ceb438ae8003ce1e54e399676da2d62fb7a5dc08b
readonly TARGET=x86_64-linux-gnu.2.28
readonly FLAVOUR="release, portable glibc>=2.28"

# Dependencies, in build order: Debian source package=version | source subdirectory | Debian
# patches to take back out | CMake arguments. Keep the versions equal to what bookworm's -dev
# packages install for the native build. Debian's snappy patch build_static_lib.patch adds a
# second target writing libsnappy.a (clashing with a static build of the main target, and
# compiled without config.h); a static build of the main target needs neither.
readonly DEPS=(
  "fmtlib=9.1.0+ds1-2|.||-DFMT_DOC=OFF -DFMT_TEST=OFF -DFMT_INSTALL=ON"
  "spdlog=1:1.10.0+ds-0.4|.||-DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF -DSPDLOG_INSTALL=ON"
  "libzstd=1.5.4+dfsg2-5|build/cmake||-DZSTD_BUILD_PROGRAMS=OFF -DZSTD_BUILD_TESTS=OFF -DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_STATIC=ON -DZSTD_MULTITHREAD_SUPPORT=OFF -DZSTD_LEGACY_SUPPORT=OFF"
  "snappy=1.1.9-3|.|build_static_lib.patch|-DSNAPPY_BUILD_TESTS=OFF -DSNAPPY_BUILD_BENCHMARKS=OFF -DSNAPPY_INSTALL=ON"
  "cli11=2.1.2+ds-1|.||-DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF -DCLI11_INSTALL=ON"
  "nlohmann-json3=3.11.2-2|.||-DJSON_BuildTests=OFF -DJSON_Install=ON"
)

cache=${SSCAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/storage-scanner}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
log() { printf 'build_release: %s\n' "$*" >&2; }
elapsed() { echo "$((SECONDS - $1)) s"; }
# Clones and worktrees on one machine share the cache: one of them fills it at a time.
exec 9>"$cache/.lock"
flock 9

# --- zig ----------------------------------------------------------------------------------
zig_env=$cache/zig-$ZIG_VERSION
if [[ ! -f $zig_env/.complete ]]; then
  log "installing ziglang $ZIG_VERSION from PyPI into $zig_env"
  rm -rf "$zig_env"
  py=/usr/bin/python3
  [[ -x $py ]] || py=python3
  "$py" -m venv "$zig_env"
  printf 'ziglang==%s --hash=sha256:%s\n' "$ZIG_VERSION" "$ZIG_SHA256" >"$zig_env/requirements.txt"
  "$zig_env/bin/pip" install -q --disable-pip-version-check --require-hashes \
    -r "$zig_env/requirements.txt"
  touch "$zig_env/.complete"
fi
zig=$(echo "$zig_env"/lib/python3*/site-packages/ziglang/zig)
[[ -x $zig ]] || { log "no zig executable in $zig_env"; exit 1; }

# The wrappers CMake sees as its compilers (cmake/zig-toolchain.cmake). -mcpu=baseline: plain
# x86-64, no instruction set newer than what every supported cluster node has.
tools=$cache/toolchain-$ZIG_VERSION-$TARGET
mkdir -p "$tools"
write_wrapper() {  # name, zig subcommand and its fixed arguments
  local name=$1
  shift
  local tmp
  tmp=$(mktemp "$tools/.$name.XXXXXX")
  cat >"$tmp" <<EOF
#!/bin/sh
# Written by scripts/build_release.sh: zig $ZIG_VERSION as '$name' for $TARGET.
ZIG_GLOBAL_CACHE_DIR='$cache/zig-cache' ZIG_LOCAL_CACHE_DIR='$cache/zig-cache' \\
  exec '$zig' $* "\$@"
EOF
  chmod 755 "$tmp"
  mv -f "$tmp" "$tools/$name"
}
write_wrapper cc cc -target "$TARGET" -mcpu=baseline
write_wrapper c++ c++ -target "$TARGET" -mcpu=baseline
write_wrapper ar ar
write_wrapper ranlib ranlib
toolchain=(-DCMAKE_TOOLCHAIN_FILE="$root/cmake/zig-toolchain.cmake" -DSSCAN_ZIG_BIN="$tools")

# --- dependencies -------------------------------------------------------------------------
# The recipe, hashed into the cache key together with the pins and the toolchain file.
build_dep() {  # source dir, build dir, prefix, CMake arguments...
  local src=$1 bld=$2 prefix=$3
  shift 3
  # -g0: zig's clang writes debug info unless told not to. -ffile-prefix-map: no path of this
  # machine's cache ends up in the objects.
  cmake -S "$src" -B "$bld" -G Ninja "${toolchain[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF \
    -DCMAKE_FIND_ROOT_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_C_FLAGS="-g0 -ffile-prefix-map=$src=." \
    -DCMAKE_CXX_FLAGS="-g0 -ffile-prefix-map=$src=." "$@" >"$bld.log" 2>&1 ||
    { cat "$bld.log" >&2; return 1; }
  cmake --build "$bld" >>"$bld.log" 2>&1 || { tail -50 "$bld.log" >&2; return 1; }
  cmake --install "$bld" >>"$bld.log" 2>&1 || { tail -50 "$bld.log" >&2; return 1; }
}

key=$({
  echo "$ZIG_VERSION $ZIG_SHA256 $TARGET"
  printf '%s\n' "${DEPS[@]}"
  declare -f build_dep write_wrapper
  cat "$root/cmake/zig-toolchain.cmake"
} | sha256sum | cut -c1-16)
deps=$cache/deps-$key
prefix=$deps/prefix

# A private apt state: the system's Debian sources with their type changed to deb-src. Only
# apt-get update and apt-get source use it; nothing under /etc/apt is written.
apt_state() {
  local apt=$cache/apt
  mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/archives/partial" "$apt/pool"
  rm -f "$apt/sources.list.d/"*
  if [[ -f /etc/apt/sources.list ]]; then
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
      >"$apt/sources.list.d/system.list"
  fi
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    case $f in
      *.list) sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" ;;
      *.sources) sed 's/^Types:.*/Types: deb-src/' "$f" ;;
    esac >"$apt/sources.list.d/$(basename "$f")"
  done
  cat >"$apt/apt.conf" <<EOF
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$apt/sources.list.d";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt";
Dir::Cache::archives "$apt/archives";
APT::Sandbox::User "$(id -un)";
EOF
  echo "$apt"
}

fetch_sources() {  # into $deps/src/<package>
  local apt
  apt=$(apt_state)
  log "fetching Debian source packages (apt-get source, private state in $apt)"
  # A failing third-party repository must not stop us; apt-get source below says whether
  # the Debian sources we need were found.
  APT_CONFIG=$apt/apt.conf apt-get update -qq >"$apt/update.log" 2>&1 ||
    log "apt-get update reported problems (see $apt/update.log); trying apt-get source anyway"
  local d spec pkg
  for d in "${DEPS[@]}"; do
    spec=${d%%|*}
    pkg=${spec%%=*}
    (cd "$apt/pool" && APT_CONFIG=$apt/apt.conf apt-get source -qq --download-only "$spec") \
      >"$apt/source-$pkg.log" 2>&1 || {
      cat "$apt/source-$pkg.log" >&2
      log "cannot get Debian source $spec: if bookworm moved to a newer version, update the"
      log "pin in DEPS (scripts/build_release.sh) to what 'apt-cache showsrc $pkg' lists"
      return 1
    }
    local version=${spec#*=}
    version=${version#*:}  # the epoch is not part of file names
    rm -rf "$deps/src/$pkg"
    # Debian's patches are applied as its series lists them, less those named in DEPS.
    dpkg-source --skip-patches -x "$apt/pool/${pkg}_${version}.dsc" "$deps/src/$pkg" \
      >"$apt/unpack-$pkg.log" 2>&1 || { cat "$apt/unpack-$pkg.log" >&2; return 1; }
    local skip patch level series=$deps/src/$pkg/debian/patches/series
    skip=" $(cut -d'|' -f3 <<<"$d") "
    if [[ -f $series ]]; then
      while read -r patch level _; do
        [[ -z $patch || $patch == \#* || $skip == *" $patch "* ]] && continue
        patch -d "$deps/src/$pkg" "${level:--p1}" -s --no-backup-if-mismatch \
          <"$deps/src/$pkg/debian/patches/$patch"
      done <"$series"
    fi
  done
}

if [[ ! -f $deps/.complete ]]; then
  t0=$SECONDS
  log "building dependencies into $deps (key $key)"
  rm -rf "$deps"
  mkdir -p "$deps/src" "$deps/build"
  fetch_sources
  for d in "${DEPS[@]}"; do
    IFS='|' read -r spec sub _ args <<<"$d"
    pkg=${spec%%=*}
    t1=$SECONDS
    # shellcheck disable=SC2086  # args is a list of -D options without spaces inside
    build_dep "$deps/src/$pkg/$sub" "$deps/build/$pkg" "$prefix" $args
    log "  $spec built in $(elapsed "$t1")"
  done
  # Only the installed prefix is needed from now on (the logs stay, for the curious).
  rm -rf "$deps/src"
  find "$deps/build" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
  touch "$deps/.complete"
  log "dependencies built in $(elapsed "$t0")"
fi
# Dependency builds of recipes nobody has used for two weeks go, and so do unfinished ones
# (a build that was killed: nobody else is building, we hold the lock).
touch "$deps/.complete"
for old in "$cache"/deps-*; do
  [[ $old == "$deps" ]] && continue
  if [[ ! -f $old/.complete || -n $(find "$old/.complete" -mtime +14) ]]; then
    rm -rf "$old"
  fi
done
flock -u 9

# --- storage-scanner ----------------------------------------------------------------------
bld=$root/build/portable
if [[ -f $bld/.deps-key && $(cat "$bld/.deps-key") != "$key" ]]; then
  log "dependencies changed: configuring build/portable afresh"
  rm -rf "$bld"
fi
t0=$SECONDS
# shellcheck disable=SC2206
extra=(${SSCAN_CMAKE_ARGS:-})
# -s: the binary carries no symbol table or debug info (zig's libc++ and start files have
# both, with paths of this machine's cache); --build-id=sha1 hashes the contents, so it too is
# the same for the same sources.
cmake -S "$root" -B "$bld" -G Ninja "${toolchain[@]}" -DCMAKE_FIND_ROOT_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DSSCAN_WERROR=ON -DSSCAN_BUILD_TESTS=OFF -DSSCAN_BUILD_BENCH=OFF \
  -DSSCAN_FLAVOUR="$FLAVOUR" -DCMAKE_CXX_FLAGS="-g0 -ffile-prefix-map=$root=." \
  -DCMAKE_C_FLAGS="-g0 -ffile-prefix-map=$root=." \
  -DCMAKE_EXE_LINKER_FLAGS="-s -Wl,--build-id=sha1" \
  "${extra[@]}" >/dev/null
echo "$key" >"$bld/.deps-key"
cmake --build "$bld"
log "storage-scanner built in $(elapsed "$t0")"

# --- dist ---------------------------------------------------------------------------------
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$bld/CMakeCache.txt")
name=storage-scanner-$version-linux-x86_64
rm -rf "$root/dist"
mkdir -p "$root/dist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$bld" --prefix "$stage/$name" >/dev/null
cp "$bld/storage-scanner" "$root/dist/storage-scanner"
# The tarball's bytes depend only on its contents: sorted names, the commit's time, owner 0.
epoch=$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
  --mode='u+rwX,go+rX,go-w' -C "$stage" -cf - "$name" | gzip -9n >"$root/dist/$name.tar.gz"
log "$("$root/dist/storage-scanner" --version)"
log "wrote dist/storage-scanner and dist/$name.tar.gz"
