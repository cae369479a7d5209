#!/usr/bin/env bash
# Where each request's CPU goes with HAProxy or lblab in front of 3 nginx backends: the proxy's own
# time, the backends', wrk's, and how often each of them sleeps or gets preempted. All on 127.0.0.1.
#
#   bench/proxy_peers.sh [--smoke] [--runs N] [--seconds S] [--policy rr|source]
#
# Why: the proxy's own CPU per request and system calls per request can be equal while requests/s
# differ, because a proxy that wakes up often (few events per epoll_wait, a sleep between them) makes
# its peers wake up often too: nginx and wrk then pay for the wake-ups and the machine idles less.
# Setup as in proxy_compare.sh: 3 nginx backends (1 worker each, `return 200 "ok\n"`, no access log),
#   HAProxy 2.6 (nbthread 1, option forwardfor, balance roundrobin or source) and lblab --headless
#   --clients 0 --io-threads 1 (--policy round-robin or source-ip-affinity) run side by side; wrk -t1
#   -c64 -dS, RUNS runs per proxy (default 5 x 4 s), alternating HAProxy, lblab, HAProxy, lblab, ...
# Every figure is per request: divided by the requests wrk counted in that run; the table shows the
#   median over the runs of each column on its own (so the columns of a row need not add up exactly).
# Columns:
#   req/s      wrk's requests per second.
#   cpu us/req user + system CPU time per request, in microseconds, of
#     proxy      the proxy process, all its threads (/proc/PID/task/*/stat utime + stime, before/after);
#     nginx      the 3 nginx workers summed (the children of the 3 masters; same /proc reading);
#     wrk        wrk, all its threads (getrusage of the finished wrk, via GNU time %U + %S);
#     sum        proxy + nginx + wrk: what serving one request cost the whole chain;
#     rest       the machine's other busy time per request (/proc/stat non-idle ticks of all CPUs minus
#                the three above): the other proxy at rest, this script, perf, and anything else
#                running on the machine (other people's builds). Large values mean a noisy run.
#   vol cs/req voluntary context switches per request (the thread slept: nothing to do) of proxy,
#              nginx (summed), wrk: /proc/PID/task/*/status voluntary_ctxt_switches; wrk: GNU time %w.
#   inv cs/req involuntary context switches per request (preempted while it had work) of proxy,
#              nginx, wrk: nonvoluntary_ctxt_switches; wrk: GNU time %c.
#   epoll/req  the proxy's epoll_wait + epoll_pwait (+ epoll_pwait2) calls per request, counted by
#              `perf stat -e syscalls:sys_enter_epoll_wait,...` attached to the proxy during the run:
#              few means many events handled per wake-up. n/a without perf or tracepoint access. While
#              perf counts, every system call on the machine takes the tracing path (a little slower,
#              for both proxies alike).
#   idle%      the machine's idle share during the run: (idle + iowait) / all ticks in /proc/stat.
# Ratio row: lblab / HAProxy for req/s and for the CPU sum.
# --smoke: 1 run of 1 s (proves the harness works). --policy source: source-IP affinity in both.
# Needs haproxy, nginx (nginx-light), wrk and GNU time: installed with apt-get only when missing.
# Build dir: $LBLAB_BUILD_DIR or build/. Every process started here is stopped on exit (trap).
set -euo pipefail

RUNS=5 DUR=4 CONNS=64 POLICY=rr
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "proxy_peers: $1 needs a positive whole number, got '$2'" >&2; exit 2; }; }
while (($#)); do
    case $1 in
    --smoke) RUNS=1 DUR=1 ;;
    --runs) positive "$1" "${2-}"; RUNS=$2; shift ;;
    --seconds) positive "$1" "${2-}"; DUR=$2; shift ;;
    --policy)
        [[ ${2-} == rr || ${2-} == source ]] || { echo "proxy_peers: --policy takes rr or source, got '${2-}'" >&2; exit 2; }
        POLICY=$2; shift ;;
    *) echo "proxy_peers: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${LBLAB_BUILD_DIR:-$HERE/../build}
LBLAB=$BUILD_DIR/app/lblab
[[ -x $LBLAB ]] || { echo "proxy_peers: no lblab binary at $LBLAB (set LBLAB_BUILD_DIR)" >&2; exit 1; }
if [[ $POLICY == rr ]]; then HA_BALANCE=roundrobin LB_POLICY=round-robin; else HA_BALANCE=source LB_POLICY=source-ip-affinity; fi

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v pgrep >/dev/null || need+=(procps)
[[ -x /usr/bin/time ]] || need+=(time)
# shellcheck disable=SC2034 # read by bench_lib.sh
BENCH_NAME=proxy_peers
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source "$HERE/bench_lib.sh"
bench_install "${need[@]}"
NGINX=$(command -v nginx); HAPROXY=$(command -v haproxy); WRK=$(command -v wrk)
HZ=$(getconf CLK_TCK)

