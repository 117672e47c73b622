#!/usr/bin/env bash
# Builds CueDesk.app and a .dmg on macOS: a universal binary (arm64 + x86_64, joined with
# lipo), Info.plist, an .icns made from the PNG icons with iconutil. Needs Xcode's command line
# tools and both Rust targets (rustup target add aarch64-apple-darwin x86_64-apple-darwin).
# Usage: packaging/macos/make-app.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-dist}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target_dir="${CARGO_TARGET_DIR:-target}"
for t in aarch64-apple-darwin x86_64-apple-darwin; do
  cargo build --profile dist --locked --target "$t"
done
app="$out/CueDesk.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
lipo -create -output "$app/Contents/MacOS/cuedesk" \
  "$target_dir/aarch64-apple-darwin/dist/cuedesk" "$target_dir/x86_64-apple-darwin/dist/cuedesk"
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist > "$app/Contents/Info.plist"
iconset=$(mktemp -d)/cuedesk.iconset
mkdir -p "$iconset"
icons=packaging/linux/icons/hicolor
for s in 16 32 128 256 512; do
  cp "$icons/${s}x${s}/apps/cuedesk.png" "$iconset/icon_${s}x${s}.png"
done
cp "$icons/32x32/apps/cuedesk.png" "$iconset/icon_16x16@2x.png"
cp "$icons/64x64/apps/cuedesk.png" "$iconset/icon_32x32@2x.png"
cp "$icons/256x256/apps/cuedesk.png" "$iconset/icon_128x128@2x.png"
cp "$icons/512x512/apps/cuedesk.png" "$iconset/icon_256x256@2x.png"
iconutil -c icns "$iconset" -o "$app/Contents/Resources/cuedesk.icns"
# Ad-hoc signature so Gatekeeper lets a locally built bundle start; a studio signs with its own.
codesign --force --deep --sign - "$app"
dmg="$out/CueDesk-$version-macos-universal.dmg"
rm -f "$dmg"
hdiutil create -volname CueDesk -srcfolder "$app" -ov -format UDZO "$dmg"
echo "wrote $app and $dmg"
