#!/usr/bin/env bash
# tools/vyoma/docs.sh — the generated part of docs/apps.md: the lines
# between "<!-- manifest-reference: begin ... -->" and
# "<!-- manifest-reference: end -->" are what `vyoma manifest-reference`
# prints (the manifest's schema rows, profile/manifest.c).
#
#   tools/vyoma/docs.sh VYOMA DOC           rewrite DOC's table (make docs)
#   tools/vyoma/docs.sh --check VYOMA DOC   exit 1, with a diff, if DOC's
#                                           table is not the generated one
set -uo pipefail
check=
if [ "${1:-}" = --check ]; then check=1; shift; fi
[ $# -eq 2 ] || { echo "usage: $0 [--check] VYOMA DOC" >&2; exit 2; }
vyoma=$1 doc=$2
begin='^<!-- manifest-reference: begin'
end='^<!-- manifest-reference: end -->$'
if [ "$(grep -c "$begin" "$doc")" -ne 1 ] || [ "$(grep -c "$end" "$doc")" -ne 1 ]; then
  echo "$doc: want one begin and one end marker of the manifest reference" >&2
  exit 1
fi
table=$("$vyoma" manifest-reference) || exit 1
new=$(awk -v table="$table" -v b="$begin" -v e="$end" '
  $0 ~ b { print; print table; skip = 1; next }
  $0 ~ e { skip = 0 }
  !skip { print }' "$doc")
if [ -n "$check" ]; then
  if ! diff -u "$doc" <(printf '%s\n' "$new") >&2; then
    echo "$doc: the manifest reference differs from \`vyoma manifest-reference\` (make docs)" >&2
    exit 1
  fi
  exit 0
fi
printf '%s\n' "$new" >"$doc.tmp" && mv "$doc.tmp" "$doc"