start_haproxy() { # sets HA_PORT HA_PID
    HA_PORT=$(free_port)
    local cfg=$TMP/haproxy.cfg i=0 p
    {
        printf 'global\n    nbthread 1\n    maxconn 4096\n\n'
        printf 'defaults\n    mode http\n    option http-keep-alive\n    option forwardfor\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\n'
        printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend be\n\n' "$HA_PORT"
        printf 'backend be\n    balance %s\n' "$HA_BALANCE"
        for p in "${BACKENDS[@]}"; do i=$((i + 1)); printf '    server s%d 127.0.0.1:%s\n' $i "$p"; done
    } >"$cfg"
    "$HAPROXY" -db -f "$cfg" >"$TMP/haproxy.log" 2>&1 &
    HA_PID=$!; PIDS+=("$HA_PID")
    wait_http "$HA_PORT"
}

start_lblab() { # sets LB_PORT LB_PID
    LB_PORT=$(free_port)
    local args=() p
    for p in "${BACKENDS[@]}"; do args+=(--backend "127.0.0.1:$p"); done
    # Long enough for every run of both proxies plus start-up; stopped with SIGINT when done.
    local duration=$((RUNS * 2 * (DUR + 5) + 60))
    "$LBLAB" --headless --clients 0 --io-threads 1 --duration "$duration" --policy "$LB_POLICY" \
        --listen "127.0.0.1:$LB_PORT" "${args[@]}" --json >"$TMP/lblab.json" 2>"$TMP/lblab.err" &
    LB_PID=$!; PIDS+=("$LB_PID")
    wait_http "$LB_PORT"
}

# Drops $1 from PIDS once it has ended, so that the exit trap cannot signal a recycled PID.
forget_pid() { local keep=() p; for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
stop_pid() { kill "-${2:-INT}" "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

# CPU ticks (utime + stime) and voluntary and involuntary context switches, summed over every thread
# of the processes "$@": prints "ticks voluntary involuntary". The command name in stat may hold
# spaces, so the fields are counted after its closing parenthesis.
proc_sample() {
    local files=() p
    for p; do files+=(/proc/"$p"/task/*/stat /proc/"$p"/task/*/status); done
    awk 'FILENAME ~ /stat$/ { sub(/.*\) /, ""); ticks += $12 + $13; next }
        /^voluntary_ctxt_switches:/ { vol += $2 } /^nonvoluntary_ctxt_switches:/ { inv += $2 }
        END { printf "%d %d %d\n", ticks, vol, inv }' "${files[@]}" 2>/dev/null || echo "0 0 0"
}

# The machine's idle (idle + iowait) and total ticks, all CPUs: "idle total".
machine_sample() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; ++i) t += $i; print $5 + $6, t; exit }' /proc/stat; }

# The epoll wait tracepoints perf can count here (comma-separated; empty without perf or access).
EPOLL_EVENTS=
if command -v perf >/dev/null; then
    for ev in epoll_wait epoll_pwait epoll_pwait2; do
        perf stat -e "syscalls:sys_enter_$ev" -- true >/dev/null 2>&1 && EPOLL_EVENTS+=${EPOLL_EVENTS:+,}syscalls:sys_enter_$ev
    done
fi

