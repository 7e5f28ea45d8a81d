#!/usr/bin/env bash
# setup_venv.sh — create .venv (Debian's python3) and install requirements.txt into it.
# Re-runs pip only when requirements.txt changed since the last successful install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SSCAN_VENV:-$root/.venv}
py=/usr/bin/python3
[[ -x $py ]] || py=python3
if [[ ! -x $venv/bin/python ]]; then
  "$py" -m venv "$venv"
fi
stamp=$venv/.requirements.sha256
want=$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/requirements.txt"
  echo "$want" >"$stamp"
fi
echo "setup_venv: $venv ready"
