#!/usr/bin/env bash
# Memory per connection and per simulated user, on this machine, all on loopback.
#
#   bench/connection_footprint.sh [--smoke] [--connections N1,N2] [--users U1,U2] [--seconds D]
#                                 [--lab-rate R] [--repeat K] [--no-lab]
#
# Idle keep-alive connections: bytes of resident memory (VmRSS) each one costs three servers, measured
#   one server at a time: NGINX itself (the direct path: clients talk to the backend; the figure is its
#   *worker* process's RSS, not the master's), HAProxy (nbthread 1, started as proxy_compare.sh starts
#   it, long client/keep-alive timeouts) and lblab's balancer (lblab --headless --clients 0
#   --io-threads 1 --policy round-robin, started as proxy_compare.sh starts it), both in front of the
#   same one-worker nginx backend. An embedded Python client (non-blocking sockets, a selector, at
#   most 256 connections being opened at once) opens N1 connections (default 1000), each bound to its
#   own source address in 127.0.0.0/8 (127.1.x.y: all of 127/8 is loopback), each sends ONE
#   "GET / HTTP/1.1" (keep-alive) and reads the whole answer, then stays open and idle. The client
#   then waits until the server's VmRSS is stable (nine readings 0.5 s apart within 32 kB, so 4 s
#   without change, at most 10 s: lblab frees what a burst of openings needed up to 3 s after it,
#   and that is not counted) and reads it; then it opens more, up to N2 (default 4000), and does the same. Figure:
#   (RSS(N2) - RSS(N1)) / (N2 - N1) bytes per connection. At the end the client counts its
#   connections still open (no FIN or RST pending) and `ss` counts the server's ESTABLISHED ones
#   (local address 127.0.0.1:PORT); a server that closed any makes its figure meaningless: the row
#   says DROPPED and the script exits 1 (after measuring the others). All client sockets are closed
#   before the next server.
#   lblab's client idle limit is 30 s and has no command-line option (BalancerOptions::
#   idleTimeoutSeconds; its connection limit, 20000, is enough), so a server's whole measurement is
#   kept under 30 s (two settle waits of at most 10 s each, plus the opening).
# --repeat K: measures HAProxy and lblab K times each, alternating (a fresh process each time), and
#   reports every run and the median (HAProxy's own figure moves by a few hundred bytes between runs).
# The whole lab: `lblab --headless --preset login-source-ip --clients U --rate R --duration D` for U1
#   and U2 users (default 1000 and 9000, D = 10 s), the same total rate R in both runs (default
#   U2 / 3 req/s, --lab-rate): a user costs its memory once it has made a request (its connection,
#   its pin), and at the preset's own rate (~200 req/s) fewer than 2000 of 9000 users do in 10 s, so
#   the figure would miss most of their cost; one rate for both runs keeps the requests (and what the
#   capture keeps of them) the same. The peak RSS of each run (GNU time's %M, the kernel's maxrss);
#   figures: (peak(U2) - peak(U1)) / (U2 - U1) bytes per user, the same per user seen (the summary's
#   source-IP table size: users that made a request), and peak(U2) in MB (target < 100 MB).
# Output: a table, then one "figure NAME VALUE" line per figure (grep '^figure ').
# --smoke: 50,150 connections and 50,150 users for 2 s (CI: proves the harness runs; no memory
#   assertions, but dropped connections still fail it).
# --connections N1,N2 / --users U1,U2 / --seconds D / --lab-rate R (0: the preset's own rate): the
#   settings above. --no-lab: only the idle-connection part.
# Raises `ulimit -n` to the hard limit. Needs haproxy, nginx (nginx-light), GNU time (time) and ss
# (iproute2): installed with apt-get only when missing.
# Build dir: $LBLAB_BUILD_DIR or build/. Every process started here is stopped on exit (trap).
set -euo pipefail

