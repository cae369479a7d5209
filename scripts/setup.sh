#!/usr/bin/env bash
# Shared by run.sh and test.sh: install what LB Lab needs (only what is missing), then configure
# and build. Safe to run again and again.
set -euo pipefail

LBLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LBLAB_BUILD_DIR="${LBLAB_BUILD_DIR:-$LBLAB_ROOT/build}"
LBLAB_PACKAGES=(cmake g++ ninja-build pkg-config
  qt6-base-dev libqcustomplot-dev libboost1.81-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  xvfb xauth fonts-dejavu-core imagemagick curl dpkg-dev desktop-file-utils appstream groff-base
  haproxy nginx-light redis-server libhiredis-dev libssl-dev libqrencode-dev)
# haproxy and nginx-light are the outside engines (--engine haproxy|nginx), redis-server the shared session
# store. The lab starts them as its own children with a generated configuration in a private folder; their
# system services are never started. libhiredis-dev and libssl-dev: the store's client and signed sessions.
# libqrencode-dev: the join window's QR code (the .deb then depends on libqrencode4).
# Only for scripts/fuzz.sh (libFuzzer needs clang and its runtime); the default paths never install them.
LBLAB_CLANG_PACKAGES=(clang libclang-rt-14-dev)

lblab_install_packages() {
  local missing=()
  for p in "${LBLAB_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "LB Lab: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Debian starts a daemon's service when it installs it; the lab wants only the programs. A
  # policy-rc.d that answers 101 ("action forbidden") keeps haproxy and nginx from starting as services,
  # during this install only (one the machine already has is left alone).
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$own_policy" -eq 0 ] || $sudo rm -f "$policy"
}

# lblab_build [extra cmake args...]: configures and builds everything (tests, benchmarks if asked).
lblab_build() {
  cmake -S "$LBLAB_ROOT" -B "$LBLAB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$LBLAB_BUILD_DIR" --parallel "$(nproc)"
}

# lblab_build_app: configures and builds only the lblab program, so a first start does not compile the
# test suite (an existing build directory keeps its options).
lblab_build_app() {
  cmake -S "$LBLAB_ROOT" -B "$LBLAB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$LBLAB_BUILD_DIR" --parallel "$(nproc)" --target lblab
}
