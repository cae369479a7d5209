#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/ and runs each for N seconds.
# Usage: scripts/fuzz.sh [seconds, default 30]. Non-zero if a target crashes, leaks or trips a sanitizer.
set -euo pipefail
SECONDS_PER_TARGET="${1:-30}"
export LBLAB_BUILD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-fuzz"
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
lblab_install_packages "${LBLAB_CLANG_PACKAGES[@]}"
CC=clang CXX=clang++ cmake -S "$LBLAB_ROOT" -B "$LBLAB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLBLAB_FUZZ=ON -DLBLAB_BUILD_UI=OFF -DLBLAB_BUILD_TESTS=OFF >/dev/null
TARGETS=(request_fuzzer scenario_fuzzer)
cmake --build "$LBLAB_BUILD_DIR" --parallel "$(nproc)" --target "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do
  name="${t%_fuzzer}"
  work="$LBLAB_BUILD_DIR/corpus/$name"   # grows here; the committed seeds stay as they are
  mkdir -p "$work"
  echo "LB Lab: fuzzing $t for ${SECONDS_PER_TARGET}s"
  "$LBLAB_BUILD_DIR/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" "$LBLAB_ROOT/fuzz/corpus/$name"
done
