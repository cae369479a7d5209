#!/usr/bin/env bash
# Compares lblab's balancer with HAProxy and with the direct path on this machine, all on 127.0.0.1.
#
#   bench/proxy_compare.sh [--smoke] [--no-lblab] [--runs N] [--seconds S]
#
# Both proxies do the same work: HAProxy runs with `option forwardfor`, since lblab adds X-Forwarded-For.
# Throughput: wrk -t1 -c64 (keep-alive), RUNS runs (default 3) of DUR seconds (default 5) each,
#   median requests/s, against one nginx backend directly, HAProxy (nbthread 1) and lblab --headless
#   --clients 0 --io-threads 1, for round robin, source-IP affinity and cookie insertion (new clients:
#   no cookie sent, and returning clients: the cookie of the first answer sent back on every request).
#   Both proxies run side by side and their runs alternate (HAProxy, lblab, HAProxy, lblab, ...), so a
#   change in the machine's speed during a mode hits both alike. "lb>ha" counts the runs lblab won.
# Descriptors: each proxy's open descriptors halfway through its throughput runs (median): the 64
#   client connections, the upstream connections it keeps, listeners and logs.
# CPU per request: each proxy's own CPU time (user + system, from /proc) during its throughput runs,
#   divided by the requests wrk counted (median over the runs): what a request costs the proxy.
# System calls per request: one more run per proxy and mode under `perf stat -e raw_syscalls:sys_enter`
#   (a count, independent of the machine's load; n/a without perf). Both proxies make one recv and one
#   send per request and side; anything beyond that is overhead (e.g. re-arming epoll).
# Added latency: wrk has no fixed-rate mode (wrk2 is not packaged in Debian), so latency is taken
#   with wrk --latency at 4 connections (-c4), well below saturation; "added" = proxied - direct
#   at p50 and p99 (medians over the runs).
# --smoke: 1 run of 1 s each (CI: proves the harness works; no speed assertions).
# --no-lblab: only the direct path and HAProxy (a baseline while lblab is not built).
# Needs haproxy, nginx (nginx-light) and wrk: installed with apt-get only when missing.
# Build dir: $LBLAB_BUILD_DIR or build/. Every process started here is stopped on exit (trap).
set -euo pipefail

RUNS=3 DUR=5 CONNS=64 LAT_CONNS=4 NO_LBLAB=0
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "proxy_compare: $1 needs a positive whole number, got '$2'" >&2; exit 2; }; }
while (($#)); do
    case $1 in
    --smoke) RUNS=1 DUR=1 ;;
    --no-lblab) NO_LBLAB=1 ;;
    --runs) positive "$1" "${2-}"; RUNS=$2; shift ;;
    --seconds) positive "$1" "${2-}"; DUR=$2; shift ;;
    *) echo "proxy_compare: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
LBLAB=$BUILD_DIR/app/lblab
((NO_LBLAB)) || [[ -x $LBLAB ]] || { echo "proxy_compare: no lblab binary at $LBLAB (set LBLAB_BUILD_DIR)" >&2; exit 1; }

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
BENCH_NAME=proxy_compare
source "$HERE/bench_lib.sh"
bench_install "${need[@]}"
NGINX=$(command -v nginx); HAPROXY=$(command -v haproxy); WRK=$(command -v wrk)

# Runs wrk with "$@"; prints "rps p50_us p99_us".
run_wrk() {
    local out
    out=$(timeout $((DUR + 30)) "$WRK" --latency -t1 -d"${DUR}s" --timeout 5s "$@" 2>&1) || { echo "0 0 0"; return; }
    echo "$out" >>"$TMP/wrk.log"
    awk '
        function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return (v + 0) * 1000; if (v ~ /s$/) return (v + 0) * 1e6; return v + 0 }
        /Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = us($2) }
        /^ +99%/ { p99 = us($2) }
        /Non-2xx or 3xx responses:/ { bad = $5 }
        END { printf "%.0f %.0f %.0f\n", rps, p50, p99 }' <<<"$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }
