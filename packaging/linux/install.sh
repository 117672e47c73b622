#!/bin/sh
# Installs CueDesk from this folder for one user (default ~/.local), or system-wide with
# PREFIX=/usr/local (as root). `./install.sh --uninstall` removes what it installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
files="bin/cuedesk share/applications/cuedesk.desktop share/metainfo/io.github.cuedesk.cuedesk.metainfo.xml"
for size in 16 32 48 64 128 256 512; do
  files="$files share/icons/hicolor/${size}x${size}/apps/cuedesk.png"
done
if [ "${1:-}" = "--uninstall" ]; then
  for f in $files; do rm -f "$prefix/$f"; done
  echo "Removed CueDesk from $prefix"
  exit 0
fi
for f in $files; do
  mkdir -p "$(dirname "$prefix/$f")"
  cp "$here/$f" "$prefix/$f"
done
chmod 755 "$prefix/bin/cuedesk"
# The menu entry runs this copy, wherever PATH points.
sed -i "s|^Exec=cuedesk|Exec=$prefix/bin/cuedesk|" "$prefix/share/applications/cuedesk.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "Installed CueDesk in $prefix (run $prefix/bin/cuedesk, or find it in the applications menu)"
