#!/usr/bin/env bash
# Runs poa-auth's benchmarks and writes a report of what it measured, under target/ only.
#
#   benchmarks/run.sh           full run (about 13 minutes on 2 cores): JMH at 1 and 2 threads
#                               with the GC profiler, the refresh-boundary harness (64 threads,
#                               paced and unpaced), many providers, a fleet, the CLI's cold
#                               start paired with a minimal java.net.http program (10 rounds),
#                               10,000 virtual against 10,000 platform threads (on JDK 21+:
#                               the run's JDK if it is one, else POA_JDK25_HOME or Temurin 25),
#                               the Spring Boot sample's start with and without the starter
#                               (20 rounds);
#                               writes poa-auth-benchmarks/target/reports/BENCHMARKS.md, which
#                               scripts/update-docs.sh copies to docs/BENCHMARKS.md
#   benchmarks/run.sh --smoke   the same steps in seconds, to check that they work; writes only
#                               under poa-auth-benchmarks/target/bench-run
#   --cli-baseline=JAR          (with either) also times `java -jar JAR token` in the cold-start
#                               rounds: another build's CLI jar, e.g. main's, for a before/after
#
# Numbers taken while other work runs on the machine are noisy: the load average is recorded
# before and after every step. JAVA_HOME selects the JDK (default: java on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
cli_baseline=
for arg in "$@"; do
  case "$arg" in
    --smoke) mode=smoke ;;
    --cli-baseline=?*) cli_baseline=$(realpath "${arg#--cli-baseline=}") ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument '$arg': use no argument (full run), --smoke, --cli-baseline=JAR" >&2
       exit 2 ;;
  esac
done
if [[ -n $cli_baseline && ! -f $cli_baseline ]]; then
  echo "--cli-baseline: no file $cli_baseline" >&2
  exit 2
fi

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
  fleet_opts=(--providers=1000 --lifetime-s=60 --lifetimes=5 --step-ms=250)
  vt_opts=(--callers=10000 --latency-ms=200 --rounds=5)
  # Each round waits for quiet CPUs (other processes' builds), 15 minutes at the most in all.
  starter_opts=(--rounds=20 --max-busy=0.25 --max-wait-s=900)
else
  report=$out/BENCHMARKS.md
  jmh_opts=(-f 1 -wi 1 -w 100ms -i 1 -r 100ms)
  harness_opts=(--threads=4 --lifetime-s=2 --latency-ms=20 --refreshes=2 --pause-us=1000
    --pacing=paced --warmup-ms=200)
  cold_runs=2
  many_opts=(--counts=1,10)
  fleet_opts=(--providers=50 --lifetime-s=60 --lifetimes=5 --step-ms=500)
  vt_opts=(--callers=500 --latency-ms=20 --rounds=1)
  starter_opts=(--rounds=1)
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
has_sample=false
if grep -q '<module>poa-auth-spring-boot-sample</module>' pom.xml; then
  modules+=,poa-auth-spring-boot-sample
  has_sample=true
fi
build_cmd=(./mvnw -B -ntp -q -pl "$modules" -am package -DskipTests)
# The sample's runtime classpath, for the starter's start-up step (every module of the reactor
# writes its own target/runtime.classpath; that one is read).
sample_classpath=poa-auth-spring-boot-sample/target/runtime.classpath
if $has_sample; then
  build_cmd+=(dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath
    -DincludeScope=runtime)
fi
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

# --- many providers in one JVM, and a fleet deployed in one second or after an outage ---------
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

