#!/usr/bin/env bash
# What CueDesk costs while nobody touches it, against a big show on a slow gateway.
#
# Starts `cuedesk sim` (one show of JOBS pending jobs, every answer LATENCY_MS late, one JSON line
# per request in its --log), runs the release app under Xvfb with Mesa's software GL and a fresh
# HOME, and prints:
#   - launch -> rows: the app's own "rows shown N ms after start" log line;
#   - CPU seconds the app used over an idle minute (utime+stime from /proc), focused, then with
#     the focus taken away (the background refresh);
#   - requests and MB the gateway answered in each of those minutes (from the simulator's log);
#   - the app's RSS after the idle minutes, and its peak;
#   - a second start's launch -> rows, from the view cached on disk by the first.
#
# Usage: scripts/measure-idle.sh [BINARY]      (default: target/release/cuedesk, built if absent)
# Environment: JOBS (5000), LATENCY_MS (3000), IDLE_SECS (60), SIZE (1600x1000), DISPLAY_NUM (97),
# VIEW (jobs: the show of JOBS; or mine), AS_USER (the profile's user, whose jobs are watched:
# $USER; the farm's artists are jdoe, asmith, mchen…).
# Needs: Xvfb, xdotool, Mesa (libgl1-mesa-dri), python3.
set -euo pipefail

cd "$(dirname "$0")/.."
JOBS=${JOBS:-5000}
LATENCY_MS=${LATENCY_MS:-3000}
IDLE_SECS=${IDLE_SECS:-60}
SIZE=${SIZE:-1600x1000}
DISPLAY_NUM=${DISPLAY_NUM:-97}
VIEW=${VIEW:-jobs}
AS_USER=${AS_USER:-${USER:-$(id -un)}}
target_dir=${CARGO_TARGET_DIR:-target}
BIN=${1:-$target_dir/release/cuedesk}
if [[ ! -x $BIN ]]; then
    cargo build --release --locked
fi

work=$(mktemp -d /tmp/cuedesk-measure.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

secret=measure-secret-0123456789abcdef
port=$((18600 + RANDOM % 300))
"$BIN" sim --port "$port" --secret "$secret" --seed 1 --shows 1 --jobs "$JOBS" \
    --frames-per-job 20 --hosts 200 --no-logs --faults "latency=$LATENCY_MS-$LATENCY_MS" \
    --log "$work/requests.jsonl" >"$work/sim.out" 2>"$work/sim.log" &
pids+=($!)
for _ in $(seq 1 600); do
    grep -q "listening" "$work/sim.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "listening" "$work/sim.log" || { echo "the simulator did not start:"; cat "$work/sim.log"; exit 1; }

Xvfb ":$DISPLAY_NUM" -screen 0 "${SIZE}x24" -nolisten tcp 2>/dev/null &
pids+=($!)
export DISPLAY=":$DISPLAY_NUM"
for _ in $(seq 1 100); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
requests_lines() { wc -l <"$work/requests.jsonl"; }
# Requests and MB answered in the log's lines after line $1.
traffic_since() {
    tail -n "+$(($1 + 1))" "$work/requests.jsonl" | python3 -c '
import json, sys
n = 0; out = 0
for line in sys.stdin:
    r = json.loads(line); n += 1; out += r.get("bytes_out") or 0
print(f"{n} requests, {out / 1e6:.1f} MB")'
}

# Starts the app with a fresh (or the given) HOME; waits for its rows. Prints launch -> rows.
start_app() {
    local home=$1 log=$2
    HOME=$home XDG_CONFIG_HOME=$home/.config XDG_CACHE_HOME=$home/.cache \
        XDG_DATA_HOME=$home/.local/share LIBGL_ALWAYS_SOFTWARE=1 RUST_LOG=info \
        OPENCUE_REST_GATEWAY_URL="http://127.0.0.1:$port" JWT_SECRET=$secret USER=$AS_USER \
        "$BIN" --view "$VIEW" 2>"$log" &
    app=$!
    pids+=("$app")
    for _ in $(seq 1 600); do
        grep -q "rows shown" "$log" && break
        sleep 0.1
    done
    grep -o "rows shown .*" "$log" || { echo "no rows within 60 s:"; tail -5 "$log"; exit 1; }
}

# CPU and traffic of the app over IDLE_SECS from now.
idle_minute() {
    local before_cpu before_req after_cpu
    before_cpu=$(cpu_ticks "$app")
    before_req=$(requests_lines)
    sleep "$IDLE_SECS"
    after_cpu=$(cpu_ticks "$app")
    printf '  CPU %s s in %s s; gateway: %s\n' \
        "$(awk -v t=$((after_cpu - before_cpu)) -v h="$ticks" 'BEGIN{printf "%.2f", t/h}')" \
        "$IDLE_SECS" "$(traffic_since "$before_req")"
}

rss() {
    awk '/VmRSS|VmHWM/ {printf "%s %.0f MB  ", $1, $2/1024}' "/proc/$1/status"
    echo
}

echo "CueDesk $("$BIN" --version | awk '{print $2}'): $JOBS jobs in one show, every answer ${LATENCY_MS} ms late, ${SIZE} under Xvfb, software GL, view $VIEW as $AS_USER"
home=$work/home
mkdir -p "$home"
echo "first start (empty cache):"
start_app "$home" "$work/app1.log"
window=$(xdotool search --sync --pid "$app" --name CueDesk | head -1)
# The first answer lands and the window settles before the idle minute starts.
sleep $((LATENCY_MS / 1000 + 5))
xdotool windowfocus --sync "$window" 2>/dev/null || true
echo "idle minute, window focused:"
idle_minute
# Take the focus away: a focused window of its own, covering nothing (no window manager here).
xdotool windowfocus "$(xwininfo -root | awk '/Window id/ {print $4}')" 2>/dev/null || true
sleep 2
echo "idle minute, window in the background:"
idle_minute
echo -n "  "
rss "$app"
kill "$app"
wait "$app" 2>/dev/null || true
echo "second start (the view cached by the first):"
start_app "$home" "$work/app2.log"
kill "$app"
