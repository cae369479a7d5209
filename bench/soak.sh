#!/usr/bin/env bash
# Soak: runs the headless lab for N minutes at a fixed rate, samples its resident memory and open
# descriptors from /proc every few seconds, prints the samples, and fails if either keeps growing.
# Usage: bench/soak.sh [minutes, default 1] [rate, default 2500 req/s]
# Env: LBLAB_BIN (default build/app/lblab), SOAK_INTERVAL (seconds between samples, default 5),
#      SOAK_PRESET (default round-robin-basics), SOAK_WARMUP (seconds, default below).
# Warm-up: the capture keeps its newest 100000 events in memory and spills older ones to a file, so
# memory rightly grows until that window has filled and spilled once: RSS samples before
# max(run/6, 2 * 100000/rate + 10 s) are only printed (descriptors are judged after run/6). A run too
# short for that (the default minute at 2500 req/s) judges descriptors only and says so; use >= 3 min.
# Verdict on the rest: RSS fails if the last third's mean exceeds
# the first third's mean by more than 10%; descriptors fail if the last third's maximum exceeds the
# first third's maximum by more than 8 (a few pooled sockets come and go; a leak keeps climbing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINUTES="${1:-1}"
RATE="${2:-2500}"
INTERVAL="${SOAK_INTERVAL:-5}"
BIN="${LBLAB_BIN:-$ROOT/build/app/lblab}"
PRESET="${SOAK_PRESET:-round-robin-basics}"
[ -x "$BIN" ] || { echo "soak: $BIN not built (cmake --build build --target lblab)" >&2; exit 2; }

DURATION=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
WARMUP="${SOAK_WARMUP:-$(awk -v d="$DURATION" -v r="$RATE" 'BEGIN { w = 2 * 100000 / r + 10; if (d / 6 > w) w = d / 6; printf "%d", w }')}"
echo "soak: ${MINUTES} min at ${RATE} req/s, sampling every ${INTERVAL}s, verdict after ${WARMUP}s of warm-up"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"; [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true' EXIT
"$BIN" --headless --preset "$PRESET" --rate "$RATE" --duration "$DURATION" --json >"$OUT/summary.json" 2>"$OUT/stderr" &
PID=$!

SAMPLES="$OUT/samples"
echo "t_s rss_kib fds" | tee "$SAMPLES.txt"
start=$(date +%s)
while kill -0 "$PID" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status" 2>/dev/null || true)
  fds=$(ls "/proc/$PID/fd" 2>/dev/null | wc -l || true)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start )) $rss $fds" | tee -a "$SAMPLES.txt"
  sleep "$INTERVAL"
done
status=0
wait "$PID" || status=$?
if [ "$status" -ne 0 ]; then
  echo "soak: lblab exited with $status" >&2
  cat "$OUT/stderr" >&2
  exit 1
fi
requests=$(grep -o '"requests": *[0-9]*' "$OUT/summary.json" | head -1 | tr -dc 0-9)
echo "requests: ${requests:-?} in ${DURATION}s"

awk -v warm="$WARMUP" -v dur="$DURATION" '
  NR > 1 && $1 >= dur / 6 { f[nf++] = $3 }
  NR > 1 && $1 >= warm { r[nr++] = $2 }
  END {
    bad = 0
    if (nf < 6) { print "soak: FAIL too few samples (" nf ") to judge; run longer"; exit 1 }
    third = int(nf / 3)
    for (i = 0; i < third; i++) if (f[i] > f1) f1 = f[i]
    for (i = nf - third; i < nf; i++) if (f[i] > f3) f3 = f[i]
    printf "fds: first third max %d, last third max %d\n", f1, f3
    if (f3 > f1 + 8) { print "soak: FAIL open descriptors keep growing"; bad = 1 }
    if (nr < 6) {
      print "soak: rss NOT JUDGED: too few samples after the " warm " s warm-up (run at least 3 minutes)"
    } else {
      third = int(nr / 3)
      for (i = 0; i < third; i++) r1 += r[i]
      for (i = nr - third; i < nr; i++) r3 += r[i]
      r1 /= third; r3 /= third
      growth = (r3 - r1) / r1 * 100
      printf "rss: first third mean %.0f KiB, last third mean %.0f KiB (%+.1f%%)\n", r1, r3, growth
      if (growth > 10) { print "soak: FAIL resident memory keeps growing"; bad = 1 }
    }
    if (!bad) print "soak: OK"
    exit bad
  }' "$SAMPLES.txt"