# --- 10,000 callers on virtual threads, and on platform threads ------------------------------
# Virtual threads need Java 21+: the run's JDK if it is one, else JDK 25 (the machine's Temurin
# 25 beside the default 17, or POA_JDK25_HOME).
vt_java=$java
if [[ $("$java" -XshowSettings:properties -version 2>&1 \
    | awk -F' = ' '/java.specification.version/ { print $2 }') -lt 21 ]]; then
  vt_java=${POA_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
fi
vt_cmd=("$vt_java" -Xms1g -Xmx1g -cp "$jar" io.github.poaauth.benchmarks.VirtualThreadsHarness
  "${vt_opts[@]}" "--markdown=$out/virtual-threads.md")
say "${vt_cmd[*]}"
note_load "before virtual threads"
"${vt_cmd[@]}" > /dev/null
note_load "after virtual threads"

# --- cold start of the CLI, paired with a minimal java.net.http program ---------------------
# One sandbox (in the harness's JVM) answers every run; the rounds alternate the commands.
# The yardstick comes first: the least a Java program does to get the token (MinimalTokenPost,
# default JVM options). Then the CLI as the README tells partners to run it (the launcher
# poa-auth next to the jar), the same jar with plain `java -jar`, a baseline jar if given, and,
# for comparison only, the minimal program with the launcher's JVM options and its own
# class-data archive: what those options alone are worth.
cli_launcher=poa-auth-cli/target/poa-auth
launcher_opts=$(sed -n 's/^opts="\(.*\)"$/\1/p' poa-auth-cli/src/main/launcher/poa-auth 2>/dev/null || true)
# The module's own jar (a class-data archive takes jars only, not class directories).
minimal_jar=$(find poa-auth-benchmarks/target -maxdepth 1 -name 'poa-auth-benchmarks-*.jar' \
  ! -name '*-sources.jar' ! -name '*-javadoc.jar' | head -n 1)
minimal_cp="-cp $minimal_jar io.github.poaauth.benchmarks.MinimalTokenPost"
cold_cmd=()
archive_write_ms=
if $has_cli && [[ -f $cli_jar ]]; then
  cold_commands=("--command=minimal=$java $minimal_cp")
  if [[ -x $cli_launcher ]]; then
    cold_commands+=("--command=poa-auth (launcher)=$cli_launcher token")
    # What the launcher's first run with a new jar or JDK adds: writing its archive.
    start_ns=$(date +%s%N)
    POA_AUTH_CDS=write "$cli_launcher"
    archive_write_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  fi
  cold_commands+=("--command=java -jar=$java -jar $cli_jar token")
  if [[ -n $cli_baseline ]]; then
    cold_commands+=("--command=baseline jar=$java -jar $cli_baseline token")
  fi
  minimal_jsa=$PWD/$out/minimal.jsa
  [[ -n $launcher_opts ]] && cold_commands+=("--command=minimal, launcher's JVM options=$java $launcher_opts -XX:SharedArchiveFile=$minimal_jsa $minimal_cp")
  cold_cmd=("$java" -cp "$jar" io.github.poaauth.benchmarks.ColdStartHarness
    "--rounds=$cold_runs" "--markdown=$out/cold-start.md")
  [[ -n $launcher_opts ]] && cold_cmd+=(
    "--setup=minimal's archive=$java $launcher_opts -XX:ArchiveClassesAtExit=$minimal_jsa $minimal_cp")
  cold_cmd+=("${cold_commands[@]}")
  say "${cold_cmd[*]}"
  note_load "before cold start"
  "${cold_cmd[@]}" > /dev/null
  note_load "after cold start"
  cold_section="\`ColdStartHarness\` (command below): the time from starting a process to its exit, for
each command, against one \`poa-auth-sandbox\` on loopback that the harness starts once. The
first command is the yardstick the CLI is held to (at most 1.1x it): a minimal
program that sends the same form POST with \`java.net.http\` and prints the body
(\`MinimalTokenPost\`, plain \`java -cp\` with the benchmark module's jar, default JVM
options). Then the CLI as the README runs it (the launcher \`poa-auth\`: C1 only, serial GC,
its class-data archive) and the same jar with plain \`java -jar\`. The last row is for comparison only: the minimal program with the
launcher's JVM options and a class-data archive of its own, i.e. what those options are worth
to any program; the CLI's distance to it is what poa-auth itself costs. Every command reads
\`POA_BASE_URL\`, \`POA_CLIENT_ID\` and \`POA_CLIENT_SECRET\` from its environment, and none gets
\`JAVA_TOOL_OPTIONS\` or \`JDK_JAVA_OPTIONS\`. *Paired ratio* is the median over the rounds of
each round's run divided by the yardstick's run of the same round. *Token line to exit* is what
a JVM spends after printing. The first run of each command is untimed and shown apart (page
cache).

$(cat "$out/cold-start.md")
${archive_write_ms:+
Writing the launcher's class-data archive (\`POA_AUTH_CDS=write $cli_launcher\`, a
\`token --sandbox\` training run; the build does it, and the launcher's first run after the jar or
the JDK changed): $archive_write_ms ms, once.}"
else
  cold_section="Not measured: \`poa-auth-cli\` is not a module of this checkout yet, so there is no
\`$cli_jar\`."
fi

# --- the Spring Boot sample's start-up, with and without the starter ---------------------------
# Fresh JVMs in pairs (order alternating); both on the sample's classpath, "without" excluding
# the starter's auto-configurations. One sandbox (in the harness's JVM) for the starter to point at.
starter_cmd=()
if $has_sample; then
  sample_jar=$(find poa-auth-spring-boot-sample/target -maxdepth 1 \
    -name 'poa-auth-spring-boot-sample-*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' \
    | head -n 1)
  starter_cmd=("$java" -cp "$jar" io.github.poaauth.benchmarks.StarterStartupHarness
    "${starter_opts[@]}" "--classpath-file=$sample_classpath"
    "--classpath=$sample_jar" "--classpath=$minimal_jar" "--markdown=$out/starter-startup.md")
  say "${starter_cmd[*]}"
  note_load "before the starter's start-up"
  "${starter_cmd[@]}" > /dev/null
  note_load "after the starter's start-up"
  starter_section="\`StarterStartupHarness\` (command above): the Spring Boot sample
(\`poa-auth-spring-boot-sample\`: OpenFeign, RestClient, Actuator, Prometheus, poa-auth-micrometer
and the starter) started in a fresh JVM per run (\`SpringStartupProbe\`, default JVM options),
*with* the starter as it is and *without* it: the same classpath, application, arguments and
environment, plus \`--spring.autoconfigure.exclude=\` the starter's auto-configurations
(\`PoaAuthAutoConfiguration\`, \`PoaAuthHealthAutoConfiguration\`,
\`PoaAuthMetricsAutoConfiguration\`, read from its \`AutoConfiguration.imports\`). The sample's
own beans (its Feign client and RestClient) depend on no poa-auth bean and are in both; so the
difference is what the starter's auto-configuration adds, not the cost of its jars merely being
on the classpath. The starter points at one \`poa-auth-sandbox\` on loopback; it fetches no token
at start (the count below). Each round runs both, the order alternating; the cost is the median
of the rounds' differences, and its ratio to the sample's start is the figure the starter keeps
under 5 %. Elapsed and CPU times move with the machine's load, which is why each round first
waits for the CPUs to be quiet; class counts and memory do not. Heap is \`MemoryMXBean\` heap
used after two \`System.gc()\` once \`run\` returned.

$(cat "$out/starter-startup.md")"
else
  starter_section="Not measured: \`poa-auth-spring-boot-sample\` is not a module of this checkout."
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
${vt_cmd[*]}
EOF
  if (( ${#cold_cmd[@]} )); then printf '%q ' "${cold_cmd[@]}"; echo; fi
  if (( ${#starter_cmd[@]} )); then echo "${starter_cmd[*]}"; fi
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

## A fleet deployed in one second, and after an outage

\`FleetSimulation\` (command above): N providers (one per simulated service) against one sandbox,
each calling \`token()\` at every step of a simulated clock, for several token lifetimes after a
moment that makes every provider fetch at once: *start*, the whole fleet deployed in the same
second; *outage*, the same fleet after two lifetimes, cut off from the endpoint (connections
refused) for 2 minutes or a lifetime, whichever is longer, so that every token expires and all
providers fetch again when it ends. The providers use POA's defaults scaled to the lifetime L
(5 minutes, 30 s and 30 s of 30 minutes): refresh ahead L/6, expiry skew L/60, circuit breaker
open at most L/60; each fetch makes one attempt (retries wait in real time, which the simulated
clock does not see). Requests are real (loopback); time is simulated, so short tokens and long
ones give the same shape, except that fewer requests per second make the peak second noisier.
Cycle k is the k-th lifetime after that moment; its peak second leaves out the synchronising
fetch itself (N requests by construction) and is held against the bound 1.5 × N / (W/2), W the
refresh-ahead window in seconds, next to the Poisson yardstick: the peak second if the N
refreshes fell independently at random over W/2 seconds. *Off* is \`refreshJitter(false)\`
(every refresh of the fleet in the same second), *on* the default. Invariants checked in each
run: no caller blocks and no call fails outside the outage, no token handed out past its expiry,
token requests equal refreshes.

![requests per second at the endpoint, both scenarios, jitter off and on](fleet-refresh-jitter.svg)

EOF
  cat "$out/fleet.md"
  cat <<EOF

## Virtual threads: 10,000 callers at once

\`VirtualThreadsHarness\` (command above; JDK 21 or later): 10,000 callers of one provider,
started first and released together by a latch, against \`poa-auth-sandbox\` on loopback with its
latency fault; on virtual threads, then on as many platform threads. *cold*: a new provider,
every caller waits for the one token request; *expired*: the cached token has expired on the
provider's injected clock (refresh-ahead off), every caller waits for the one refresh;
*async*: \`tokenAsync().thenApplyAsync(..., executor)\` with the provider's executor and the
composition on the same kind of thread (a virtual thread per task, or a cached pool of platform
threads). *All calls* runs from releasing the callers to the last return, median of the timed
rounds after one untimed; *start* is creating and starting the callers until all wait (the
largest of the rounds). *Pinned* counts JFR \`jdk.VirtualThreadPinned\` events of any duration
during the timed rounds, and in brackets during the untimed first one, where a carrier can be
pinned while a virtual thread loads or initializes a class (once per class per JVM). The same
properties are asserted, with the refresh-ahead window too, by the client's
\`VirtualThreadsTest\` in the JDK 25 line of \`.ci/matrix\`.

$(cat "$out/virtual-threads.md")

## Cold start

$cold_section

## Spring Boot start-up: what the starter adds

$starter_section
EOF
} > "$report.tmp"
mv "$report.tmp" "$report"

say "wrote $report"
if [[ $mode == smoke ]]; then
  # The smoke run checks that every step produced its part, not how fast anything was.
  parts=('PoaTokenProvider.token()' 'token() / floor 2' 'server requests equal refreshes'
    'heap per provider' '| outage | refreshJitter on |' '| async | virtual |')
  if $has_cli; then parts+=('| minimal: `' 'paired ratio'); fi
  if $has_sample; then parts+=('Spring'"'"'s "Started ... in"' 'Bean definitions only "with"'); fi
  for part in "${parts[@]}"; do
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
