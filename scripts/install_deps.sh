#!/usr/bin/env bash
# install_deps.sh — install every system package storage-scanner needs to build and test,
# on Debian 12 (bookworm). Idempotent: packages already present are skipped by apt.
# Runs apt as root (directly, or through sudo when not root).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libzstd-dev libsnappy-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang clang-format clang-tidy libclang-rt-14-dev
  # portable release (scripts/build_release.sh: apt-get source + dpkg-source, zig from PyPI
  # into a venv) and its checks (readelf/objdump, chroot, groff for the man page)
  dpkg-dev patch binutils groff-base
  # python test and analysis tooling (packages from PyPI go into .venv, see setup_venv.sh)
  python3 python3-venv python3-pip
  # tools the tests and benchmarks drive
  hyperfine time findutils coreutils util-linux e2fsprogs acl attr passwd procps
  # bench/compare_walkers.py compares the scan with gdu (a parallel disk usage analyser)
  gdu
  # renders the analysis HTML report headless, so tests read its numbers back (tests/analysis)
  chromium
  # tests/browse drives the snapshot browser in a terminal (tmux) and checks its ncdu export
  # with Debian's ncdu itself
  tmux ncdu
  # a real one-node Slurm for tests/e2e/test_slurm.py (the test starts and stops the daemons
  # itself; installing them starts nothing)
  slurm-wlm munge
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
echo "install_deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
