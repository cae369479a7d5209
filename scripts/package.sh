#!/usr/bin/env bash
# Builds the Release tree and the Debian package build/lblab_VERSION_ARCH.deb, then checks it
# (contents, and the packaged binary runs). Install it with: sudo apt-get install ./build/lblab_*.deb
# Arguments go to cmake, e.g. scripts/package.sh -DLBLAB_BUILD_UI=OFF for a package without the window.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# dpkg-dev computes the package's dependencies; the others validate the desktop files.
lblab_install_packages dpkg-dev desktop-file-utils appstream
# Only what the package holds is built; the tests are configured so that ctest knows the packaging ones.
cmake -S "$LBLAB_ROOT" -B "$LBLAB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLBLAB_BUILD_TESTS=ON "$@" >/dev/null
cmake --build "$LBLAB_BUILD_DIR" --parallel "$(nproc)" --target lblab lblab_man
cd "$LBLAB_BUILD_DIR"
rm -f lblab_*.deb
cpack -G DEB
deb=$(ls lblab_*.deb)
LBLAB_DEB="$LBLAB_BUILD_DIR/$deb" QT_QPA_PLATFORM=offscreen ctest --output-on-failure -L packaging
echo "Built $LBLAB_BUILD_DIR/$deb"
echo "Install it with: sudo apt-get install $LBLAB_BUILD_DIR/$deb"
