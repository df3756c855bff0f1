#!/usr/bin/env bash
# Builds the Linux one-folder program: packaging/dist/idtool/ with `idtool` (command line) and
# `idtool-gui` (desktop) inside. Work files go to packaging/build/. Sets up .venv first if
# needed (scripts/setup.sh installs PyInstaller with the dev tools).
#
#   packaging/build.sh            build (PyInstaller reuses its cache in packaging/build/)
#   packaging/build.sh --clean    remove packaging/build and packaging/dist first
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[build] %s\n' "$*" >&2; }

if [ "${1:-}" = --clean ]; then
    rm -rf packaging/build packaging/dist
fi

bash scripts/setup.sh
if ! .venv/bin/python -c 'import PyInstaller' 2>/dev/null; then
    say "installing PyInstaller into .venv"
    .venv/bin/python -m pip install -q "pyinstaller>=6.10"
fi

version=$(.venv/bin/python -c 'import idtool; print(idtool.__version__)')
say "building idtool $version for $(uname -s) $(uname -m)"
start=$(date +%s)
# The source folders must not leak into the build's import path from the environment.
env -u PYTHONPATH .venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
    --distpath packaging/dist --workpath packaging/build packaging/idtool.spec
took=$(( $(date +%s) - start ))

out=packaging/dist/idtool
for program in idtool idtool-gui; do
    [ -x "$out/$program" ] || { say "missing: $out/$program"; exit 1; }
done
say "built in ${took}s: $(cd "$out" && pwd)"
say "size: $(du -sh "$out" | cut -f1) ($(find "$out" -type f | wc -l) files)"
say "programs: $out/idtool, $out/idtool-gui"
