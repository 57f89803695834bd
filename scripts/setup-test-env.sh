#!/usr/bin/env bash
# Installs what the tests need, and nothing into the system's Python:
# - Debian packages that are missing (SQLite headers for the local pool; zlib for the Lambda;
#   binutils and zip to package it; Chromium and its driver for the browser tests; node for the
#   browser client's unit tests; nginx and Caddy for the forward-auth tests), with `apt-get
#   update` first; as root, or through sudo;
# - the Python peers (Tests/Interop/requirements.txt) into the project's own virtual environment,
#   .venv/, rebuilt only when the requirements change.
# Prints the virtual environment's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

# locales-all: warrant-lite formats its SRP timestamps under en_US.UTF-8, and fails without it.
# nginx-light and caddy: the reverse proxies of the forward-auth tests (started by the tests).
packages=(libsqlite3-dev zlib1g-dev binutils zip chromium chromium-driver python3-venv locales-all nginx-light caddy)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# A Python with venv built in (pyenv's, say) needs no python3-venv.
if python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null 2>&1; then
    apt=(sudo apt-get)
  else
    echo "setup: missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

venv=.venv
stamp="$venv/.requirements.sha256"
wanted=$(sha256sum Tests/Interop/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: Python peers into $venv/" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt >&2
  echo "$wanted" >"$stamp"
fi
echo "$PWD/$venv/bin/python"
