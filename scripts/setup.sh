#!/usr/bin/env bash
# Sets up everything the program and its tests need, on a fresh Debian machine with only python3:
# a virtual environment in .venv with the project and its dev tools, and the few system
# libraries Qt needs. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: $*"
        if [ ! -f /tmp/.idtool-apt-updated ]; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && touch /tmp/.idtool-apt-updated
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages with sudo: $*"
        sudo apt-get update -qq >/dev/null
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        say "please install these system packages: $*"
        return 1
    fi
}

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Python 3.11 or newer is needed (found: $("$PY" --version 2>&1))"
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        apt_install python3-venv python3-pip
        "$PY" -m venv .venv
    fi
fi

stamp=.venv/.idtool-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing the project and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    .venv/bin/python -m pip install -q -e ".[dev]"
    echo "$want" > "$stamp"
fi

# Qt's shared libraries: present on a desktop, often missing on a bare server.
if ! QT_QPA_PLATFORM=offscreen .venv/bin/python -c 'import PySide6.QtWidgets, PySide6.QtGui' 2>/dev/null; then
    apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
        libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
        libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core || true
fi
