#!/usr/bin/env bash
# Set up (packages, build) and run every test, then the benchmark harness in smoke mode. Non-zero on any failure.
# scripts/test.sh --sanitize address|thread: the same suite built with ASan+UBSan (build-asan/) or TSan (build-tsan/).
set -euo pipefail
SANITIZE=""
if [ "${1:-}" = "--sanitize" ]; then
  SANITIZE="${2:-}"
  case "$SANITIZE" in
    address) dir=build-asan; opt=-O0 ;; # ASan finds the same bugs at -O0 and the build takes half as long
    thread) dir=build-tsan; opt=-O1 ;;  # TSan's slowdown at -O0 makes the timing-bound tests miss deadlines
    *) echo "usage: scripts/test.sh [--sanitize address|thread]" >&2; exit 2 ;;
  esac
  export LBLAB_BUILD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$dir"
fi
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
lblab_install_packages
if [ -n "$SANITIZE" ]; then
  supp="$LBLAB_ROOT/tests/sanitizers"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
  lblab_build -DLBLAB_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=$opt -DLBLAB_SANITIZE="$SANITIZE"
else
  lblab_build -DLBLAB_BUILD_TESTS=ON -DLBLAB_BUILD_BENCH=ON
fi
export QT_QPA_PLATFORM=offscreen
cd "$LBLAB_BUILD_DIR"
ctest --output-on-failure --timeout 300 -j "$(nproc)"
if [ -z "$SANITIZE" ]; then
  # The performance harness in smoke mode (seconds each, no speed assertions), so it cannot rot.
  LBLAB_BUILD_DIR="$LBLAB_BUILD_DIR" bash "$LBLAB_ROOT/bench/smoke.sh"
fi
