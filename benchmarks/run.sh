#!/usr/bin/env bash
# Runs poa-auth's benchmarks and writes a report of what it measured, under target/ only.
#
#   benchmarks/run.sh           full run (about 6 minutes on 2 cores): JMH at 1 and 2 threads
#                               with the GC profiler, the refresh-boundary harness (64 threads,
#                               paced and unpaced), the CLI's cold start; writes
#                               poa-auth-benchmarks/target/reports/BENCHMARKS.md, which
#                               scripts/update-docs.sh copies to docs/BENCHMARKS.md
#   benchmarks/run.sh --smoke   the same steps in seconds, to check that they work; writes only
#                               under poa-auth-benchmarks/target/bench-run
#
# Numbers taken while other work runs on the machine are noisy: the load average is recorded
# before and after every step. JAVA_HOME selects the JDK (default: java on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
  "") ;;
  --smoke) mode=smoke ;;
  -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
  *) echo "unknown argument '$1': use no argument (full run) or --smoke" >&2; exit 2 ;;
esac

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out=poa-auth-benchmarks/target/bench-run
jar=poa-auth-benchmarks/target/benchmarks.jar
cli_jar=poa-auth-cli/target/poa-auth-cli.jar
if [[ $mode == full ]]; then
  report=poa-auth-benchmarks/target/reports/BENCHMARKS.md
  jmh_opts=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
  harness_opts=(--threads=64 --lifetime-s=3 --latency-ms=200 --refreshes=10 --pause-us=1000
    --pacing=paced,unpaced --warmup-ms=1000)
  cold_runs=10
  many_opts=(--counts=1,10,100,1000)
  fleet_opts=(--providers=1000 --lifetime-s=60 --lifetimes=3 --step-ms=250)
else
  report=$out/BENCHMARKS.md
  jmh_opts=(-f 1 -wi 1 -w 100ms -i 1 -r 100ms)
  harness_opts=(--threads=4 --lifetime-s=2 --latency-ms=20 --refreshes=2 --pause-us=1000
    --pacing=paced --warmup-ms=200)
  cold_runs=2
  many_opts=(--counts=1,10)
  fleet_opts=(--providers=50 --lifetime-s=60 --lifetimes=3 --step-ms=500)
fi

loads=()
note_load() { loads+=("$1: $(cut -d' ' -f1-3 /proc/loadavg)"); }
say() { printf '\n==> %s\n' "$*" >&2; }

# --- build ----------------------------------------------------------------------------------
modules=poa-auth-benchmarks
has_cli=false
if grep -q '<module>poa-auth-cli</module>' pom.xml; then
  modules+=,poa-auth-cli
  has_cli=true
fi
build_cmd=(./mvnw -B -ntp -q -pl "$modules" -am package -DskipTests)
say "${build_cmd[*]}"
"${build_cmd[@]}"
rm -rf "$out" && mkdir -p "$out" "$(dirname "$report")"

# --- JMH ------------------------------------------------------------------------------------
jmh_cmds=()
note_load "before JMH"
for threads in 1 2; do
  cmd=("$java" -jar "$jar" "${jmh_opts[@]}" -t "$threads" -foe true -prof gc -rf json
    -rff "$out/jmh-t$threads.json" TokenBenchmarks)
  jmh_cmds+=("${cmd[*]}")
  say "${cmd[*]}"
  "${cmd[@]}" | tee "$out/jmh-t$threads.txt" \
    | { grep -E '^(# Run progress|Benchmark |TokenBenchmarks)' || true; } >&2
  note_load "after JMH, $threads thread(s)"
done
report_cmd=("$java" -cp "$jar" io.github.poaauth.benchmarks.JmhReport "$out/jmh.md"
  "$out/jmh-t1.json" "$out/jmh-t2.json")
"${report_cmd[@]}" >/dev/null

# --- refresh-boundary harness ---------------------------------------------------------------
# A fixed heap, so that the young generation is not resized under the callers' feet.
harness_cmd=("$java" -Xms1g -Xmx1g -cp "$jar" io.github.poaauth.benchmarks.RefreshBoundaryHarness
  "${harness_opts[@]}" "--markdown=$out/harness.md")
say "${harness_cmd[*]}"
note_load "before harness"
"${harness_cmd[@]}" >&2
note_load "after harness"

# --- many providers in one JVM, and a fleet deployed in one second ----------------------------
many_cmd=("$java" -Xmx2g -cp "$jar" io.github.poaauth.benchmarks.ManyProviders "${many_opts[@]}")
say "${many_cmd[*]}"
note_load "before many providers"
"${many_cmd[@]}" > "$out/many.md"
fleet_cmd=("$java" -Xmx2g -cp "$jar" io.github.poaauth.benchmarks.FleetSimulation "${fleet_opts[@]}"
  "--out=$out")
