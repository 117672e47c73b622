#!/usr/bin/env bash
# The whole test suite. Where D-Bus and gnome-keyring are installed it runs inside a private,
# unlocked test keyring (never the user's own), so the real Secret Service test runs too.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec scripts/with-test-keyring.sh cargo test --locked "$@"
fi
echo "note: dbus-run-session or gnome-keyring-daemon missing: the real keyring test is skipped (apt-get install dbus gnome-keyring)" >&2
exec cargo test --locked "$@"
