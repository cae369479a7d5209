#!/usr/bin/env bash
# Checks the Debian package:
#   deb_test.sh CPACK_CONFIG        builds the .deb with cpack into a temporary directory
#   LBLAB_DEB=FILE deb_test.sh ...  checks FILE instead (scripts/package.sh passes the .deb it made)
# Its name, control fields and contents; then the binary extracted from it lists the presets and
# does a one-second headless run. Exits 77 (skipped) without dpkg-dev's dpkg-shlibdeps, which the
# package's dependencies are computed with.
set -uo pipefail

config=$1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lblab-deb-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

deb=${LBLAB_DEB:-}
if [ -z "$deb" ]; then
  if ! command -v dpkg-shlibdeps >/dev/null || ! command -v dpkg-deb >/dev/null; then
    echo "SKIPPED: install dpkg-dev (scripts/setup.sh does)" >&2
    exit 77
  fi
  if ! cpack --config "$config" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log" >&2
    echo "FAIL: cpack -G DEB" >&2
    exit 1
  fi
  deb=$(find "$tmp/out" -maxdepth 1 -name '*.deb' | head -n 1)
fi
[ -f "$deb" ] || { echo "FAIL: no .deb (${deb:-none})" >&2; exit 1; }
echo "checking $deb"

field() { dpkg-deb -f "$deb" "$1"; }
version=$(field Version)
arch=$(field Architecture)
[ "$(field Package)" = lblab ] || fail "Package is '$(field Package)', not lblab"
[ "$arch" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$arch'"
[ "$(basename "$deb")" = "lblab_${version}_${arch}.deb" ] || fail "file name $(basename "$deb") is not lblab_${version}_${arch}.deb"
grep -q 'libc6' <<<"$(field Depends)" || fail "Depends was not computed from the binary: '$(field Depends)'"
grep -q 'libstdc++6' <<<"$(field Depends)" || fail "Depends lacks libstdc++6: '$(field Depends)'"
grep -q 'libqrencode4' <<<"$(field Depends)" || fail "Depends lacks libqrencode4 (the join QR code): '$(field Depends)'"
[ -n "$(field Section)" ] || fail "no Section"
[ "$(field Maintainer)" = "LB Lab developers" ] || fail "Maintainer is '$(field Maintainer)'"
[ "$(field Description | wc -l)" -ge 5 ] || fail "the Description has no extended text"

contents=$(dpkg-deb -c "$deb") || fail "dpkg-deb -c"
id=io.github.lblab.LBLab
expected=(./usr/bin/lblab
  ./usr/share/applications/$id.desktop
  ./usr/share/metainfo/$id.metainfo.xml
  ./usr/share/icons/hicolor/scalable/apps/$id.svg
  ./usr/share/man/man1/lblab.1.gz
  ./usr/share/doc/lblab/copyright)
for size in 16 22 24 32 48 64 128 256; do
  expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/$id.png")
done
for path in "${expected[@]}"; do
  grep -qE " $(sed 's/\./\\./g' <<<"$path")\$" <<<"$contents" || fail "the package lacks $path"
done
grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/lblab$' <<<"$contents" || fail "usr/bin/lblab is not an executable owned by root"
awk '$2 != "root/root" || substr($1, 6, 1) == "w" || substr($1, 9, 1) == "w"' <<<"$contents" | grep . &&
  fail "files not owned by root, or writable by others"
grep -q ' \./usr/local/' <<<"$contents" && fail "the package installs into /usr/local"

dpkg-deb -x "$deb" "$tmp/root" || fail "dpkg-deb -x"
lblab="$tmp/root/usr/bin/lblab"
if [ -x "$lblab" ]; then
  [ "$("$lblab" --version)" = "lblab $version" ] || fail "the packaged lblab --version says '$("$lblab" --version)', the package $version"
  presets=$(timeout 30 "$lblab" --list-presets) || fail "the packaged lblab --list-presets failed"
  grep -q '^round-robin-basics ' <<<"$presets" || fail "--list-presets does not list round-robin-basics"
  summary=$(timeout 60 "$lblab" --headless --preset round-robin-basics --duration 1 --json 2>"$tmp/run.err") ||
    fail "the packaged lblab --headless failed: $(cat "$tmp/run.err")"
  grep -oE '"requests": *[0-9]+' <<<"$summary" | grep -qvE ': *0$' ||
    fail "the packaged lblab's headless run served no request: $summary"
  gzip -dc "$tmp/root/usr/share/man/man1/lblab.1.gz" | grep -q '^\.TH LBLAB 1' || fail "the packaged man page"
else
  fail "no executable usr/bin/lblab in the package"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "$(basename "$deb"): contents and packaged binary OK"
