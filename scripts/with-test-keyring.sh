#!/usr/bin/env bash
# Runs a command with a private, unlocked Secret Service (gnome-keyring in its own D-Bus session,
# where tests/notify.rs also serves a stand-in notification daemon
# and a throwaway HOME), so keyring tests never touch a real user's keyring.
# Needs: dbus gnome-keyring (Debian). Usage: scripts/with-test-keyring.sh CMD...
set -euo pipefail
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/run" && chmod 700 "$home/run"
export CUEDESK_REAL_HOME="$HOME"
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" \
  CARGO_HOME="${CARGO_HOME:-$CUEDESK_REAL_HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$CUEDESK_REAL_HOME/.rustup}" \
  dbus-run-session -- bash -c '
    eval "$(printf "test" | gnome-keyring-daemon --unlock --components=secrets)"
    export CUEDESK_TEST_SECRET_SERVICE=1 CUEDESK_TEST_SESSION_BUS=1
    "$@"
  ' bash "$@"
