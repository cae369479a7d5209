#!/usr/bin/env bash
# The window's cost with a big class: runs the real window under Xvfb (1600x1000) with N generated
# users for S seconds (--quit-after), samples its CPU (share of one core, from /proc utime+stime) and
# resident memory once a second after a warm-up, and prints the means and maxima with the run's summary.
# Usage: bench/window_footprint.sh [users, default 2000] [seconds, default 40] [preset, default round-robin-basics]
# Env: LBLAB_BIN (default build/app/lblab), WARMUP (seconds not judged, default 10), SHOT (a PNG to write).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${1:-2000}"
SECONDS_RUN="${2:-40}"
PRESET="${3:-round-robin-basics}"
WARMUP="${WARMUP:-10}"
BIN="${LBLAB_BIN:-$ROOT/build/app/lblab}"
[ -x "$BIN" ] || { echo "window_footprint: $BIN not built (cmake --build build --target lblab)" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "window_footprint: needs xvfb-run (apt-get install xvfb xauth)" >&2; exit 2; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export XDG_CONFIG_HOME="$OUT/config" # a fresh layout: the default one a new user gets
shot=()
[ -n "${SHOT:-}" ] && shot=(--screenshot "$SHOT")
xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --preset "$PRESET" --clients "$USERS" --quit-after "$SECONDS_RUN" \
  --json "${shot[@]}" >"$OUT/summary.json" 2>"$OUT/stderr" &
RUNNER=$!
PID=""
for _ in $(seq 1 100); do
  PID=$(pgrep -n -f "^$BIN --preset $PRESET --clients $USERS" || true)
  [ -n "$PID" ] && break
  sleep 0.1
done
[ -n "$PID" ] || { echo "window_footprint: the window did not start" >&2; cat "$OUT/stderr" >&2; exit 1; }
hz=$(getconf CLK_TCK)
echo "t_s cpu_pct rss_kib"
prev_ticks=""; prev_t=""
start=$(date +%s.%N)
while kill -0 "$PID" 2>/dev/null; do
  ticks=$(awk '{ print $14 + $15 }' "/proc/$PID/stat" 2>/dev/null || true)
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status" 2>/dev/null || true)
  now=$(date +%s.%N)
  if [ -n "$ticks" ] && [ -n "$prev_ticks" ]; then
    awk -v t="$now" -v s="$start" -v dt="$(awk -v a="$now" -v b="$prev_t" 'BEGIN{print a-b}')" \
        -v d="$((ticks - prev_ticks))" -v hz="$hz" -v rss="$rss" \
        'BEGIN { printf "%.0f %.1f %s\n", t - s, 100 * d / hz / dt, rss }' | tee -a "$OUT/samples"
  fi
  prev_ticks="$ticks"; prev_t="$now"
  sleep 1
done
wait "$RUNNER" || { echo "window_footprint: the run failed" >&2; cat "$OUT/stderr" >&2; exit 1; }
awk -v w="$WARMUP" -v users="$USERS" '$1 >= w { n++; cpu += $2; rss += $3; if ($2 > mc) mc = $2; if ($3 > mr) mr = $3 }
  END { if (n == 0) { print "window_footprint: run too short for the warm-up" > "/dev/stderr"; exit 1 }
        printf "window with %s users: CPU mean %.0f %% (max %.0f %%) of one core, RSS mean %.0f MiB (max %.0f MiB)\n",
               users, cpu / n, mc, rss / n / 1024, mr / 1024 }' "$OUT/samples"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("summary: users %s, %s requests, %s errors, %.1f s" % (j.get("users"), j["requests"], j["errors"], j["duration_s"]))' "$OUT/summary.json"
