#!/usr/bin/env bash
# Runs `cuedesk --demo` in a real window under Xvfb (Mesa's software GL) and writes a PNG.
# Needs: xvfb xauth imagemagick libgl1-mesa-dri (Debian). Usage: scripts/screenshot.sh [out.png] [seconds]
# CUEDESK_ARGS adds arguments, e.g. CUEDESK_ARGS='--view farm'.
set -euo pipefail
out="${1:-cuedesk-demo.png}"
wait_secs="${2:-6}"
bin="${CUEDESK_BIN:-target/release/cuedesk}"
[ -x "$bin" ] || cargo build --release
display=":${CUEDESK_DISPLAY:-97}"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$app" "$xvfb" 2>/dev/null || true' EXIT
sleep 1
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 "$bin" --demo ${CUEDESK_ARGS:-} &
app=$!
sleep "$wait_secs"
DISPLAY="$display" import -window root "$out"
echo "wrote $out"
