#!/usr/bin/env bash
# Validates the desktop integration files:
#   validate.sh DESKTOP_FILE METAINFO_FILE MAN_PAGE LBLAB_BINARY
# desktop-file-validate and `appstreamcli validate` must pass (pedantic notes are fine, errors are not);
# the desktop file, metainfo and icon agree on one app id; the man page is clean troff and documents
# every option that `lblab --help` prints, at the version `lblab --version` prints.
# Exits 77 (skipped) when a validator is missing and nothing else failed: scripts/setup.sh installs them.
set -uo pipefail

desktop=$1 metainfo=$2 manpage=$3 lblab=$4
failures=0 missing=()
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

app_id=$(basename "$desktop" .desktop)

if command -v desktop-file-validate >/dev/null; then
  out=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $out"
  [ -n "$out" ] && echo "$out"
else
  missing+=(desktop-file-utils)
fi

if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net --pedantic "$metainfo" || fail "appstreamcli validate $metainfo"
else
  missing+=(appstream)
fi

# One id everywhere, so that software centres find the menu entry and the icon.
grep -qx "Icon=$app_id" "$desktop" || fail "the desktop file's Icon is not $app_id"
grep -qx "Exec=lblab" "$desktop" || fail "the desktop file does not start lblab"
grep -q "<id>$app_id</id>" "$metainfo" || fail "the metainfo's id is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
  fail "the metainfo does not launch $app_id.desktop"
grep -q "<binary>lblab</binary>" "$metainfo" || fail "the metainfo does not provide the binary lblab"
grep -q "@[A-Z_]*@" "$metainfo" "$manpage" && fail "a placeholder was not configured"

version=$("$lblab" --version | awk '{print $2}')
[ -n "$version" ] || fail "lblab --version printed no version"
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo's release is not $version"
grep -q "^\.TH LBLAB 1 .*lblab $version" "$manpage" || fail "the man page is not for lblab $version"

if command -v groff >/dev/null; then
  warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z "$manpage" 2>&1)
  [ -z "$warnings" ] || fail "groff warns about the man page: $warnings"
else
  missing+=(groff)
fi

# Every option of --help has its entry in OPTIONS (troff writes a hyphen as \-).
help=$("$lblab" --help) || fail "lblab --help failed"
options=$(grep -oE '^ +(-[a-z], )?--[a-z-]+' <<<"$help" | grep -oE -- '--[a-z-]+' | sort -u)
[ "$(wc -l <<<"$options")" -ge 10 ] || fail "found too few options in --help: $options"
for option in $options; do
  grep -qF -- "$(sed 's/-/\\-/g' <<<"$option")" "$manpage" || fail "the man page does not document $option"
done

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED in part: install ${missing[*]} (scripts/setup.sh does)" >&2
  exit 77
fi
echo "desktop file, metainfo and man page: valid"
