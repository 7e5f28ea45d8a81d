#!/usr/bin/env bash
# check_node.sh — can this node run storage-scanner, and will owner names resolve? Run it on a
# login node and, through srun, on a compute node before submitting a long scan.
#
#   check_node.sh [--binary PATH] [SCAN_PATH...]
#
# Checks: x86_64; glibc 2.28 or newer (what the portable release needs); the binary starts
# and finds every shared library it needs; the name service resolves the current user (the
# scanner resolves owners and groups the same way, through NSS: files, SSSD, LDAP). For each
# SCAN_PATH: it exists and is readable; its filesystem type is printed.
# The binary is --binary, else the one installed beside this script (PREFIX/bin when this is
# PREFIX/share/storage-scanner/scripts), else storage-scanner on PATH.
# Exit status: 0 every check passed, 1 a check failed, 2 usage error.
set -uo pipefail

usage() { sed -n '2,/^# Exit status/{s/^# \{0,1\}//;p}' "$0"; }

binary=
paths=()
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --binary) [[ $# -ge 2 ]] || { echo "check_node.sh: --binary needs a path" >&2; exit 2; }
      binary=$2; shift ;;
    --binary=*) binary=${1#--binary=} ;;
    -*) echo "check_node.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) paths+=("$1") ;;
  esac
  shift
done

failed=0
ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failed=1; }
info() { printf 'info  %s\n' "$*"; }

arch=$(uname -m)
if [[ $arch == x86_64 ]]; then
  ok "architecture $arch"
else
  fail "architecture $arch: the release is built for x86_64"
fi

glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [[ -z $glibc ]]; then
  fail "no glibc found (getconf GNU_LIBC_VERSION): the release needs glibc 2.28 or newer"
elif [[ $(printf '%s\n2.28\n' "$glibc" | sort -V | head -1) == 2.28 ]]; then
  ok "glibc $glibc (2.28 or newer needed)"
else
  fail "glibc $glibc: the release needs 2.28 or newer (RHEL/Rocky 8 and later)"
fi

if [[ -z $binary ]]; then
  here=$(cd "$(dirname "$0")" && pwd)
  if [[ -x $here/../../../bin/storage-scanner ]]; then
    binary=$(cd "$here/../../../bin" && pwd)/storage-scanner
  else
    binary=$(command -v storage-scanner || true)
  fi
fi
if [[ -z $binary || ! -x $binary ]]; then
  fail "storage-scanner not found (give --binary PATH)"
else
  missing=$(ldd "$binary" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')
  [[ -z $missing ]] && ok "shared libraries of $binary all found" ||
    fail "$binary needs libraries this node lacks: $missing"
  if version=$("$binary" --version 2>&1); then
    ok "$version"
  else
    fail "$binary --version failed: $version"
  fi
fi

uid=$(id -u)
if entry=$(getent passwd "$uid"); then
  ok "name service resolves uid $uid as ${entry%%:*}"
else
  fail "name service cannot resolve uid $uid: owner names would be null (check nsswitch.conf, sssd)"
fi
sources=$(sed -n 's/^passwd:[[:space:]]*//p' /etc/nsswitch.conf 2>/dev/null)
info "passwd sources in /etc/nsswitch.conf: ${sources:-(none listed)}"
info "open files limit: $(ulimit -n) (the scanner keeps its directories within it)"

for p in "${paths[@]}"; do
  if [[ ! -e $p ]]; then
    fail "$p does not exist"
  elif [[ ! -r $p ]]; then
    fail "$p is not readable by $(id -un)"
  else
    ok "$p readable, filesystem $(stat -f -c %T "$p" 2>/dev/null || echo unknown)"
  fi
done
exit "$failed"
