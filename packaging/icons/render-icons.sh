#!/usr/bin/env bash
# Renders the committed hicolor PNGs from the SVG. Run again after editing the SVG (needs rsvg-convert,
# from librsvg2-bin). The PNGs are committed so that a build needs no SVG renderer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "hicolor/${size}x${size}"
  rsvg-convert -w "$size" -h "$size" io.github.lblab.LBLab.svg -o "hicolor/${size}x${size}/io.github.lblab.LBLab.png"
done
