#!/usr/bin/env bash
# The lab's sustained request rate with a real HAProxy (or NGINX) balancing, and how many of the
# engine's log lines were lost on the way into the capture at that rate.
#
#   bench/engine_log_rate.sh [--smoke] [--engine haproxy|nginx] [--seconds S] [--connections C]
#
# Starts `lblab --headless --json --engine E --clients 0` (no generated users: wrk is the only client)
# on a fixed port, drives it with wrk (keep-alive, C connections, S seconds, GET /search), then compares
# what wrk counted with what the lab recorded from the engine's log lines:
#   sustained rate = wrk's requests / S
#   lost lines     = wrk's requests - the lab's requests (never below 0; a request wrk cut off at the
#                    end may be logged by the engine but not counted by wrk, so the lab may count a
#                    few more than wrk)
# Build dir: $LBLAB_BUILD_DIR or build/. Every process started here is stopped on exit.
set -euo pipefail

ENGINE=haproxy SECONDS_RUN=10 CONNECTIONS=32 SMOKE=0
while (($#)); do
    case $1 in
    --smoke) SMOKE=1 SECONDS_RUN=2 CONNECTIONS=4 ;;
    --engine) ENGINE=$2; shift ;;
    --seconds) SECONDS_RUN=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    *) echo "engine_log_rate: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
LBLAB=$BUILD_DIR/app/lblab
[[ -x $LBLAB ]] || { echo "engine_log_rate: no lblab binary at $LBLAB (set LBLAB_BUILD_DIR)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    echo "engine_log_rate: installing wrk" >&2
    SUDO=; [[ $(id -u) == 0 ]] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get install -y --no-install-recommends wrk >&2 \
        || { echo "engine_log_rate: cannot install wrk" >&2; exit 1; }
fi

TMP=$(mktemp -d /tmp/engine_log_rate.XXXXXX)
PID=
cleanup() {
    if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LAB_SECONDS=$((SECONDS_RUN + 6))
"$LBLAB" --headless --json --engine "$ENGINE" --preset round-robin-basics --clients 0 \
    --listen "127.0.0.1:$PORT" --duration "$LAB_SECONDS" >"$TMP/run.json" 2>"$TMP/run.err" &
PID=$!
for _ in $(seq 1 200); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT/search" && break
    kill -0 "$PID" 2>/dev/null || { echo "engine_log_rate: lblab stopped: $(cat "$TMP/run.err")" >&2; exit 1; }
    sleep 0.05
done
wrk -t 1 -c "$CONNECTIONS" -d "${SECONDS_RUN}s" "http://127.0.0.1:$PORT/search" >"$TMP/wrk.txt"
wait "$PID" || { echo "engine_log_rate: lblab failed: $(cat "$TMP/run.err")" >&2; exit 1; }
PID=
python3 - "$TMP/run.json" "$TMP/wrk.txt" "$SECONDS_RUN" "$ENGINE" "$CONNECTIONS" <<'PY'
import json, re, sys
summary = json.load(open(sys.argv[1]))
wrk = open(sys.argv[2]).read()
seconds, engine, connections = float(sys.argv[3]), sys.argv[4], sys.argv[5]
m = re.search(r"(\d+) requests in", wrk)
sent = int(m.group(1)) if m else 0
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
errors = re.search(r"Socket errors: (.*)", wrk)
recorded = summary["requests"] - 1  # the readiness probe's request
print(f"# engine_log_rate engine={engine} connections={connections} seconds={seconds:g}")
print(f"wrk requests        {sent}")
print(f"sustained rate      {sent / seconds:.0f} req/s")
print(f"lab recorded        {recorded} (engine {summary.get('engine')})")
print(f"lost log lines      {max(0, sent - recorded)}")
print(f"lab errors          {summary['errors']}  wrk non-2xx {non2xx.group(1) if non2xx else 0}"
      f"  wrk socket errors {errors.group(1) if errors else 'none'}")
PY
