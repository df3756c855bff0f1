#!/usr/bin/env bash
# Smoke test of the built one-folder program (packaging/build.sh first):
#   - the Qt platform plugins xcb and offscreen are in the folder, and no translation sources;
#   - the user guide (docs/guide: ky, ru, en and their pictures) is in the folder;
#   - `idtool --version` prints the version of the source tree;
#   - `idtool self-check` passes (real key derivation, as officers get it);
#   - `idtool-gui --self-check` passes offscreen, and on X11 under Xvfb when xvfb-run exists;
#   - nothing was written to the data folder and no temporary folder is left behind.
# It runs from a fresh temporary folder outside the source tree, with PYTHONPATH unset and the
# data, configuration and temporary folders pointed into it, and removes it afterwards.
#
#   packaging/smoke.sh [DIST_FOLDER]      (default: packaging/dist/idtool)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dist=$(cd "${1:-$src/packaging/dist/idtool}" && pwd)

say() { printf '[smoke] %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

for program in idtool idtool-gui; do
    [ -x "$dist/$program" ] || fail "$dist/$program is missing: run packaging/build.sh first"
done
for plugin in libqxcb.so libqoffscreen.so; do
    [ -f "$dist/_internal/PySide6/Qt/plugins/platforms/$plugin" ] \
        || fail "Qt platform plugin $plugin is not in the build"
done
for lang in ky ru en; do  # Help > User guide reads them offline
    [ -f "$dist/_internal/docs/guide/$lang.md" ] && [ -d "$dist/_internal/docs/guide/img/$lang" ] \
        || fail "the user guide in $lang is not in the build"
done
if find "$dist" -name '*.po' -o -name '_pending' | grep -q .; then
    fail "translation sources (.po, _pending) were shipped"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/idtool-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/config" "$work/tmp" "$work/cwd"
cd "$work/cwd"  # nothing of the source tree can be picked up from here
unset PYTHONPATH PYTHONHOME IDTOOL_KDF IDTOOL_PASSPHRASE IDTOOL_OFFICER QT_PLUGIN_PATH
export IDTOOL_DATA="$work/data" IDTOOL_CONFIG="$work/config" TMPDIR="$work/tmp"

run() {
    say "\$ $*"
    local start=$SECONDS status=0
    "$@" || status=$?
    say "exit status $status in $((SECONDS - start))s"
    return "$status"
}

expected="idtool $(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$src/idtool/__init__.py")"
got=$(run "$dist/idtool" --version) || fail "idtool --version"
echo "$got"
[ "$got" = "$expected" ] || fail "idtool --version printed '$got', expected '$expected'"

run "$dist/idtool" self-check || fail "idtool self-check"
QT_QPA_PLATFORM=offscreen run "$dist/idtool-gui" --self-check \
    || fail "idtool-gui --self-check (offscreen)"
if command -v xvfb-run >/dev/null 2>&1; then
    QT_QPA_PLATFORM=xcb run xvfb-run -a "$dist/idtool-gui" --self-check \
        || fail "idtool-gui --self-check (xcb, under Xvfb)"
else
    say "xvfb-run not found: the X11 (xcb) run is skipped"
fi

[ -z "$(ls -A "$work/data")" ] || fail "something was written to the data folder"
[ -z "$(ls -A "$work/tmp" | grep -v '^xvfb-run\.')" ] \
    || fail "temporary files were left behind: $(ls -A "$work/tmp")"
say "all passed"