say "${fleet_cmd[*]}"
note_load "before fleet"
"${fleet_cmd[@]}" > /dev/null
note_load "after fleet"
if [[ $mode == full ]]; then
  cp "$out/fleet.svg" "$(dirname "$report")/fleet-refresh-jitter.svg"
fi

# --- cold start of the CLI ------------------------------------------------------------------
cold_cmd=("$java" -jar "$cli_jar" token --sandbox)
if $has_cli && [[ -f $cli_jar ]]; then
  say "cold start: ${cold_cmd[*]} x $cold_runs"
  note_load "before cold start"
  : > "$out/cold-start-ms.txt"
  : > "$out/cold-start-exit-ms.txt"
  for ((i = 0; i < cold_runs; i++)); do
    start=$(date +%s%N)
    # The CLI prints the token as soon as it has it: the first line on stdout marks the token.
    if ! first=$("${cold_cmd[@]}" 2> "$out/cold-start-stderr.txt" \
        | { IFS= read -r _ && date +%s%N; cat > /dev/null; }); then
      echo "the CLI failed; its stderr:" >&2
      cat "$out/cold-start-stderr.txt" >&2
      exit 1
    fi
    end=$(date +%s%N)
    echo $(( (first - start) / 1000000 )) >> "$out/cold-start-ms.txt"
    echo $(( (end - start) / 1000000 )) >> "$out/cold-start-exit-ms.txt"
  done
  note_load "after cold start"
  stats() {  # file -> "median min max sorted-list"
    local sorted n median
    local -a v
    sorted=$(sort -n "$1" | tr '\n' ' ')
    read -r -a v <<< "$sorted"
    n=${#v[@]}
    if (( n % 2 )); then median=${v[n / 2]}; else median=$(( (v[n / 2 - 1] + v[n / 2]) / 2 )); fi
    echo "$median ms | ${v[0]} ms | ${v[n - 1]} ms | $sorted"
  }
  cold_section="\`${cold_cmd[*]}\`, $cold_runs runs one after another, wall time from starting
the process to the first line it prints on stdout (the token: JVM start, sandbox start, the
token request) and to its exit:

| | median | min | max | all (ms, sorted) |
|---|---:|---:|---:|---|
| JVM start to first token | $(stats "$out/cold-start-ms.txt")|
| JVM start to exit | $(stats "$out/cold-start-exit-ms.txt")|"
else
  cold_section="Not measured: \`poa-auth-cli\` is not a module of this checkout yet, so there is no
\`$cli_jar\`. Once it is, this script builds it and times \`${cold_cmd[*]}\`
$cold_runs times (wall time from process start to the first token and to exit)."
fi

# --- the report (docs/BENCHMARKS.md once scripts/update-docs.sh copies it) ---------------------
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)
jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '
  /java.vm.name/ { name = $2 } /java.runtime.version/ { version = $2 } /java.vm.vendor/ { vendor = $2 }
  END { print name " " version " (" vendor ")" }')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -v '^?? ' | grep -qv 'docs/BENCHMARKS.md' && echo " (with local changes)" || true)

{
  cat <<EOF
# Benchmarks

Written by \`benchmarks/run.sh\` ($mode run) on $(date -u +'%Y-%m-%d %H:%M UTC'), commit \`$commit\`$dirty.
Do not edit by hand: run the script again, then \`scripts/update-docs.sh\`.

## Machine

| | |
|---|---|
| CPU | $cpu, $(nproc) cores (\`nproc\`) |
| memory | $mem |
| kernel | $(uname -sr), clock source \`$clocksource\` |
| JDK | $jdk |

Load average (1, 5, 15 min) along the run; the machine is shared, so figures taken under load
are noisy and the floors, measured in the same conditions, are the yardstick:

EOF
  for l in "${loads[@]}"; do echo "- $l"; done
  cat <<EOF

## Commands

\`\`\`
${build_cmd[*]}
${jmh_cmds[0]}
${jmh_cmds[1]}
${report_cmd[*]}
${harness_cmd[*]}
${many_cmd[*]}
${fleet_cmd[*]}
EOF
  if $has_cli && [[ -f $cli_jar ]]; then echo "${cold_cmd[*]}    # $cold_runs times"; fi
  cat <<EOF
\`\`\`

## Hot path: \`token()\` against the floors (JMH)

JMH 1.37, average time per call, one fork, 3 × 1 s warm-up and 5 × 1 s measurement per
benchmark and thread count (smoke runs: 1 × 100 ms each). B/op is \`gc.alloc.rate.norm\` from
\`-prof gc\`; figures below 0.5 B/op are JMH's own bookkeeping spread over the calls and count as
zero. Floor 1 is a volatile read of a cached object; floor 2 adds one
\`Clock.systemUTC().millis()\` comparison, the least any cache that checks expiry per call pays.
The baseline is a \`synchronized\` check-expiry-and-return cache. The interceptor runs on a
Feign \`RequestTemplate\` with a relative URL and a \`HardCodedTarget\` for \`https://api.example\`;
its reference row is Feign's own \`removeHeader\` + \`header\` with the same header value and
no token lookup or host check. The token comes from \`poa-auth-sandbox\`: a JWT, as POA's are (its
length is given with the refresh-boundary settings below). At 2 threads on 2 cores, any other
process that runs takes a core from a benchmark thread: the report flags a 2-thread floor that
is slower than its 1-thread figure, which only such load explains.

EOF
  cat "$out/jmh.md"
  cat <<EOF

## Refresh boundary

Every provider row starts with one untimed \`token()\` (the cold fetch), then the callers run
until they have seen the wanted number of new tokens; at that moment no refresh is due, so the
server's count is final. *Server requests / refreshes* compares the token requests the endpoint
received with the new tokens callers saw; *past expiry* counts calls whose token's
\`expiresAt()\` was at or before the caller's clock right after \`token()\` returned. The
provider hands a token out only while it has at least the expiry skew to live, so a past-expiry
call that took longer than the skew can be a caller descheduled between the provider's check and
its own clock read; the bracketed count is those that took less, which only a provider fault
could explain. The floor
row is a cached volatile read under the same threads and pacing, for as long as the
refresh-ahead row: what this machine's scheduler alone does to caller latency. The targets
apply to the paced mode; with 64 threads on $(nproc) cores the unpaced mode mostly measures the
scheduler; its 64 runnable threads also raise the load average recorded after the harness.
Every row starts on a freshly collected heap (\`System.gc()\` before the callers start), so no
collection in it is owed to an earlier row; *GCs (ms)* counts the collections that still
happened during the row and their total time: a stop-the-world pause shows up in every
caller's latency at once. Endpoint: \`poa-auth-sandbox\` on loopback, its latency fault holding every answer; it counts a
token request on arrival, and the provider and the sandbox are closed before the count is read.

EOF
  cat "$out/harness.md"
  cat <<EOF

## Many providers in one JVM

N providers with default settings against one sandbox, all moved into their refresh-ahead
window at once by a stepped clock (the worst case for a shared pool). *Threads* is the most
poa-auth threads alive while the refreshes run: the shared refresh pool (at most 4) and the
shared HTTP client's; version 0.1 held one refresh thread per provider (99 providers, 99
threads). *Heap per provider* is the heap growth after every provider has its token, divided by
N (for N = 1 it includes the one-time cost of the classes and the shared HTTP client).

EOF
  cat "$out/many.md"
  cat <<EOF

## A fleet deployed in one second

N providers (one per simulated service), all started in the same second against one sandbox,
each calling \`token()\` at every step of a simulated clock, over several token lifetimes; refresh
ahead is a sixth of the lifetime (5 of 30 minutes, as by default for POA's tokens). Requests are
real (loopback); time is simulated, so short tokens and long ones give the same ratios, except
that fewer requests per second make the peak second noisier (the Poisson column). *Before* is
\`refreshJitter(false)\` (version 0.1: every refresh of the fleet in the same second), *after*
the default. Invariants checked in each run: no caller blocks after its first token, no token
handed out past its expiry, token requests equal refreshes.

![requests per second at the endpoint, before and after](fleet-refresh-jitter.svg)

EOF
  cat "$out/fleet.md"
  cat <<EOF

## Cold start

$cold_section
EOF
} > "$report.tmp"
mv "$report.tmp" "$report"

say "wrote $report"
if [[ $mode == smoke ]]; then
  # The smoke run checks that every step produced its part, not how fast anything was.
  for part in 'PoaTokenProvider.token()' 'token() / floor 2' 'server requests equal refreshes' \
      'heap per provider' 'refreshJitter on (after)'; do
    grep -qF "$part" "$report" || { echo "smoke run FAILED: no '$part' in $report" >&2; exit 1; }
  done
  for invariant in 'server requests equal refreshes' 'no token handed out past its expiry'; do
    if grep -F '**missed**' "$report" | grep -qF "$invariant"; then
      echo "smoke run FAILED: $invariant does not hold, see $report" >&2
      exit 1
    fi
  done
  echo "smoke run OK: $report" >&2
fi