N1=1000 N2=4000 U1=1000 U2=9000 DUR=10 NO_LAB=0 LAB_RATE=-1 REPEAT=1
pair() { # option value: "A,B" with 0 < A < B
    [[ $2 =~ ^([1-9][0-9]*),([1-9][0-9]*)$ ]] && ((BASH_REMATCH[1] < BASH_REMATCH[2])) \
        || { echo "connection_footprint: $1 needs two whole numbers A,B with 0 < A < B, got '$2'" >&2; exit 2; }
}
while (($#)); do
    case $1 in
    --smoke) N1=50 N2=150 U1=50 U2=150 DUR=2 ;;
    --no-lab) NO_LAB=1 ;;
    --lab-rate) [[ ${2-} =~ ^[0-9]+$ ]] || { echo "connection_footprint: --lab-rate needs a whole number, got '${2-}'" >&2; exit 2; }
        LAB_RATE=$2; shift ;;
    --repeat) [[ ${2-} =~ ^[1-9][0-9]*$ ]] || { echo "connection_footprint: --repeat needs a positive whole number, got '${2-}'" >&2; exit 2; }
        REPEAT=$2; shift ;;
    --connections) pair "$1" "${2-}"; N1=${2%,*} N2=${2#*,}; shift ;;
    --users) pair "$1" "${2-}"; U1=${2%,*} U2=${2#*,}; shift ;;
    --seconds) [[ ${2-} =~ ^[1-9][0-9]*$ ]] || { echo "connection_footprint: --seconds needs a positive whole number, got '${2-}'" >&2; exit 2; }
        DUR=$2; shift ;;
    *) echo "connection_footprint: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