# The median of the arguments (0 when there are none).
median_of() { if (($#)); then printf '%s\n' "$@" | median; else echo 0; fi; }

# Measures one target URL ($1) with optional extra wrk args; sets RPS, P50, P99 (medians).
measure() {
    local url=$1; shift
    local rps=() p50=() p99=() r a b c
    for ((r = 0; r < RUNS; ++r)); do
        read -r a b c < <(run_wrk -c$CONNS "$@" "$url")
        rps+=("$a")
        read -r a b c < <(run_wrk -c$LAT_CONNS "$@" "$url")
        p50+=("$b"); p99+=("$c")
    done
    RPS=$(median_of "${rps[@]}")
    P50=$(median_of "${p50[@]}")
    P99=$(median_of "${p99[@]}")
}

# CPU time (user + system, all threads) process $1 has used, in clock ticks (1/100 s).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Open descriptors of process $1 (client and upstream sockets, listeners, logs).
descriptors() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# Runs wrk ("$@") against process $PID_UNDER_TEST; prints "rps cpu_us_per_request descriptors": the
# process's CPU time over the run divided by the requests wrk counted (less sensitive than requests/s to
# what else the 2 cores run, because a proxy that waits for the CPU uses none), and its open
# descriptors halfway through the run.
run_wrk_cpu() {
    local before after a b c fds=$TMP/fds-$PID_UNDER_TEST
    before=$(cpu_ticks "$PID_UNDER_TEST")
    (sleep "$(awk -v d="$DUR" 'BEGIN { print d / 2 }')"; descriptors "$PID_UNDER_TEST" >"$fds") &
    read -r a b c < <(run_wrk "$@")
    after=$(cpu_ticks "$PID_UNDER_TEST")
    wait
    awk -v r="$a" -v t=$((after - before)) -v d="$DUR" -v f="$(cat "$fds" 2>/dev/null || echo 0)" \
        'BEGIN { printf "%.0f %.1f %d\n", r, (r > 0 ? t * 10000 / (r * d) : 0), f }'
}

# System calls per request: one more wrk run ("$@") with `perf stat` counting process $1's system
# calls (the raw_syscalls tracepoint; counts, not time, so the figure does not depend on what else the
# machine runs). Prints the count per request, or n/a without perf or tracepoint access.
syscalls_per_request() {
    local pid=$1 out=$TMP/syscalls-$1 sp a b c
    shift
    if ! command -v perf >/dev/null || ! perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
        echo n/a; return
    fi
    perf stat -x, -e raw_syscalls:sys_enter -p "$pid" -o "$out" -- sleep "$DUR" >/dev/null 2>&1 &
    sp=$!
    read -r a b c < <(run_wrk "$@")
    wait "$sp"
    awk -F, -v r="$a" -v d="$DUR" '$3 ~ /raw_syscalls/ && r > 0 { printf "%.2f\n", $1 / (r * d); found = 1 }
        END { if (!found) print "n/a" }' "$out"
}

# Measures HAProxy ($1, extra wrk args in HARGS, process HA_PID) and lblab ($2, extra args in LARGS,
# process LB_PID; empty: HAProxy only) in alternating runs; sets H_RPS H_CPU H_FDS H_P50 H_P99 and L_RPS
# L_CPU L_FDS L_P50 L_P99 (medians; CPU in microseconds per request, descriptors mid-run) and WINS (the
# runs in which lblab answered more requests per second than HAProxy just before it).
measure_pair() {
    local ha=$1 lb=$2
    local hr=() hc=() hf=() hp50=() hp99=() lr=() lc=() lf=() lp50=() lp99=() r a b c f h
    WINS=0
    for ((r = 0; r < RUNS; ++r)); do
        read -r a b f < <(PID_UNDER_TEST=$HA_PID run_wrk_cpu -c$CONNS "${HARGS[@]}" "$ha")
        hr+=("$a"); hc+=("$b"); hf+=("$f"); h=$a
        if [[ -n $lb ]]; then
            read -r a b f < <(PID_UNDER_TEST=$LB_PID run_wrk_cpu -c$CONNS "${LARGS[@]}" "$lb")
            lr+=("$a"); lc+=("$b"); lf+=("$f")
            ((a > h)) && WINS=$((WINS + 1))
        fi
        read -r a b c < <(run_wrk -c$LAT_CONNS "${HARGS[@]}" "$ha"); hp50+=("$b"); hp99+=("$c")
        if [[ -n $lb ]]; then
            read -r a b c < <(run_wrk -c$LAT_CONNS "${LARGS[@]}" "$lb"); lp50+=("$b"); lp99+=("$c")
        fi
    done
    H_RPS=$(median_of "${hr[@]}")
    H_CPU=$(median_of "${hc[@]}")
    H_FDS=$(median_of "${hf[@]}")
    H_P50=$(median_of "${hp50[@]}")
    H_P99=$(median_of "${hp99[@]}")
    L_RPS=$(median_of "${lr[@]}")
    L_CPU=$(median_of "${lc[@]}")
    L_FDS=$(median_of "${lf[@]}")
    L_P50=$(median_of "${lp50[@]}")
    L_P99=$(median_of "${lp99[@]}")
}

BACKENDS=()
for _ in 1 2 3; do p=$(free_port); start_nginx "$p"; BACKENDS+=("$p"); done
for p in "${BACKENDS[@]}"; do wait_http "$p"; done

# mode: name haproxy-balance haproxy-extra lblab-policy cookie-mode
MODES=(
    "round-robin|roundrobin||round-robin|none"
    "source-ip|source||source-ip-affinity|none"
    "cookie-new|roundrobin|cookie SRV insert indirect nocache|cookie-affinity|none"
    "cookie-returning|roundrobin|cookie SRV insert indirect nocache|cookie-affinity|returning"
)

start_haproxy() { # $1 balance, $2 extra; sets HA_PORT
    HA_PORT=$(free_port)
    local cfg=$TMP/haproxy-$HA_PORT.cfg i=0
    {
        printf 'global\n    nbthread 1\n    maxconn 4096\n\n'
        # forwardfor: lblab tells each backend the client's address (X-Forwarded-For), so HAProxy
        # does too; both then send the backend the same request.
        printf 'defaults\n    mode http\n    option http-keep-alive\n    option forwardfor\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n'
        printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend be\n\n' "$HA_PORT"
        printf 'backend be\n    balance %s\n' "$1"
        [[ -n $2 ]] && printf '    %s\n' "$2"
        for p in "${BACKENDS[@]}"; do
            i=$((i + 1))
            if [[ -n $2 ]]; then printf '    server s%d 127.0.0.1:%s cookie s%d\n' $i "$p" $i
            else printf '    server s%d 127.0.0.1:%s\n' $i "$p"; fi
        done
    } >"$cfg"
    "$HAPROXY" -db -f "$cfg" >"$TMP/haproxy-$HA_PORT.log" 2>&1 &
    HA_PID=$!; PIDS+=($HA_PID)
    wait_http "$HA_PORT"
}

start_lblab() { # $1 policy; sets LB_PORT
    LB_PORT=$(free_port)
    local args=() p
    for p in "${BACKENDS[@]}"; do args+=(--backend "127.0.0.1:$p"); done
    # Long enough for every wrk run of this mode (both proxies' runs alternate) plus start-up;
    # stopped with SIGINT when done.
    local duration=$((RUNS * (DUR + 1) * 4 + 30))
    "$LBLAB" --headless --clients 0 --io-threads 1 --duration "$duration" --policy "$1" \
        --listen "127.0.0.1:$LB_PORT" "${args[@]}" --json >"$TMP/lblab-$LB_PORT.json" 2>"$TMP/lblab-$LB_PORT.err" &
    LB_PID=$!; PIDS+=($LB_PID)
    wait_http "$LB_PORT"
}

stop_pid() { kill "-${2:-INT}" "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

# The cookie a proxy sets on the first answer, as a "Cookie:" header value.
first_cookie() { curl -s -m 2 -D - -o /dev/null "http://127.0.0.1:$1/" | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }'; }

echo "# proxy_compare $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$(nproc)  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)  runs=$RUNS x ${DUR}s  wrk -t1 -c$CONNS (throughput), -c$LAT_CONNS --latency (latency)"
echo "# $("$HAPROXY" -v | head -1)  |  $("$NGINX" -v 2>&1)  |  $("$WRK" -v 2>&1 | head -1 | cut -c1-40)"

measure "http://127.0.0.1:${BACKENDS[0]}/"
D_RPS=$RPS D_P50=$P50 D_P99=$P99
printf '%-17s %10s %10s %10s %8s %8s %6s | %-16s | %-15s | %-10s | %-28s %-28s\n' mode direct haproxy lblab lb/ha lb/dir 'lb>ha' \
    "cpu us/req ha lb" "syscalls/req" "fds ha lb" "added p50/p99 us haproxy" "added p50/p99 us lblab"
for mode in "${MODES[@]}"; do
    IFS='|' read -r name balance extra policy cookie <<<"$mode"
    start_haproxy "$balance" "$extra"
    HARGS=() LARGS=() LB_URL=
    if [[ $cookie == returning ]]; then c=$(first_cookie "$HA_PORT"); [[ -n $c ]] && HARGS=(-H "Cookie: $c"); fi
    if ((!NO_LBLAB)); then
        start_lblab "$policy"
        LB_URL="http://127.0.0.1:$LB_PORT/"
        if [[ $cookie == returning ]]; then c=$(first_cookie "$LB_PORT"); [[ -n $c ]] && LARGS=(-H "Cookie: $c"); fi
    fi
    measure_pair "http://127.0.0.1:$HA_PORT/" "$LB_URL"
    H_SYS=$(syscalls_per_request "$HA_PID" -c$CONNS "${HARGS[@]}" "http://127.0.0.1:$HA_PORT/") L_SYS=n/a
    ((NO_LBLAB)) || L_SYS=$(syscalls_per_request "$LB_PID" -c$CONNS "${LARGS[@]}" "$LB_URL")
    stop_pid "$HA_PID" TERM
    if ((NO_LBLAB)); then
        L_RPS=0 L_CPU=0 L_FDS=0 L_P50=$D_P50 L_P99=$D_P99
    else
        stop_pid "$LB_PID"
        if ! grep -q '"requests"' "$TMP/lblab-$LB_PORT.json"; then
            echo "proxy_compare: lblab printed no summary:" >&2; cat "$TMP/lblab-$LB_PORT.err" >&2
        fi
    fi

    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
    printf '%-17s %10s %10s %10s %8s %8s %6s | %-16s | %-15s | %-10s | %-28s %-28s\n' "$name" "$D_RPS" "$H_RPS" "$L_RPS" \
        "$(ratio "$L_RPS" "$H_RPS")" "$(ratio "$L_RPS" "$D_RPS")" "$WINS/$RUNS" "$H_CPU $L_CPU" "$H_SYS $L_SYS" "$H_FDS $L_FDS" \
        "$((H_P50 - D_P50)) / $((H_P99 - D_P99))" "$((L_P50 - D_P50)) / $((L_P99 - D_P99))"
done
echo "# direct latency at -c$LAT_CONNS: p50 ${D_P50} us, p99 ${D_P99} us"
