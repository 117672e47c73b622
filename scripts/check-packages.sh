#!/usr/bin/env bash
# Builds the Linux packages and proves them on this machine (CI runs it as root):
# - the .deb installs with dpkg -i (missing dependencies from apt), /usr/bin/cuedesk --version
#   names the commit built, and the desktop file and AppStream metainfo validate;
# - the .tar.gz installs into a temporary HOME with its install.sh, and that binary opens the
#   demo farm in a window under Xvfb (software GL) and draws its first frame.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${app:-}" "${xvfb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v cargo-deb >/dev/null 2>&1 || cargo install --locked cargo-deb
scripts/package.sh "$work/dist"
ls -l "$work/dist"

echo "== .deb"
deb=$(ls "$work"/dist/*.deb)
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
# dpkg -i installs this very file, even over the same version; apt then brings its
# dependencies if some are missing.
if ! dpkg -i "$deb"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq --no-install-recommends
fi
dpkg -s cuedesk | grep -q "^Status: install ok installed"
/usr/bin/cuedesk --version
/usr/bin/cuedesk --version | grep -q "commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
desktop-file-validate /usr/share/applications/cuedesk.desktop
appstreamcli validate --no-net /usr/share/metainfo/io.github.cuedesk.cuedesk.metainfo.xml
test -s /usr/share/icons/hicolor/256x256/apps/cuedesk.png

echo "== .tar.gz into a temporary HOME"
mkdir -p "$work/home"
tar -C "$work" -xzf "$(ls "$work"/dist/*.tar.gz)"
HOME="$work/home" "$work"/cuedesk-*-linux-*/install.sh
bin="$work/home/.local/bin/cuedesk"
grep -q "^Exec=$bin" "$work/home/.local/share/applications/cuedesk.desktop"
"$bin" --version

echo "== the installed binary opens the demo farm under Xvfb"
display=":${CUEDESK_DISPLAY:-93}"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
  "$bin" --demo >"$work/demo.log" 2>&1 &
app=$!
for _ in $(seq 1 100); do
  grep -q "first frame drawn" "$work/demo.log" && break
  kill -0 "$app" 2>/dev/null || break
  sleep 0.2
done
cat "$work/demo.log"
grep -q "first frame drawn" "$work/demo.log"
kill -0 "$app"
echo "package checks passed"
