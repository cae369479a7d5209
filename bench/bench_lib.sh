# Shared by the bench scripts (sourced): a private temporary folder, the processes started (stopped on
# exit by a trap), a free loopback port, a wait until a server answers 200, the packages a script needs,
# and the nginx backend the proxy benchmarks share. Set BENCH_NAME first.
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

# Installs the Debian packages named (call it with the missing ones only; nothing to do without any).
bench_install() {
    (($#)) || return 0
    echo "$BENCH_NAME: installing $*" >&2
    local sudo=
    [[ $(id -u) == 0 ]] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive timeout 600 $sudo apt-get install -y --no-install-recommends "$@" >&2 \
        || { echo "$BENCH_NAME: cannot install $*" >&2; exit 1; }
}

# Starts one nginx backend on 127.0.0.1:$1 in $TMP: foreground master, 1 worker, a tiny 200 answer
# ("ok\n"), no access log, keep-alive for 60 s. Needs NGINX; the master goes to PIDS and NGINX_PID.
start_nginx() {
    local port=$1 dir=$TMP/nginx-$1
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    server {
        listen 127.0.0.1:$port reuseport;
        location / { return 200 "ok\n"; }
    }
}
CONF
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" >"$dir/logs/stdout" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
}
