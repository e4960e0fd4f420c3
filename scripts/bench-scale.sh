#!/usr/bin/env bash
# Scale benchmark (docs/scaling.md): the shaded jar with the launcher's JVM flags (scripts/run.sh) serves a
# synthetic cluster of each size below — fake Slurm commands in slurm.bin_dir printing captured-format
# output (bench/ScaleBench.java) — with accounting on and N service checks; a keep-alive client measures
# series by family prefix, body bytes, scrape time; then the exporter's RSS and heap (jcmd). No Slurm, no
# root, no network beyond 127.0.0.1. Runs at nice 10. About 1 minute per scenario.
#
#   scripts/bench-scale.sh [ROUNDS] [SECONDS] [SCENARIO...]     (default 3 rounds of 10 s, all scenarios)
#   OUT=/tmp/bench-scale  results: $OUT/<scenario>.txt and $OUT/summary.txt
#
# A scenario is NAME:NODES:JOBS:USERS:CHECKS:PROFILE[:HEAP] (profile: default | uncapped | tight, see
# ScaleBench; HEAP, e.g. 512m, replaces the launcher's -Xmx). The exporter's log: $OUT/<scenario>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_ROUND=${2:-10}
shift $(( $# > 2 ? 2 : $# ))
SCENARIOS=("$@")
if ((${#SCENARIOS[@]} == 0)); then
  SCENARIOS=(
    n1k:1000:10000:100:0:default
    n5k:5000:10000:100:0:default
    n10k:10000:10000:100:0:default
    n10k-j100k:10000:100000:100:0:default
    u1k:1000:10000:1000:0:default
    u10k:1000:10000:10000:0:default
    u10k-uncapped:1000:10000:10000:0:uncapped
    u10k-tight:1000:10000:10000:0:tight
    c100:1000:10000:100:100:default
    c1000:1000:10000:100:1000:default
    big:10000:100000:10000:1000:default
    big-tight:10000:100000:10000:1000:tight
    u10k-uncapped-512m:1000:10000:10000:0:uncapped:512m
    big-384m:10000:100000:10000:1000:default:384m
    big-512m:10000:100000:10000:1000:default:512m
    big-tight-512m:10000:100000:10000:1000:tight:512m
  )
fi
OUT=${OUT:-/tmp/bench-scale}
mkdir -p "$OUT"
log() { printf '[bench-scale %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

JAR=exporter/target/hpc-status-exporter.jar
if [[ ! -f $JAR ]] || [[ -n "$(find exporter/src/main pom.xml exporter/pom.xml -newer "$JAR" -print -quit)" ]]; then
  log "building $JAR"
  mvn -B -q -o -ntp -pl exporter -am package -DskipTests
fi
mvn -B -q -o -ntp -pl exporter test-compile
# offline first; the dependency plugin itself may not be in ~/.m2 yet
cp_args=(-pl exporter dependency:build-classpath -Dmdep.outputFile=target/bench-scale-cp.txt -Dmdep.includeScope=test)
mvn -B -q -o -ntp "${cp_args[@]}" >/dev/null 2>&1 || mvn -B -q -ntp "${cp_args[@]}" >/dev/null
CP="exporter/target/test-classes:exporter/target/classes:$(cat exporter/target/bench-scale-cp.txt)"
JAVA_OPTS=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-"\(.*\)"}$/\1/p' scripts/run.sh)
[[ -n $JAVA_OPTS ]] || { echo "cannot read JAVA_OPTS from scripts/run.sh" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# used K of the Serial GC's generations in `jcmd PID GC.heap_info`; "used/total" in MiB
heap() { jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation/ {
  for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i+1); if ($i == "used") u += $(i+1) } }
  END { gsub(/K,?/, "", t); printf "%.1f/%.1f MiB", u / 1024, t / 1024 }'; }

{
  echo "# scripts/bench-scale.sh $ROUNDS $SECONDS_PER_ROUND, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPUs, $(java -version 2>&1 | head -1)"
  echo "# JAVA_OPTS: $JAVA_OPTS"
} >"$OUT/summary.txt"

PID=
cleanup() { if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

for sc in "${SCENARIOS[@]}"; do
  IFS=: read -r name nodes jobs users checks profile xmx <<<"$sc"
  opts=$JAVA_OPTS
  [[ -z ${xmx:-} ]] || opts=$(sed "s/-Xmx[^ ]*/-Xmx$xmx/" <<<"$JAVA_OPTS")
  dir=$(mktemp -d /tmp/bench-scale-XXXXXX)
  port=$(free_port)
  nice -n 10 java -cp "$CP" org.hpcstatus.exporter.bench.ScaleBench generate "$dir" "$nodes" "$jobs" "$users" \
    "$checks" "$port" "$profile" >"$OUT/$name.txt"
  log "$name: nodes=$nodes jobs=$jobs users=$users checks=$checks profile=$profile heap=${xmx:-launcher} (port $port)"
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  MALLOC_ARENA_MAX=2 nice -n 10 java $opts -jar "$JAR" serve --config="$dir/config.yaml" \
    --web.listen-address="127.0.0.1:$port" >"$dir/exporter.log" 2>&1 &
  PID=$!
  if ! nice -n 10 java -XX:TieredStopAtLevel=1 -cp "$CP" org.hpcstatus.exporter.bench.ScaleBench scrape \
      "http://127.0.0.1:$port/metrics" "$checks" "$ROUNDS" "$SECONDS_PER_ROUND" >>"$OUT/$name.txt" 2>&1; then
    log "$name FAILED"; tail -n 20 "$OUT/$name.txt" "$dir/exporter.log" >&2
    cleanup; PID=; cp "$dir/exporter.log" "$OUT/$name.log"; rm -rf "$dir"
    { echo "== $sc FAILED"; grep -v '^generated' "$OUT/$name.txt" | head -n 12; } >>"$OUT/summary.txt"; continue
  fi
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$PID/status)
  hwm=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$PID/status)
  heap_before=$(heap "$PID")
  jcmd "$PID" GC.run >/dev/null 2>&1 || true
  heap_after=$(heap "$PID")
  oom=$(grep -c 'OutOfMemoryError' "$dir/exporter.log" || true)
  ((oom == 0)) || echo "OutOfMemoryError in the exporter's log ($oom lines)" >>"$OUT/$name.txt"
  {
    echo "memory VmRSS=${rss} MiB VmHWM=${hwm} MiB heap used/committed=${heap_before}, after GC.run=${heap_after}"
    echo "load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >>"$OUT/$name.txt"
  cleanup; PID=
  cp "$dir/exporter.log" "$OUT/$name.log"
  rm -rf "$dir"
  { echo "== $sc"; grep -v '^generated' "$OUT/$name.txt"; } >>"$OUT/summary.txt"
  grep -E '^(series|bytes|scrape round|memory)' "$OUT/$name.txt" | sed "s/^/  $name: /" >&2
done
log "wrote $OUT/summary.txt"
