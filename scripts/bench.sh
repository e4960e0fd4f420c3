#!/usr/bin/env bash
# Benchmarks of the Slurm side of the exporter, on the live testbed (scripts/slurm-testbed.sh up/jobs).
# Writes its results into docs/performance.md between the "slurm-bench" markers (other sections are
# left alone). Needs root (creates the unprivileged user `hpcbench` so that sdiag's per-user RPC table
# counts exactly the exporter's RPCs). Takes about 9 minutes.
#   scripts/bench.sh [steady-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
STEADY=${1:-300}
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
scontrol ping | grep -q 'is UP' || { echo "no Slurm testbed: run scripts/slurm-testbed.sh up && scripts/slurm-testbed.sh jobs" >&2; exit 1; }

log "building"
mvn -B -q -ntp package -DskipTests
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test -f exporter/pom.xml >/dev/null
CP="exporter/target/test-classes:exporter/target/classes:$(cat exporter/target/bench-cp.txt)"
JAR=exporter/target/hpc-status-exporter.jar
# the launcher's JVM flags (scripts/run.sh)
JAVA_OPTS=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-"\(.*\)"}$/\1/p' scripts/run.sh)
[[ -n $JAVA_OPTS ]] || { echo "cannot read JAVA_OPTS from scripts/run.sh" >&2; exit 1; }
OUT=$(mktemp)

log "slurmctld RPCs (as user hpcbench, ${STEADY}s steady state)"
id hpcbench >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin hpcbench
B=/tmp/hpcbench; rm -rf "$B"; mkdir -p "$B"; cp "$JAR" "$B/"; cp -r exporter/target/test-classes "$B/"; chmod -R a+rX "$B"
RPC=$(cd /tmp && runuser -u hpcbench -- java -cp "$B/test-classes:$B/hpc-status-exporter.jar" \
  org.hpcstatus.exporter.bench.RpcBench 12 "$STEADY" 2>/dev/null | grep -E '^(refresh|steady)')
echo "$RPC" >&2

log "JMH: parse 10k nodes + 100k jobs"
JMH=$(java -cp "$CP" org.openjdk.jmh.Main ParseBench -f 1 -wi 3 -i 5 -w 2 -r 2 2>/dev/null | grep -E '^(Benchmark|ParseBench)')
echo "$JMH" >&2

log "/metrics latency, in-process client (live testbed and synthetic 10k nodes / 100k jobs)"
SCRAPE_LIVE=$(java -cp "$CP" org.hpcstatus.exporter.bench.ScrapeBench live 3000 2>/dev/null | grep -E '^(scrape|poll)')
SCRAPE_SYN=$(java -Xmx512m -cp "$CP" org.hpcstatus.exporter.bench.ScrapeBench synthetic 2000 2>/dev/null | grep -E '^(scrape|poll)')
echo "$SCRAPE_LIVE" "$SCRAPE_SYN" >&2

log "/metrics latency with wrk against the synthetic 10k-node / 100k-job cluster"
java -Xmx512m -cp "$CP" org.hpcstatus.exporter.bench.ScrapeBench serve-synthetic 19852 90 >/tmp/bench-syn.log 2>&1 &
SYN_PID=$!
for _ in $(seq 600); do grep -q "^serving synthetic" /tmp/bench-syn.log && break; sleep 0.1; done
wrk -t1 -c1 -d10s -H 'Accept-Encoding: gzip' http://127.0.0.1:19852/metrics >/dev/null   # warm-up (JIT)
WRK_SYN=$(wrk -t1 -c1 -d20s --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:19852/metrics)
kill $SYN_PID 2>/dev/null || true; wait $SYN_PID 2>/dev/null || true
SYN_P50=$(echo "$WRK_SYN" | awk '$1=="50%"{print $2}')
SYN_P99=$(echo "$WRK_SYN" | awk '$1=="99%"{print $2}')
echo "synthetic: p50 $SYN_P50 p99 $SYN_P99" >&2

log "launcher: first scrape, wrk latency, steady RSS"
PORT=19851
start=$(date +%s%N)
MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$JAR" --web.listen-address=127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf -o /dev/null http://127.0.0.1:$PORT/metrics; do sleep 0.01; done
FIRST_MS=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 20
wrk -t1 -c1 -d5s -H 'Accept-Encoding: gzip' http://127.0.0.1:$PORT/metrics >/dev/null   # warm-up (JIT)
WRK=$(wrk -t1 -c1 -d20s --latency -H 'Accept-Encoding: gzip' http://127.0.0.1:$PORT/metrics)
echo "$WRK" >&2
sleep 40   # two more poll cycles after the load
RSS_KB=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
kill $PID; wait $PID 2>/dev/null || true; trap - EXIT
P50=$(echo "$WRK" | awk '$1=="50%"{print $2}')
P99=$(echo "$WRK" | awk '$1=="99%"{print $2}')
RPS=$(echo "$WRK" | awk '/Requests\/sec/{print $2}')

{
  echo "<!-- slurm-bench:start (written by scripts/bench.sh; do not edit by hand) -->"
  echo "## Slurm state: slurmctld load, scrape latency, parsing, memory"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on the single-node Slurm $(sinfo --version | awk '{print $NF}') testbed"
  echo "($(nproc) cores; $(sinfo -h -N -o %N | sort -u | wc -l) nodes, $(squeue -h -a -r | wc -l) queued jobs at the time), by \`scripts/bench.sh\`."
  echo "Other work on the machine during the run: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo
  echo "### slurmctld RPCs (sdiag's per-user table, exporter run as its own user)"
  echo '```'; echo "$RPC"; echo '```'
  echo
  echo "### /metrics latency"
  echo "wrk, 1 connection, 20 s after a short warm-up, gzip, against the launcher (\`scripts/run.sh\` JVM flags) on the testbed:"
  echo "median **$P50**, p99 **$P99**, $RPS requests/s."
  echo
  echo "wrk, same settings, against a synthetic 10k-node / 100k-job cluster (fake Slurm commands printing"
  echo "captured-format output; ~340 kB gzipped exposition): median **$SYN_P50**, p99 **$SYN_P99**."
  echo
  echo "In-process Java client (includes the client's own overhead):"
  echo '```'; echo "$SCRAPE_LIVE"; echo "$SCRAPE_SYN"; echo '```'
  echo
  echo "### Parsing (JMH, single thread, average time per operation)"
  echo '```'; echo "$JMH"; echo '```'
  echo
  echo "### Memory and start-up"
  echo "Launcher flags: \`MALLOC_ARENA_MAX=2 java $JAVA_OPTS\`."
  echo "Steady RSS after 80 s of polling and 20 s of back-to-back scrapes: **$((RSS_KB / 1024)) MB** ($RSS_KB kB)."
  echo "First scrape answered $FIRST_MS ms after the JVM was started."
  echo "<!-- slurm-bench:end -->"
} > "$OUT"

DOC=docs/performance.md
[[ -f $DOC ]] || printf '# Performance\n\nResults of the benchmark scripts; every number here comes from a run of them.\n' > "$DOC"
python3 - "$DOC" "$OUT" <<'PY'
import re, sys
doc, new = open(sys.argv[1]).read(), open(sys.argv[2]).read().strip()
pat = re.compile(r"<!-- slurm-bench:start.*?<!-- slurm-bench:end -->", re.S)
doc = pat.sub(lambda m: new, doc) if pat.search(doc) else doc.rstrip() + "\n\n" + new + "\n"
open(sys.argv[1], "w").write(doc)
PY
log "wrote $DOC"
