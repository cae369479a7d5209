#!/usr/bin/env bash
# Every preset on one seeded workload, balanced by the builtin proxy, by a real HAProxy and (where
# NGINX open source has the policy) by a real NGINX: the outcome columns side by side, as a Markdown
# table (README.md, "Engines compared").
#
#   bench/engine_presets.sh [--seed N] [--presets "a b c"] [--duration S]
#
# Each run: lblab --headless --json --preset P --engine E --seed N (the preset's own duration, at
# least 20 s for server-failure so the killed server comes back). Build dir: $LBLAB_BUILD_DIR or build/.
set -euo pipefail
SEED=7 PRESETS="" DURATION=""
while (($#)); do
    case $1 in
    --seed) SEED=$2; shift ;;
    --presets) PRESETS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    *) echo "engine_presets: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
LBLAB=${LBLAB_BUILD_DIR:-$HERE/../build}/app/lblab
[[ -x $LBLAB ]] || { echo "engine_presets: no lblab binary at $LBLAB" >&2; exit 1; }
[[ -n $PRESETS ]] || PRESETS=$("$LBLAB" --list-presets | awk 'NR % 2 == 1 { print $1 }')
TMP=$(mktemp -d /tmp/engine_presets.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

echo "| preset | policy | engine | requests | errors | session misses | IP changes | affinity breaks | re-pins | remapped clients | Jain | max/mean |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for preset in $PRESETS; do
    duration=()
    [[ -n $DURATION ]] && duration=(--duration "$DURATION")
    [[ -z $DURATION && $preset == server-failure ]] && duration=(--duration 20)
    for engine in builtin haproxy nginx; do
        if ! "$LBLAB" --headless --json --preset "$preset" --engine "$engine" --seed "$SEED" "${duration[@]}" \
            >"$TMP/run.json" 2>"$TMP/run.err"; then
            grep -q "cannot run policy" "$TMP/run.err" && continue # NGINX open source lacks the policy
            echo "engine_presets: $preset on $engine failed: $(cat "$TMP/run.err")" >&2
            continue
        fi
        python3 - "$TMP/run.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sess = s["sessions"]
miss = f'{sess["misses"]} ({100 * sess["miss_rate"]:.1f} %)' if sess["requests"] else "-"
print(f'| {s["preset"]} | {s["policy"]} | {s["engine"]} | {s["requests"]} | {s["errors"]} | {miss} | '
      f'{s["ip_changes"]} | {s["affinity_breaks"]} | {s["repins"]} | {s["remapped_clients"]} | '
      f'{s["fairness"]["jain"]:.3f} | {s["fairness"]["max_over_mean"]:.2f} |')
PY
    done
done
