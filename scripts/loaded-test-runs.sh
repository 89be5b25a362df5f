#!/usr/bin/env bash
# The client and starter suites, N runs in a row (default 5), while two CPU-bound processes
# compete for the (2-core) machine: the check that no test depends on the
# machine being idle. Each run must pass with 0 skipped; the summary lines go to stdout.
#   scripts/loaded-test-runs.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
./mvnw -B -q -ntp -DskipTests -Dpoa.release.skip=true test-compile \
  -pl poa-auth-spring-boot-autoconfigure -am >/dev/null
# Two CPU burners; each ends with this script (exec: the burner is the background job itself).
burners=()
for _ in 1 2; do
  exec_burner() { exec sha256sum /dev/zero >/dev/null 2>&1; }
  exec_burner &
  burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  log="target/loaded-run-$i.log"
  mkdir -p target
  # The reactor builds what the two modules need; only their own tests run (the agent test runs
  # in its own execution, whatever -Dtest says).
  if ./mvnw -B -o -Dpoa.release.skip=true -pl poa-auth-spring-boot-autoconfigure -am test \
      -Dtest='io/github/poaauth/client/**/*,io/github/poaauth/spring/**/*,!**/PoaAuthRuntimeHintsAgentTest*' \
      -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    status=passed
  else
    status=FAILED; failed=1
  fi
  summary=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" | tr '\n' ' ')
  echo "run $i: $status; $summary(load $(cut -d' ' -f1 /proc/loadavg))"
  if grep -qE 'Skipped: [1-9]' "$log"; then
    echo "run $i: tests were skipped" >&2; failed=1
  fi
done
exit $failed
