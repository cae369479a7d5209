#!/usr/bin/env bash
# Set up (packages, build) and start LB Lab. Arguments go to lblab, e.g.
#   scripts/run.sh --headless --preset round-robin-basics --duration 5 --json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
lblab_install_packages
lblab_build_app >&2
exec "$LBLAB_BUILD_DIR/app/lblab" "$@"
