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
    if ! .venv/bin/python -m pip install -q -e ".[dev]" >.venv/pip-install.log 2>&1; then
        tail -n 30 .venv/pip-install.log >&2
        say "installing the Python packages failed (full log: .venv/pip-install.log)"
        exit 1
    fi
    echo "$want" > "$stamp"
fi

# Qt's shared libraries: present on a desktop, often missing on a bare machine. The offscreen
# plugin (tests) and the X11 plugin (a real screen) each need their own.
qt_missing() {
    local qt
    qt=$(.venv/bin/python -c 'import os, PySide6; print(os.path.dirname(PySide6.__file__))')
    for lib in "$qt"/Qt/plugins/platforms/libqxcb.so "$qt"/Qt/plugins/platforms/libqoffscreen.so \
               "$qt"/Qt/lib/libQt6XcbQpa.so.6 "$qt"/Qt/lib/libQt6Gui.so.6; do
        [ -f "$lib" ] && ldd "$lib" 2>/dev/null | grep -q "not found" && return 0
    done
    return 1
}
if [ "$(uname -s)" = Linux ] && qt_missing; then
    apt_install libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
        libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
        libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 fonts-dejavu-core \
        || say "Qt may not start: some of its system libraries are missing"
fi

# Only for the tests (scripts/test.sh sets IDTOOL_SETUP_TESTS): a bundle's payload is decrypted
# with the stock age command; that test skips with a reason when it cannot be had.
if [ "${IDTOOL_SETUP_TESTS:-}" = 1 ] && ! command -v age >/dev/null 2>&1; then
    apt_install age || say "age is missing: the age command-line test will be skipped"
fi