# One wrk run against proxy process $2 at URL $3, named $1; appends one line to $TMP/runs-$1:
# "rps proxy_us nginx_us wrk_us sum_us rest_us proxy_vol nginx_vol wrk_vol proxy_inv nginx_inv
# wrk_inv epoll idle%" (per request, but req/s and idle%).
one_run() {
    local name=$1 pid=$2 url=$3 perf_pid="" out=$TMP/wrk.out tm=$TMP/wrk.time pf=$TMP/perf.out
    local workers p0 p1 n0 n1 m0 m1 epoll=n/a
    read -ra workers <<<"$(pgrep -d' ' -P "$(IFS=,; echo "${NGINX_MASTERS[*]}")")"
    ((${#workers[@]} == 3)) || echo "proxy_peers: expected 3 nginx workers, found ${#workers[@]}" >&2
    if [[ -n $EPOLL_EVENTS ]]; then
        rm -f "$pf"
        perf stat -x, -e "$EPOLL_EVENTS" -p "$pid" -o "$pf" &
        perf_pid=$!; PIDS+=("$perf_pid")
        sleep 0.3 # attached before wrk starts (the idle proxy makes next to no calls meanwhile)
    fi
    p0=$(proc_sample "$pid"); n0=$(proc_sample "${workers[@]}"); m0=$(machine_sample)
    timeout $((DUR + 30)) /usr/bin/time -f '%U %S %w %c' -o "$tm" \
        "$WRK" -t1 -c$CONNS -d"${DUR}s" --timeout 5s "$url" >"$out" 2>&1 || echo "proxy_peers: wrk failed ($name)" >&2
    p1=$(proc_sample "$pid"); n1=$(proc_sample "${workers[@]}"); m1=$(machine_sample)
    if [[ -n $perf_pid ]]; then
        kill -INT "$perf_pid" 2>/dev/null || true
        wait "$perf_pid" 2>/dev/null || true
        forget_pid "$perf_pid"
        epoll=$(awk -F, '$3 ~ /epoll/ && $1 ~ /^[0-9]+$/ { n += $1; found = 1 } END { print found ? n : "n/a" }' "$pf" 2>/dev/null || echo n/a)
    fi
    cat "$out" >>"$TMP/wrk.log"
    grep -qE 'Non-2xx|Socket errors' "$out" && { echo "proxy_peers: $name: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ')" >&2; }
    awk -v hz="$HZ" -v ep="$epoll" -v p0="$p0" -v p1="$p1" -v n0="$n0" -v n1="$n1" -v m0="$m0" -v m1="$m1" \
        -v w="$(tail -1 "$tm" 2>/dev/null)" '
        /requests in/ { req = $1 } /Requests\/sec:/ { rps = $2 }
        END {
            split(p0, a); split(p1, b); split(n0, c); split(n1, d); split(m0, e); split(m1, f); split(w, g)
            if (req <= 0) { print "0 0 0 0 0 0 0 0 0 0 0 0 n/a 0"; exit }
            us = 1e6 / hz / req
            pc = (b[1] - a[1]) * us; nc = (d[1] - c[1]) * us; wc = (g[1] + g[2]) * 1e6 / req
            busy = ((f[2] - e[2]) - (f[1] - e[1])) * us
            printf "%.0f %.2f %.2f %.2f %.2f %.2f ", rps, pc, nc, wc, pc + nc + wc, busy - pc - nc - wc
            printf "%.4f %.4f %.4f %.4f %.4f %.4f ", (b[2] - a[2]) / req, (d[2] - c[2]) / req, g[3] / req,
                (b[3] - a[3]) / req, (d[3] - c[3]) / req, g[4] / req
            printf "%s %.1f\n", (ep == "n/a" ? "n/a" : sprintf("%.4f", ep / req)),
                (f[2] > e[2] ? 100 * (f[1] - e[1]) / (f[2] - e[2]) : 0)
        }' "$out" >>"$TMP/runs-$name"
}

# The medians of every column of $TMP/runs-$1, space-separated ("n/a" for a column holding one).
medians() {
    local file=$TMP/runs-$1 k cols
    cols=$(awk '{ print NF; exit }' "$file")
    for ((k = 1; k <= cols; ++k)); do
        cut -d' ' -f$k "$file" | sort -g | awk '/n\/a/ { na = 1 } { v[NR] = $1 }
            END { if (na || NR == 0) print "n/a"; else print v[int((NR + 1) / 2)] }'
    done | paste -sd' '
}

BACKENDS=() NGINX_MASTERS=()
for _ in 1 2 3; do p=$(free_port); start_nginx "$p"; BACKENDS+=("$p"); NGINX_MASTERS+=("$NGINX_PID"); done
for p in "${BACKENDS[@]}"; do wait_http "$p"; done
start_haproxy
start_lblab

echo "# proxy_peers $(date -u +%Y-%m-%dT%H:%M:%SZ)  nproc=$(nproc)  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)  runs=$RUNS x ${DUR}s per proxy, alternating  wrk -t1 -c$CONNS  policy: haproxy $HA_BALANCE, lblab $LB_POLICY"
echo "# $("$HAPROXY" -v | head -1)  |  $("$NGINX" -v 2>&1)  |  $("$WRK" -v 2>&1 | head -1 | cut -c1-40)  |  lblab $LBLAB"
echo "# epoll count: ${EPOLL_EVENTS:-n/a (no perf or no tracepoint access)}"

for ((r = 0; r < RUNS; ++r)); do
    one_run haproxy "$HA_PID" "http://127.0.0.1:$HA_PORT/"
    one_run lblab "$LB_PID" "http://127.0.0.1:$LB_PORT/"
done
stop_pid "$HA_PID" TERM; wait "$HA_PID" 2>/dev/null || true; forget_pid "$HA_PID"
stop_pid "$LB_PID"; wait "$LB_PID" 2>/dev/null || true; forget_pid "$LB_PID"
grep -q '"requests"' "$TMP/lblab.json" || { echo "proxy_peers: lblab printed no summary:" >&2; cat "$TMP/lblab.err" >&2; }

FMT='%-8s %8s | %7s %7s %7s %7s %7s | %7s %7s %7s | %7s %7s %7s | %8s | %6s\n'
printf '%-17s | %-39s | %-23s | %-23s | %8s | %6s\n' '' 'cpu us/req' 'voluntary cs/req' 'involuntary cs/req' '' ''
# shellcheck disable=SC2059 # the format is ours
printf "$FMT" proxy req/s proxy nginx wrk sum rest proxy nginx wrk proxy nginx wrk epoll/req idle%
for name in haproxy lblab; do
    read -ra m <<<"$(medians "$name")"
    # shellcheck disable=SC2059
    printf "$FMT" "$name" "${m[@]}"
    [[ $name == haproxy ]] && H=("${m[@]}") || L=("${m[@]}")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
# shellcheck disable=SC2059
printf "$FMT" lb/ha "$(ratio "${L[0]}" "${H[0]}")" '' '' '' "$(ratio "${L[4]}" "${H[4]}")" '' '' '' '' '' '' '' '' ''
echo "# runs (haproxy then lblab, one line per run, same columns):"
for name in haproxy lblab; do sed "s/^/#   $name /" "$TMP/runs-$name"; done
