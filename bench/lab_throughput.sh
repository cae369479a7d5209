#!/usr/bin/env bash
# End-to-end, in-process: the most requests/s the whole lab (generated clients, balancer, backends,
# capture) sustains headless, and its resident memory over a longer run.
#
#   bench/lab_throughput.sh [--smoke] [--minutes M] [--clients N] [--preset P] [--max-rate R]
#                           [--memory-rate R]   (skip the ramp; memory run at R req/s)
#
# Step 1 (ramp): runs `lblab --headless --json` for STEP_S seconds at rising --rate (doubling from
#   1000, then refining between the last good and the first bad rate) and reads the summary JSON.
#   A rate is "sustained" when the lab answered >= 95 % of the requests due (rate x seconds), with
#   no errors (< 0.1 %) and no dropped capture events.
# Step 2 (memory): runs M minutes (default 1; the issue asks 10) at 80 % of the best sustained rate
#   and samples VmRSS from /proc/PID/status every 5 s; prints first (after 10 s warm-up), last, max
#   and growth = last / first - 1.
# Build dir: $LBLAB_BUILD_DIR or build/. Every process started here is stopped on exit.
set -euo pipefail

MINUTES=1 CLIENTS=200 PRESET=round-robin-basics STEP_S=5 MAX_RATE=160000 SMOKE=0 MEM_RATE=0
while (($#)); do
    case $1 in
    --smoke) SMOKE=1 STEP_S=1 MINUTES=0.25 MAX_RATE=2000 ;;
    --minutes) MINUTES=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --preset) PRESET=$2; shift ;;
    --max-rate) MAX_RATE=$2; shift ;;
    --memory-rate) MEM_RATE=$2; shift ;;
    *) echo "lab_throughput: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
LBLAB=$BUILD_DIR/app/lblab
[[ -x $LBLAB ]] || { echo "lab_throughput: no lblab binary at $LBLAB (set LBLAB_BUILD_DIR)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/lab_throughput.XXXXXX)
PID=
cleanup() {
    if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One headless run at rate $1 for $2 s; prints "achieved_rps due_fraction errors dropped".
run_at() {
    local rate=$1 secs=$2 out=$TMP/run.json
    timeout $((${secs%.*} + 60)) "$LBLAB" --headless --json --preset "$PRESET" --clients "$CLIENTS" \
        --rate "$rate" --duration "$secs" >"$out" 2>"$TMP/run.err" || true
    python3 - "$out" "$rate" "$secs" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
except Exception:
    print("0 0 1 1"); sys.exit()
rate, secs = float(sys.argv[2]), float(sys.argv[3])
req, dur = s["requests"], s["duration_s"] or secs
print(f'{req / dur:.0f} {req / (rate * dur):.3f} {s["errors"]} {s["capture"]["dropped_events"]}')
PY
}

ok() { # achieved fraction errors dropped requests
    awk -v f="$1" -v e="$2" -v d="$3" -v r="$4" 'BEGIN { exit !(f >= 0.95 && d == 0 && e <= 0.001 * (r > 0 ? r : 1)) }'
}

echo "# lab_throughput $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$(nproc)  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)  preset=$PRESET clients=$CLIENTS step=${STEP_S}s"
printf '%10s %10s %8s %8s %8s  %s\n' rate achieved due errors dropped verdict
best=0 bad=0 rate=1000
try_rate() {
    local a f e d
    read -r a f e d < <(run_at "$1" "$STEP_S")
    local verdict=sustained
    ok "$f" "$e" "$d" "$((a * STEP_S))" || verdict=missed
    printf '%10s %10s %8s %8s %8s  %s\n' "$1" "$a" "$f" "$e" "$d" "$verdict"
    [[ $verdict == sustained ]]
}
((MEM_RATE == 0)) || MAX_RATE=0
while ((rate <= MAX_RATE)); do
    if try_rate "$rate"; then best=$rate; rate=$((rate * 2)); else bad=$rate; break; fi
done
# Refine between the last good and the first bad rate (two bisection steps).
if ((bad > 0 && SMOKE == 0 && MEM_RATE == 0)); then
    for _ in 1 2; do
        mid=$(((best + bad) / 2))
        if try_rate "$mid"; then best=$mid; else bad=$mid; fi
    done
fi
((MEM_RATE)) || echo "# best sustained rate: $best req/s (first missed: $bad)"

# Memory over a longer run.
mem_rate=$((MEM_RATE ? MEM_RATE : best * 8 / 10)); ((mem_rate > 0)) || mem_rate=500
secs=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
"$LBLAB" --headless --json --preset "$PRESET" --clients "$CLIENTS" --rate "$mem_rate" --duration "$secs" \
    >"$TMP/mem.json" 2>"$TMP/mem.err" &
PID=$!
samples=()
start=$(date +%s)
while kill -0 "$PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$PID/status" 2>/dev/null || true)
    t=$(($(date +%s) - start))
    [[ -n $rss ]] && samples+=("$t $rss")
    sleep $((SMOKE ? 1 : 5))
done
wait "$PID" || true
PID=
printf '%s\n' "${samples[@]}" >"$TMP/rss.txt"
awk -v rate="$mem_rate" -v secs="$secs" '
    { t[NR] = $1; r[NR] = $2; if ($2 > max) max = $2 }
    END {
        first = 0; for (i = 1; i <= NR; ++i) if (t[i] >= 10 || NR < 3) { first = r[i]; ft = t[i]; break }
        last = r[NR]
        printf "# memory: %d s at %d req/s, %d samples: RSS first %d kB (t=%d s), last %d kB, max %d kB, growth %.1f %%\n",
            secs, rate, NR, first, ft, last, max, (first > 0 ? (last / first - 1) * 100 : 0)
    }' "$TMP/rss.txt"
echo "# RSS samples (s:kB): $(awk '{ printf "%s:%s ", $1, $2 }' "$TMP/rss.txt")"
python3 - "$TMP/mem.json" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
    print(f'# memory run: {s["requests"]} requests, {s["errors"]} errors, dropped events {s["capture"]["dropped_events"]}')
except Exception as e:
    print(f'# memory run: no summary ({e})')
PY
