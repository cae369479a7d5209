#!/usr/bin/env bash
# Set up (packages, build) and run every test, then the benchmark harness in smoke mode. Non-zero on any failure.
#   scripts/test.sh                    the whole suite built with AddressSanitizer + UBSan (build-asan/, -O0):
#                                      a memory error or undefined behaviour anywhere fails the run
#   scripts/test.sh --plain            the same suite without sanitizers (build/, optimised), for quick runs
#                                      and for bench figures that mean something
#   scripts/test.sh --sanitize thread  the whole suite with ThreadSanitizer (build-tsan/, -O1; no bench smoke)
# (--sanitize address is the default run.)
set -euo pipefail
MODE=address
case "${1:-}" in
  "") ;;
  --plain) MODE=plain ;;
  --sanitize)
    case "${2:-}" in
      address) MODE=address ;;
      thread) MODE=thread ;;
      *) echo "usage: scripts/test.sh [--plain | --sanitize address|thread]" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: scripts/test.sh [--plain | --sanitize address|thread]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$MODE" in
  address) export LBLAB_BUILD_DIR="$ROOT/build-asan" ;;
  thread) export LBLAB_BUILD_DIR="$ROOT/build-tsan" ;;
esac
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# chromium: BrowserJoinTest taps the visitor page's buttons in a real browser engine (it skips without one)
lblab_install_packages chromium
supp="$LBLAB_ROOT/tests/sanitizers"
case "$MODE" in
  address)
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    # ASan finds the same bugs at -O0, and the build takes half as long as at -O1.
    # The libraries in batches (LBLAB_UNITY): a clean build of them takes about a third of the time.
    lblab_build -DLBLAB_BUILD_TESTS=ON -DLBLAB_BUILD_BENCH=ON -DCMAKE_CXX_FLAGS_RELEASE=-O0 -DLBLAB_SANITIZE=address \
      -DLBLAB_UNITY=ON ;;
  thread)
    export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
    # TSan's slowdown at -O0 makes the timing-bound tests miss their deadlines.
    lblab_build -DLBLAB_BUILD_TESTS=ON -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DLBLAB_SANITIZE=thread -DLBLAB_UNITY=ON ;;
  plain)
    lblab_build -DLBLAB_BUILD_TESTS=ON -DLBLAB_BUILD_BENCH=ON ;;
esac
export QT_QPA_PLATFORM=offscreen
cd "$LBLAB_BUILD_DIR"
ctest --output-on-failure --timeout 300 -j "$(nproc)"
if [ "$MODE" != thread ]; then
  # The performance harness in smoke mode (seconds each, no speed assertions), so it cannot rot.
  [ "$MODE" = address ] && echo "LB Lab: bench smoke on the sanitizer build: it proves the harness runs; its figures mean nothing"
  LBLAB_BUILD_DIR="$LBLAB_BUILD_DIR" bash "$LBLAB_ROOT/bench/smoke.sh"
fi
