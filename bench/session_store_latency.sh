#!/usr/bin/env bash
# What a session store adds to each request: the same logged-in users at 2,000 req/s (seeded), with
# sessions kept on each server (local, under source-ip-affinity so nothing misses), in one real Redis
# (shared, round robin) and in HMAC-signed cookies (client, round robin). Prints a Markdown table:
# the end-to-end p50/p99 of the requests that touch a session (logins and account pages, from
# events.csv), their difference to local, and the store's own added time per call (run.json "store").
#
#   bench/session_store_latency.sh [--rate R] [--duration S] [--seed N] [--smoke]
#
# Build dir: $LBLAB_BUILD_DIR or build/. Loopback only; each run ends by itself.
set -euo pipefail
RATE=2000 DURATION=10 SEED=7
while (($#)); do
    case $1 in
    --rate) RATE=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --smoke) RATE=300 DURATION=2 ;;
    *) echo "session_store_latency: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
LBLAB=${LBLAB_BUILD_DIR:-$HERE/../build}/app/lblab
[[ -x $LBLAB ]] || { echo "session_store_latency: no lblab binary at $LBLAB" >&2; exit 1; }
TMP=$(mktemp -d /tmp/session_store_latency.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

run() { # store policy
    "$LBLAB" --headless --json --preset login-round-robin --session-store "$1" --policy "$2" --rate "$RATE" \
        --duration "$DURATION" --seed "$SEED" --export "$TMP/$1" >"$TMP/$1.json" 2>"$TMP/$1.err" || {
        echo "session_store_latency: the $1 run failed: $(cat "$TMP/$1.err")" >&2
        exit 1
    }
}
run local source-ip-affinity
run shared round-robin
run client round-robin

python3 - "$TMP" "$RATE" "$DURATION" <<'PY'
import csv, json, sys
tmp, rate, duration = sys.argv[1], sys.argv[2], sys.argv[3]

def percentiles(store):
    values = []
    with open(f"{tmp}/{store}/events.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["session"] in ("created", "hit", "miss", "invalid", "unavailable"):
                values.append(int(row["latency_us"]))
    values.sort()
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] if values else 0
    return len(values), pick(0.5), pick(0.99)

rows = {}
for store in ("local", "shared", "client"):
    summary = json.load(open(f"{tmp}/{store}.json"))
    n, p50, p99 = percentiles(store)
    rows[store] = (summary, n, p50, p99)

print(f"Logged-in users at {rate} req/s for {duration} s (seeded), builtin balancer; times in microseconds.")
print()
print("| store | policy | requests | session requests | misses | end-to-end p50 | p99 | p50 - local | p99 - local | store call p50 | store call p99 | cookie bytes |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
base = rows["local"]
for store, (s, n, p50, p99) in rows.items():
    st = s["store"]
    print(f"| {store} | {s['policy']} | {s['requests']} | {n} | {s['sessions']['misses']} | {p50} | {p99} | "
          f"{p50 - base[2]:+d} | {p99 - base[3]:+d} | {st['p50_added_us'] if store != 'local' else '-'} | "
          f"{st['p99_added_us'] if store != 'local' else '-'} | "
          f"{round(st['mean_token_bytes']) if store == 'client' else '-'} |")
PY