LBLAB=$BUILD_DIR/app/lblab
[[ -x $LBLAB ]] || { echo "connection_footprint: no lblab binary at $LBLAB (set LBLAB_BUILD_DIR)" >&2; exit 1; }

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v nginx >/dev/null || need+=(nginx-light)
[[ -x /usr/bin/time ]] || need+=(time)
command -v ss >/dev/null || need+=(iproute2)
if ((${#need[@]})); then
    echo "connection_footprint: installing ${need[*]}" >&2
    SUDO=; [[ $(id -u) == 0 ]] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive timeout 600 $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2 \
        || { echo "connection_footprint: cannot install ${need[*]}" >&2; exit 1; }
fi
NGINX=$(command -v nginx); HAPROXY=$(command -v haproxy)

# Descriptors: the client holds N2, a proxy 2 x N2 (client side and upstream side), the nginx worker
# as many (the proxies' upstream connections), the lab one per user and more.
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=1048576
ulimit -n "$hard"
if ((2 * N2 + 500 > hard)); then
    echo "connection_footprint: $N2 connections need about $((2 * N2 + 500)) descriptors; the limit is $hard" >&2; exit 1
fi
FDS=$((2 * N2 + 200))

BENCH_NAME=connection_footprint
source "$HERE/bench_lib.sh"

stop_pid() { kill "-${2:-INT}" "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

# The client: opens N1 then N2 idle keep-alive connections to 127.0.0.1:PORT and reads the RSS of PID
# after each level. Prints one line: "rss1_kb rss2_kb settled1 settled2 wait1_s wait2_s client_open
# server_established failed open1_s open2_s".
cat >"$TMP/client.py" <<'PY'
import collections, errno, selectors, socket, subprocess, sys, time

port, pid, n1, n2 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
TOL_KB, STEP_S, STABLE_READINGS, MAX_WAIT_S, OPEN_TIMEOUT_S, INFLIGHT = 32, 0.5, 9, 10.0, 60.0, 256
REQUEST = (f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: connection_footprint\r\n"
           "Accept: */*\r\nConnection: keep-alive\r\n\r\n").encode()

def rss_kb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")

def stable_rss():
    """VmRSS once STABLE_READINGS readings STEP_S apart agree within TOL_KB (at most MAX_WAIT_S): a
    server that frees what a burst of openings needed a few seconds later (lblab trims its request
    state pool once a second to the last two seconds' peak) is read after that, not before."""
    start = time.monotonic()
    readings = [rss_kb()]
    while True:
        time.sleep(STEP_S)
        readings = (readings + [rss_kb()])[-STABLE_READINGS:]
        waited = time.monotonic() - start
        if len(readings) == STABLE_READINGS and max(readings) - min(readings) <= TOL_KB:
            return readings[-1], 1, waited
        if waited >= MAX_WAIT_S:
            return readings[-1], 0, waited

def source(i):  # 127.1.1.1, 127.1.1.2, ...: one loopback address per connection
    return f"127.{1 + i // 62500}.{1 + (i // 250) % 250}.{1 + i % 250}"

def complete(buf):
    """None while the answer is incomplete, else (status, keep_alive)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buf[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip().lower()
    body = buf[end + 4:]
    if "content-length" in headers:
        if len(body) < int(headers["content-length"]):
            return None
    elif "chunked" in headers.get("transfer-encoding", ""):
        if not (body.startswith(b"0\r\n\r\n") or b"\r\n0\r\n\r\n" in body):
            return None
    else:
        raise RuntimeError("answer without a length (would end with the connection)")
    return status, "close" not in headers.get("connection", "")

idle = []
failed = 0

def open_range(lo, hi):
    """Opens connections lo..hi-1; each sends one request and reads its answer, then stays idle."""
    global failed
    sel = selectors.DefaultSelector()
    todo = collections.deque(range(lo, hi))
    deadline = time.monotonic() + OPEN_TIMEOUT_S
    inflight = 0

    def fail(s, why):
        global failed
        failed += 1
        if failed <= 5:
            print(f"client: connection {why}", file=sys.stderr)
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()

    while (todo or inflight) and time.monotonic() < deadline:
        while todo and inflight < INFLIGHT:
            i = todo.popleft()
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((source(i), 0))
            err = s.connect_ex(("127.0.0.1", port))
            if err not in (0, errno.EINPROGRESS):
                fail(s, f"{i}: connect: {errno.errorcode.get(err, err)}")
                continue
            sel.register(s, selectors.EVENT_WRITE, bytearray())
            inflight += 1
        for key, _ in sel.select(timeout=0.5):
            s, buf = key.fileobj, key.data
            if key.events == selectors.EVENT_WRITE:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    inflight -= 1; fail(s, f"connect: {errno.errorcode.get(err, err)}"); continue
                if s.send(REQUEST) != len(REQUEST):
                    inflight -= 1; fail(s, "short send"); continue
                sel.modify(s, selectors.EVENT_READ, buf)
                continue
            try:
                data = s.recv(65536)
            except OSError as e:
                inflight -= 1; fail(s, f"recv: {e}"); continue
            if not data:
                inflight -= 1; fail(s, "closed before the whole answer"); continue
            buf += data
            try:
                done = complete(bytes(buf))
            except Exception as e:
                inflight -= 1; fail(s, f"bad answer: {e}"); continue
            if done is None:
                continue
            inflight -= 1
            status, keep = done
            if status != 200 or not keep:
                fail(s, f"answer {status}, keep-alive {keep}")
                continue
            sel.unregister(s)
            idle.append(s)
    for key in list(sel.get_map().values()):
        fail(key.fileobj, "timed out")
    failed += len(todo)
    sel.close()

def still_open():
    n = 0
    for s in idle:
        try:
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                n += 1  # unexpected bytes, but open
        except BlockingIOError:
            n += 1  # nothing to read: open and idle
        except OSError:
            pass  # reset
    return n  # recv() == b"" (FIN) counts as closed

def established():
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( src 127.0.0.1:{port} )"],
                         capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.strip())

t = time.monotonic(); open_range(0, n1); open1 = time.monotonic() - t
rss1, ok1, wait1 = stable_rss()
t = time.monotonic(); open_range(n1, n2); open2 = time.monotonic() - t
rss2, ok2, wait2 = stable_rss()
alive, est = still_open(), established()
print(rss1, rss2, ok1, ok2, f"{wait1:.1f}", f"{wait2:.1f}", alive, est, failed, f"{open1:.1f}", f"{open2:.1f}")
for s in idle:
    s.close()
PY

# Starts the nginx backend on port $1 (foreground master, 1 worker, tiny 200 answer, no access log,
# idle keep-alive connections kept 600 s); sets NG_MASTER.
start_nginx() {
    local port=$1 dir=$TMP/nginx-$1
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $((FDS + 100));
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections $FDS; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 600s;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    server {
        listen 127.0.0.1:$port reuseport backlog=4096;
        location / { return 200 "ok\n"; }
    }
}
CONF
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" >"$dir/logs/stdout" 2>&1 &
    NG_MASTER=$!; PIDS+=($NG_MASTER)
}

# The nginx worker: the master's only child.
nginx_worker() {
    local w
    for _ in $(seq 50); do
        w=$(cat "/proc/$NG_MASTER/task/$NG_MASTER/children" 2>/dev/null | awk '{ print $1 }')
        [[ -n $w ]] && { echo "$w"; return 0; }
        sleep 0.1
    done
    echo "connection_footprint: the nginx master $NG_MASTER has no worker" >&2; return 1
}

start_haproxy() { # sets HA_PORT HA_PID
    HA_PORT=$(free_port)
    local cfg=$TMP/haproxy-$HA_PORT.cfg
    {
        printf 'global\n    nbthread 1\n    maxconn %d\n\n' $((N2 + 500))
        printf 'defaults\n    mode http\n    option http-keep-alive\n    maxconn %d\n' $((N2 + 500))
        printf '    timeout connect 5s\n    timeout client 600s\n    timeout http-keep-alive 600s\n    timeout server 30s\n\n'
        printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend be\n\n' "$HA_PORT"
        printf 'backend be\n    balance roundrobin\n    server s1 127.0.0.1:%s\n' "$BACKEND"
    } >"$cfg"
    "$HAPROXY" -db -f "$cfg" >"$TMP/haproxy-$HA_PORT.log" 2>&1 &
    HA_PID=$!; PIDS+=($HA_PID)
    wait_http "$HA_PORT"
}

start_lblab() { # sets LB_PORT LB_PID
    LB_PORT=$(free_port)
    # Long enough for the measurement; stopped with SIGINT when done.
    "$LBLAB" --headless --clients 0 --io-threads 1 --duration 600 --policy round-robin \
        --listen "127.0.0.1:$LB_PORT" --backend "127.0.0.1:$BACKEND" --json \
        >"$TMP/lblab-$LB_PORT.json" 2>"$TMP/lblab-$LB_PORT.err" &
    LB_PID=$!; PIDS+=($LB_PID)
    wait_http "$LB_PORT"
}

FAIL=0
FIGURES=()
# Measures one server: $1 name, $2 port, $3 pid whose RSS counts; prints its table row and adds its
# bytes per connection to PER_<name> (a list, one per run).
declare -A PER_RUNS=()
measure_server() {
    local name=$1 port=$2 pid=$3 out r1 r2 ok1 ok2 w1 w2 alive est failed o1 o2 per note=
    out=$(timeout 180 python3 "$TMP/client.py" "$port" "$pid" "$N1" "$N2" 2>"$TMP/client-$name.err") || {
        echo "connection_footprint: the client failed against $name:" >&2; cat "$TMP/client-$name.err" >&2
        FAIL=1; printf '%-13s %s\n' "$name" "CLIENT FAILED"; return 0
    }
    read -r r1 r2 ok1 ok2 w1 w2 alive est failed o1 o2 <<<"$out"
    per=$(awk -v a="$r1" -v b="$r2" -v n1="$N1" -v n2="$N2" 'BEGIN { printf "%.0f", (b - a) * 1024 / (n2 - n1) }')
    ((ok1 && ok2)) || note+=" RSS-NOT-SETTLED"
    if ((failed || alive != N2 || est < N2)); then
        note+=" DROPPED($((N2 - alive)) closed, $failed failed to open)"
        FAIL=1
        {
            echo "connection_footprint: !!! $name did not keep its $N2 connections open: $alive open at the end by"
            echo "connection_footprint: !!! the client, $est established by ss, $failed never got an answer:"
            echo "connection_footprint: !!! its bytes/conn figure ($per) is MEANINGLESS"
            sed 's/^/    /' "$TMP/client-$name.err"
        } >&2
    fi
    printf '%-13s %8d %12d %12d %12s %10s %12s %10s %s\n' "$name" "$pid" "$r1" "$r2" "$per" "$alive/$est" \
        "$o1 / $o2" "$w1 / $w2" "$note"
    PER_RUNS[$name]+="$per "
}

# The median of whole numbers (the lower middle one for an even count).
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "# connection_footprint $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$(nproc)  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)  idle connections $N1 -> $N2 (one 127.1.x.y source each)$( ((NO_LAB)) || echo ", lab users $U1 -> $U2 for ${DUR}s")"
echo "# $("$HAPROXY" -v | head -1 | cut -d' ' -f1-3)  |  $("$NGINX" -v 2>&1)  |  ulimit -n $(ulimit -n)"

BACKEND=$(free_port)
start_nginx "$BACKEND"
wait_http "$BACKEND"
NG_WORKER=$(nginx_worker)

printf '%-13s %8s %12s %12s %12s %10s %12s %10s\n' server pid "rss@$N1 kB" "rss@$N2 kB" bytes/conn \
    open/ss "open s" "settle s"
measure_server nginx-direct "$BACKEND" "$NG_WORKER"
for _ in $(seq "$REPEAT"); do
    start_haproxy
    measure_server haproxy "$HA_PORT" "$HA_PID"
    stop_pid "$HA_PID" TERM
    start_lblab
    measure_server lblab "$LB_PORT" "$LB_PID"
    stop_pid "$LB_PID"
done
for name in nginx-direct haproxy lblab; do
    FIGURES+=("figure ${name//-/_}_bytes_per_idle_connection $(median "${PER_RUNS[$name]}")")
done
if ((REPEAT > 1)); then
    echo "# bytes per idle connection, median of $REPEAT runs: haproxy $(median "${PER_RUNS[haproxy]}")" \
        "(runs: ${PER_RUNS[haproxy]% }), lblab $(median "${PER_RUNS[lblab]}") (runs: ${PER_RUNS[lblab]% })"
fi

if ((!NO_LAB)); then
    ((LAB_RATE >= 0)) || LAB_RATE=$(((U2 + 2) / 3))
    rate_args=(); ((LAB_RATE == 0)) || rate_args=(--rate "$LAB_RATE")
    # One lab run with $1 users; sets PEAK (peak RSS, kB), and REQS ERRS SEEN from its summary (SEEN:
    # the source-IP table's size, the users that made a request).
    lab_run() {
        local u=$1 rc=0
        /usr/bin/time -f %M -o "$TMP/time-$u" timeout $((DUR + 120)) "$LBLAB" --headless --json \
            --preset login-source-ip --clients "$u" "${rate_args[@]}" --duration "$DUR" \
            >"$TMP/lab-$u.json" 2>"$TMP/lab-$u.err" || rc=$?
        if ((rc)); then
            echo "connection_footprint: the lab run with $u users failed (exit $rc):" >&2; tail -5 "$TMP/lab-$u.err" >&2
            FAIL=1
        fi
        read -r PEAK REQS ERRS SEEN < <(python3 - "$TMP/lab-$u.json" "$(tail -1 "$TMP/time-$u" 2>/dev/null || echo 0)" <<'PY'
import json, sys
peak = sys.argv[2] if sys.argv[2].isdigit() else "0"
try:
    s = json.load(open(sys.argv[1]))
    print(peak, s["requests"], s["errors"], s.get("table_size", 0))
except Exception:
    print(peak, 0, 0, 0)
PY
        )
        printf '%-16s %8d %8s %10d %8d %12d %12d\n' login-source-ip "$u" "${rate_args[1]:-preset}" "$REQS" "$ERRS" "$SEEN" "$PEAK"
    }
    echo
    printf '%-16s %8s %8s %10s %8s %12s %12s\n' "lab (${DUR}s)" users "req/s" requests errors "users seen" "peak kB"
    lab_run "$U1"; p1=$PEAK s1=$SEEN
    lab_run "$U2"; p2=$PEAK s2=$SEEN
    per_user=$(awk -v a="$p1" -v b="$p2" -v u1="$U1" -v u2="$U2" 'BEGIN { printf "%.0f", (b - a) * 1024 / (u2 - u1) }')
    per_seen=$(awk -v a="$p1" -v b="$p2" -v u1="$s1" -v u2="$s2" 'BEGIN { if (u2 > u1) printf "%.0f", (b - a) * 1024 / (u2 - u1); else print "n/a" }')
    peak_mb=$(awk -v b="$p2" 'BEGIN { printf "%.1f", b / 1024 }')
    echo "# lab: (peak@$U2 - peak@$U1) / $((U2 - U1)) users = $per_user bytes per user ($per_seen per user seen);" \
        "peak at $U2 users $peak_mb MB (target < 100 MB)"
    if ((s2 < U2 * 9 / 10)); then
        echo "# lab: only $s2 of the $U2 users made a request in ${DUR}s: the per-user figure misses most of their cost (raise --lab-rate or --seconds)"
    fi
    FIGURES+=("figure lab_bytes_per_user $per_user" "figure lab_bytes_per_user_seen $per_seen"
        "figure lab_peak_rss_mb_at_${U2}_users $peak_mb")
fi
echo
printf '%s\n' "${FIGURES[@]}"
if ((FAIL)); then
    echo "connection_footprint: FAILED (see above: a server dropped connections or a run failed)" >&2
    exit 1
fi
