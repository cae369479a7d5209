#!/usr/bin/env bash
# CI smoke of the performance harness: every benchmark runs for seconds, no speed assertions.
# Needs a build with -DLBLAB_BUILD_BENCH=ON in $LBLAB_BUILD_DIR (default build/).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export LBLAB_BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
for bench in policy_bench pin_table_bench proxy_alloc_bench http_write_bench; do
    exe=$LBLAB_BUILD_DIR/bench/$bench
    [[ -x $exe ]] || { echo "smoke: $exe is missing (configure with -DLBLAB_BUILD_BENCH=ON)" >&2; exit 1; }
    echo "== $bench"
    timeout 300 "$exe" --benchmark_min_time=0.01
done
if [[ -x $LBLAB_BUILD_DIR/bench/map_paint_bench ]]; then # built with the window (LBLAB_BUILD_UI)
    echo "== map_paint_bench"
    QT_QPA_PLATFORM=offscreen timeout 300 "$LBLAB_BUILD_DIR/bench/map_paint_bench" --benchmark_min_time=0.01
fi
echo "== proxy_compare --smoke"
timeout 600 "$HERE/proxy_compare.sh" --smoke
echo "== engine_log_rate --smoke"
timeout 300 "$HERE/engine_log_rate.sh" --smoke
echo "== lab_throughput --smoke"
timeout 300 "$HERE/lab_throughput.sh" --smoke
echo "== session_store_latency --smoke"
timeout 300 "$HERE/session_store_latency.sh" --smoke
echo "== connection_footprint --smoke"
timeout 300 "$HERE/connection_footprint.sh" --smoke
echo "smoke: ok"
