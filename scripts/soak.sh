#!/usr/bin/env bash
# Soak benchmark (docs/performance.md, "Soak"): the shaded jar with the launcher's JVM flags against
# the live Slurm testbed, time-compressed (every collector polls every second: 1 h of default 15 s
# polling is 4 min here), over HTTPS with basic auth (a web config made here), while wrk sends SCRAPES
# scrapes. Between wrk rounds, ABORTS clients per round reset the connection mid-response
# (scripts/abort-clients.py: read 200 bytes, then RST, as a killed scraper does). Heap after GC, RSS,
# threads and open file descriptors are sampled every SAMPLE seconds; the summary compares the first and
# last quarter of the run. Needs root only to install wrk.
#   scripts/soak.sh [seconds=900] [scrapes=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-900}
SCRAPES=${2:-100000}
SAMPLE=${SAMPLE:-10}
ABORTS=${ABORTS:-200}
log() { printf '[soak %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
scontrol ping | grep -q 'is UP' || { echo "no Slurm testbed (scripts/slurm-testbed.sh up)" >&2; exit 1; }
JAR=${JAR:-exporter/target/hpc-status-exporter.jar}  # JAR=copy.jar: rebuilds during the run cannot touch it
[[ -f $JAR ]] || mvn -B -q -ntp package -DskipTests
# shellcheck disable=SC2016
JAVA_OPTS=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-"\(.*\)"}$/\1/p' scripts/run.sh)
[[ -n $JAVA_OPTS ]] || { echo "cannot read JAVA_OPTS from scripts/run.sh" >&2; exit 1; }

W=$(mktemp -d)
PID=
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$W/s.key" -out "$W/s.crt" 2>/dev/null
PASS=soak-$RANDOM$RANDOM
HASH=$(printf '%s\n' "$PASS" | java -jar "$JAR" hash-password --cost 10)
printf 'tls_server_config: {cert_file: s.crt, key_file: s.key}\nbasic_auth_users:\n  soak: "%s"\n' "$HASH" > "$W/web.yml"
cat > "$W/config.yaml" <<YAML
cluster: soak
collectors:
  nodes: {interval: 1s}
  partitions: {interval: 1s}
  jobs: {interval: 1s}
  scheduler: {interval: 1s}
  fairshare: {interval: 1s}
  reservations: {interval: 1s}
  licenses: {interval: 1s}
  controller: {interval: 1s}
accounting: {enabled: false}
web: {public_paths: ["/"]}  # the status page stays open, as in docs/deploy.md
YAML
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$JAR" serve --config="$W/config.yaml" --web.config.file="$W/web.yml" \
  --web.listen-address="127.0.0.1:$PORT" >"$W/exporter.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -skf -u "soak:$PASS" "https://127.0.0.1:$PORT/metrics" -o /dev/null && break; sleep 0.5; done
log "exporter pid $PID on :$PORT; ${SECONDS_TOTAL}s, $SCRAPES scrapes"

sample() {
  jcmd "$PID" GC.run >/dev/null 2>&1 || true
  local heap rss threads fds
  heap=$(jcmd "$PID" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}' | tr -d 'K,')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  threads=$(awk '/Threads/ {print $2}' "/proc/$PID/status")
  fds=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
  echo "$(date +%s) ${heap:-0} $rss $threads $fds"
}
sleep 20  # warm-up: first polls, JIT
IDLE_START=$(sample)
(
  end=$((SECONDS + SECONDS_TOTAL))
  while ((SECONDS < end)); do sample; sleep "$SAMPLE"; done
) > "$W/samples.txt" &
SAMPLER=$!
AUTH=$(printf 'soak:%s' "$PASS" | base64)
# spread the scrapes over the run: wrk at a fixed rate would need wrk2; run rounds instead
ROUNDS=10
PER=$((SCRAPES / ROUNDS))
ABORTED=0
for r in $(seq 1 $ROUNDS); do
  wrk -t1 -c4 -d"$((SECONDS_TOTAL / ROUNDS / 2))s" -H "Authorization: Basic $AUTH" "https://127.0.0.1:$PORT/metrics" \
    > "$W/wrk$r.txt" 2>&1 || true
  t0=$SECONDS
  # clients killed mid-response: half on /metrics (auth), half on the open status page
  a=$(python3 scripts/abort-clients.py --tls --user soak --password "$PASS" --count "$((ABORTS / 2))" 127.0.0.1 "$PORT" /metrics)
  b=$(python3 scripts/abort-clients.py --tls --count "$((ABORTS - ABORTS / 2))" 127.0.0.1 "$PORT" /)
  ABORTED=$((ABORTED + ${a%%/*} + ${b%%/*}))
  rest=$((SECONDS_TOTAL / ROUNDS / 2 - (SECONDS - t0)))
  ((rest > 0)) && sleep "$rest"
  log "round $r: $(grep -E 'requests in' "$W/wrk$r.txt" | xargs); aborted: $a, $b; fds $(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 | wc -l)"
done
wait "$SAMPLER" || true
sleep 40  # idle again: the JDK server closes idle keep-alive connections after 30 s
IDLE_END=$(sample)
cp "$W/samples.txt" exporter/target/soak-samples.txt 2>/dev/null || true
echo "soak: idle before the scrapes (time heapKiB rssKiB threads fds): $IDLE_START"
echo "soak: idle after the scrapes  (time heapKiB rssKiB threads fds): $IDLE_END"
TOTAL=$(cat "$W"/wrk*.txt | awk '/requests in/ {s+=$1} END {print s+0}')
ERRS=$(cat "$W"/wrk*.txt | awk '/Non-2xx/ {s+=$NF} END {print s+0}')
log "scrapes sent: $TOTAL (target $PER per round was a minimum, wrk runs by time); non-2xx: $ERRS; clients aborted mid-response: $ABORTED"
((TOTAL >= SCRAPES)) || log "WARNING: fewer scrapes than the $SCRAPES asked for"
python3 - "$W/samples.txt" "$TOTAL" "$ERRS" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 5]
q = max(1, len(rows) // 4)
first, last = rows[:q], rows[-q:]
def rng(rs, i): return f"{min(r[i] for r in rs):.0f}-{max(r[i] for r in rs):.0f}"
print(f"soak: {len(rows)} samples over {rows[-1][0]-rows[0][0]:.0f} s, scrapes {sys.argv[2]}, non-2xx {sys.argv[3]}")
for name, i, unit in (("heap after GC", 1, "KiB"), ("RSS", 2, "KiB"), ("threads", 3, ""), ("open fds", 4, "")):
    print(f"soak: {name:14s} first quarter {rng(first, i)} {unit}, last quarter {rng(last, i)} {unit}")
PY
grep -E 'WARN|ERROR' "$W/exporter.log" | grep -v 'parse' | tail -5 || true
