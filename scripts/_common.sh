# Shared set-up for scripts/lab and scripts/test: a project virtualenv with OmniPanel
# installed the way a user installs it (the wheel build compiles the labextension).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OMNIPANEL_VENV:-$ROOT/.venv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

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
  say "installing omnipanel-lab$extras (builds the labextension on first run)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "$ROOT$extras"
}
