#!/usr/bin/env bash
# Copies the reports a build wrote under target/ into docs/, for a person to review and commit.
# The build itself never writes the tracked tree (.ci/run fails if it did).
#
#   scripts/update-docs.sh      copies whichever reports exist:
#     poa-auth-reliability/target/reports/RELIABILITY.md  -> docs/RELIABILITY.md
#                                 (written by ./mvnw -B verify -pl poa-auth-reliability -am)
#     poa-auth-keycloak-tests/target/reports/CHAOS.md     -> a section of docs/RELIABILITY.md
#                                 (written by the chaos run in ./mvnw -B verify -Pkeycloak)
#     poa-auth-benchmarks/target/reports/BENCHMARKS.md    -> docs/BENCHMARKS.md
#     poa-auth-benchmarks/target/reports/fleet-refresh-jitter.svg -> docs/ (its plot)
#                                 (written by benchmarks/run.sh, full run)
#
# Exits non-zero if there is no report to copy. Then: git diff docs/, and commit what is right.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "unknown argument '$1': scripts/update-docs.sh takes none" >&2; exit 2 ;;
esac

copied=0
copy() {
  local from=$1 to=$2
  if [[ -f $from ]]; then
    cp "$from" "$to"
    echo "copied $from -> $to"
    copied=$((copied + 1))
  else
    echo "no $from (skipped)"
  fi
}

copy poa-auth-reliability/target/reports/RELIABILITY.md docs/RELIABILITY.md
chaos=poa-auth-keycloak-tests/target/reports/CHAOS.md
if [[ -f $chaos && -f poa-auth-reliability/target/reports/RELIABILITY.md ]]; then
  { echo; cat "$chaos"; } >> docs/RELIABILITY.md
  echo "appended $chaos to docs/RELIABILITY.md"
elif [[ -f $chaos ]]; then
  echo "no reliability report to append $chaos to (skipped)"
fi
copy poa-auth-benchmarks/target/reports/BENCHMARKS.md docs/BENCHMARKS.md
copy poa-auth-benchmarks/target/reports/fleet-refresh-jitter.svg docs/fleet-refresh-jitter.svg

if [[ $copied -eq 0 ]]; then
  echo "nothing to copy: run ./mvnw -B verify -pl poa-auth-reliability -am and/or benchmarks/run.sh first" >&2
  exit 1
fi
git status --short docs/
