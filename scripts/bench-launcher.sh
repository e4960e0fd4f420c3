#!/usr/bin/env bash
# Scrape latency and footprint of the launcher (scripts/run.sh's JVM flags) on the live testbed:
# time to the first 200 on /metrics, curl with a new connection per scrape, wrk with keep-alive and
# with `Connection: close`, then steady RSS (VmRSS, smaps_rollup), threads and, with NMT=1, the JVM's
# native memory summary. Prints one block of results; docs/performance.md quotes them.
#   scripts/bench-launcher.sh [curl-scrapes] [steady-seconds]
# Env: JAR (default exporter/target/hpc-status-exporter.jar), JAVA_OPTS (default: run.sh's),
#      JAVA (default java), NMT=1 (adds -XX:NativeMemoryTracking=summary), LAUNCH (a command to start
#      instead of `java $JAVA_OPTS -jar $JAR`, given the listen address as $ADDR).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
STEADY=${2:-60}
JAR=${JAR:-exporter/target/hpc-status-exporter.jar}
JAVA=${JAVA:-java}
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
scontrol ping | grep -q 'is UP' || { echo "no Slurm testbed answering scontrol ping" >&2; exit 1; }
if [[ -z ${JAVA_OPTS:-} ]]; then
  JAVA_OPTS=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-"\(.*\)"}$/\1/p' scripts/run.sh)
fi
[[ ${NMT:-0} == 1 ]] && JAVA_OPTS="$JAVA_OPTS -XX:NativeMemoryTracking=summary"
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
ADDR=127.0.0.1:$PORT
URL=http://$ADDR/metrics
start=$(date +%s%N)
if [[ -n ${LAUNCH:-} ]]; then
  ADDR=$ADDR bash -c "$LAUNCH" >/tmp/bench-launcher.log 2>&1 &
else
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX=2 $JAVA $JAVA_OPTS -jar "$JAR" --web.listen-address=$ADDR >/tmp/bench-launcher.log 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until [[ $(curl -s -o /dev/null -w '%{http_code}' $URL) == 200 ]]; do sleep 0.005; done
FIRST_MS=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 5
wrk -t1 -c1 -d10s -H 'Accept-Encoding: gzip' $URL >/dev/null   # warm-up (JIT)
stats() { sort -g | awk '{a[NR]=$1*1000} END {printf "median %.3f ms, p90 %.3f ms, min %.3f ms, max %.3f ms (n=%d)", a[int(NR/2)+1], a[int(NR*0.9)], a[1], a[NR], NR}'; }
# per scrape: TCP connect done, request sent, first response byte, last byte (seconds since curl's start)
for _ in $(seq "$N"); do
  curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{time_connect} %{time_pretransfer} %{time_starttransfer} %{time_total}\n' $URL
done > /tmp/bench-launcher-curl.txt
CURL=$(awk '{print $4}' /tmp/bench-launcher-curl.txt | stats)
med() { sort -g | awk '{a[NR]=$1*1000} END {printf "%.3f ms", a[int(NR/2)+1]}'; }
CURL_PARTS="connect $(awk '{print $1}' /tmp/bench-launcher-curl.txt | med), request sent to first byte (server)\
 $(awk '{print $3-$2}' /tmp/bench-launcher-curl.txt | med), first to last byte $(awk '{print $4-$3}' /tmp/bench-launcher-curl.txt | med)"
CURL_KA=$(for _ in $(seq "$N"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$URL"; done | \
  curl -s -H 'Accept-Encoding: gzip' -w '%{time_total}\n' -K - | stats)
wrkp50() { awk '$1=="50%"{p50=$2} $1=="99%"{p99=$2} /Requests\/sec/{r=$2} END {printf "median %s, p99 %s, %s req/s", p50, p99, r}'; }
WRK_KA=$(wrk -t1 -c1 -d10s --latency -H 'Accept-Encoding: gzip' $URL | wrkp50)
WRK_NEW=$(wrk -t1 -c1 -d10s --latency -H 'Accept-Encoding: gzip' -H 'Connection: close' $URL | wrkp50)
BYTES=$(curl -s -H 'Accept-Encoding: gzip' $URL | wc -c)
sleep "$STEADY"
RSS_KB=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
THREADS=$(awk '/Threads/{print $2}' /proc/$PID/status)
ROLLUP=$(grep -E '^(Rss|Pss|Private_Dirty|Anonymous):' /proc/$PID/smaps_rollup | tr -s ' ' | tr '\n' ' ')
NMT_OUT=""
if [[ ${NMT:-0} == 1 ]]; then
  NMT_OUT=$(jcmd $PID VM.native_memory summary | grep -E '^(Total|-|\s+\()' | grep -E 'Total|committed=' | \
    sed -n 's/^-\? *\([A-Za-z ]*\) *(reserved=[0-9]*KB, committed=\([0-9]*KB\)).*/\1 \2/p; s/^Total: reserved=[0-9]*KB, committed=\([0-9]*KB\).*/Total \1/p')
fi
kill $PID; wait $PID 2>/dev/null || true; trap - EXIT
echo "flags: MALLOC_ARENA_MAX=2 ${LAUNCH:-$JAVA $JAVA_OPTS -jar $JAR}"
echo "load average before/after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first 200 on /metrics: $FIRST_MS ms after start; gzipped body $BYTES bytes"
echo "curl, new connection per scrape: $CURL"
echo "  medians of its parts: $CURL_PARTS"
echo "curl, one connection (keep-alive): $CURL_KA"
echo "wrk -c1 keep-alive: $WRK_KA"
echo "wrk -c1 Connection: close: $WRK_NEW"
echo "steady after ${STEADY}s: VmRSS $((RSS_KB / 1024)) MB ($RSS_KB kB), $THREADS threads; smaps_rollup: $ROLLUP"
[[ -n $NMT_OUT ]] && echo "NMT committed:" && echo "$NMT_OUT" | sed 's/^/  /'
exit 0
