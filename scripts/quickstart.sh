#!/usr/bin/env bash
# quickstart.sh [PATH] [OUTPUT] — from a fresh Debian 12 machine to a snapshot in one command:
# installs the build dependencies, builds the release binary, and scans PATH into OUTPUT
# (default PATH: the seed's fixture tree, generated under tests/fixtures/test_project;
# default OUTPUT: ./scan.parquet). Then shows the first rows, read back with DuckDB.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh" release
target=${1:-}
if [[ -z $target ]]; then
  "$root/scripts/generate_fixtures.sh"
  target=$root/tests/fixtures/test_project
fi
output=${2:-$PWD/scan.parquet}
"$root/build/release/storage-scanner" scan --path "$target" --output "$output"
if "$root/scripts/setup_venv.sh" >/dev/null 2>&1; then
  "$root/.venv/bin/python" - "$output" <<'PY'
import sys, duckdb
path = sys.argv[1]
print(f"\n{path}: first rows (read back with DuckDB)")
print(duckdb.sql(f"SELECT path, size, file_type, owner, depth FROM read_parquet('{path}') "
                 "ORDER BY path LIMIT 8"))
PY
fi
