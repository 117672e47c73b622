#!/usr/bin/env bash
# The whole test suite. Where D-Bus and gnome-keyring are installed it runs inside a private,
# unlocked test keyring (never the user's own), so the real Secret Service test runs too.
#
# Against a real gateway (CUEDESK_TEST_GATEWAY_URL and CUEDESK_TEST_JWT_SECRET set), the tests
# that need the simulator or change the farm are ignored; the end of the run counts and lists
# them.
set -euo pipefail
cd "$(dirname "$0")/.."
run=(cargo test --locked "$@")
if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  run=(scripts/with-test-keyring.sh "${run[@]}")
else
  echo "note: dbus-run-session or gnome-keyring-daemon missing: the real keyring test is skipped (apt-get install dbus gnome-keyring)" >&2
fi
if [ -z "${CUEDESK_TEST_GATEWAY_URL:-}" ]; then
  exec "${run[@]}"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
"${run[@]}" 2>&1 | tee "$log" || status=$?
echo
echo "== against $CUEDESK_TEST_GATEWAY_URL"
ran=$(grep -E '^test result:' "$log" | awk '{p+=$4; f+=$6} END {print p+0, f+0}')
echo "ran: $(echo "$ran" | cut -d' ' -f1) passed, $(echo "$ran" | cut -d' ' -f2) failed"
skipped=$(grep -E '^test .* \.\.\. ignored, ' "$log" || true)
echo "skipped as simulator-only or farm-changing: $(printf '%s' "$skipped" | grep -c . || true)"
printf '%s\n' "$skipped" | sed -E 's/^test (.*) \.\.\. ignored, (.*)$/  \1 (\2)/' | sort
exit "$status"
