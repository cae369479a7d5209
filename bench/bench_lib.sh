# Shared by the bench scripts (sourced): a private temporary folder, the processes started (stopped on
# exit by a trap), a free loopback port, and a wait until a server answers 200. Set BENCH_NAME first.
TMP=$(mktemp -d "/tmp/${BENCH_NAME}.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits (up to 10 s) until http://127.0.0.1:$1/ answers 200.
wait_http() {
    for _ in $(seq 100); do
        if curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null | grep -q 200; then return 0; fi
        sleep 0.1
    done
    echo "$BENCH_NAME: nothing answers 200 on 127.0.0.1:$1" >&2; return 1
}
