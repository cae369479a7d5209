#!/usr/bin/env bash
# Set up (packages, build) and run every test. Non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
lblab_install_packages
lblab_build -DLBLAB_BUILD_TESTS=ON
export QT_QPA_PLATFORM=offscreen
cd "$LBLAB_BUILD_DIR"
ctest --output-on-failure --timeout 300 -j "$(nproc)"
