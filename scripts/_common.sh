# Shared set-up for scripts/lab and scripts/test: a project virtualenv with OmniPanel
# installed the way a user installs it (the wheel build compiles the labextension).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OMNIPANEL_VENV:-$ROOT/.venv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# llama-cpp-python compiles from source (3-7 min once, then pip's cache): build it portable,
# so that a cached wheel still runs on another CPU.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1
  fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_python_and_node() {
  command -v python3 >/dev/null || apt_install python3 python3-venv
  # pyproject.toml's requires-python: the lowest version the suite runs on.
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "OmniPanel Lab needs Python 3.11 or newer; python3 is $(python3 -V 2>&1)"
    exit 1
  fi
  # The labextension is built with Node (JupyterLab's jlpm); users of the wheel need none.
  command -v node >/dev/null || apt_install nodejs
}

# install_omnipanel EXTRAS: (re)install the project into $VENV.
install_omnipanel() {
  local extras="$1"
  ensure_python_and_node
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtualenv $VENV"
    python3 -m venv "$VENV"
  fi
  # Reinstall only when the sources or the extras changed (a build takes a minute or two).
  local stamp="$VENV/.omnipanel-install" fingerprint
  fingerprint="$extras $(source_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
    say "omnipanel-lab$extras is up to date in $VENV"
    return
  fi
  say "installing omnipanel-lab$extras (builds the labextension)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "$ROOT$extras"
  echo "$fingerprint" > "$stamp"
}

# A hash of every file the package is built from (tracked or not, ignored files aside).
source_fingerprint() {
  (cd "$ROOT" && git ls-files -co --exclude-standard -- pyproject.toml omnipanel_lab labextension schema LICENSE README.md \
    | sort | xargs -d '\n' sha1sum 2>/dev/null | sha1sum | cut -c1-40)
}
