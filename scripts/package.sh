#!/usr/bin/env bash
# Builds every package this OS can build, into dist/ (or $1):
#   Linux:   cuedesk_<version>_<arch>.deb (cargo-deb) and cuedesk-<version>-linux-<arch>.tar.gz
#            (binary, desktop entry, metainfo, icons, install.sh for ~/.local)
#   macOS:   CueDesk.app and a .dmg (packaging/macos/make-app.sh)
#   Windows: the MSI and a portable .zip (packaging/windows/package.ps1)
# The binary is built with the `dist` profile (fat LTO, one codegen unit, stripped).
# Needs cargo-deb on Linux: cargo install --locked cargo-deb
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
mkdir -p "$out"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target_dir="${CARGO_TARGET_DIR:-target}"

case "$(uname -s)" in
  Linux)
    cargo build --profile dist --locked
    bin="$target_dir/dist/cuedesk"
    arch=$(uname -m)
    # Portable archive: the same files as the .deb, laid out under a prefix.
    stage=$(mktemp -d)/cuedesk-$version-linux-$arch
    mkdir -p "$stage/bin" "$stage/share/applications" "$stage/share/metainfo"
    cp "$bin" "$stage/bin/cuedesk"
    cp packaging/linux/cuedesk.desktop "$stage/share/applications/"
    cp packaging/linux/io.github.cuedesk.cuedesk.metainfo.xml "$stage/share/metainfo/"
    cp -r packaging/linux/icons "$stage/share/"
    cp packaging/linux/install.sh README.md BENCHMARKS.md "$stage/"
    tar -C "$(dirname "$stage")" -czf "$out/cuedesk-$version-linux-$arch.tar.gz" "$(basename "$stage")"
    # Debian package from the binary just built (cargo-deb maps target/release to the profile).
    cargo deb --profile dist --no-build --locked --output "$out/"
    ls -l "$out"
    ;;
  Darwin)
    packaging/macos/make-app.sh "$out"
    ;;
  MINGW*|MSYS*|CYGWIN*)
    powershell -ExecutionPolicy Bypass -File packaging/windows/package.ps1
    ;;
  *)
    echo "package.sh: no packages for $(uname -s)" >&2
    exit 1
    ;;
esac
