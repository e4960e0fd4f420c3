#!/usr/bin/env bash
# The main job (README.md): serve the exporter on :9850.
# Where Slurm answers (`scontrol ping`), it just builds (if needed) and serves. On a fresh Debian
# machine without Slurm it first brings up the real single-node testbed with a job mix
# (scripts/slurm-testbed.sh, needs root) and the local services, so a newcomer sees real data.
# Extra arguments go to the exporter, e.g. scripts/run.sh --config config/example.yaml; without
# --config and with the local services of scripts/services.sh up it serves config/demo.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[run %(%H:%M:%S)T] %s\n' -1 "$*"; }
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=scripts/lib/apt.sh
source scripts/lib/apt.sh
if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
  log "installing JDK 17 and Maven"
  apt_install openjdk-17-jdk-headless maven
fi

if command -v scontrol >/dev/null && scontrol ping 2>/dev/null | grep -q 'is UP'; then
  log "Slurm answers: serving it"
else
  log "no running Slurm here: starting the single-node testbed (scripts/slurm-testbed.sh)"
  bash scripts/slurm-testbed.sh up
  bash scripts/slurm-testbed.sh jobs
  if [[ -f scripts/services.sh ]]; then
    bash scripts/services.sh up
  fi
fi

JAR=exporter/target/hpc-status-exporter.jar
if [[ ! -f $JAR ]] || [[ -n "$(find exporter/src pom.xml exporter/pom.xml -newer "$JAR" -print -quit)" ]]; then
  log "building $JAR"
  mvn -B -q -ntp package -DskipTests -Dhpcstatus.revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
fi

# JVM sized for a small, steady footprint (see docs/performance.md, "Launcher footprint"): serial GC, a
# heap that starts tiny, grows only under pressure and gives back what a full GC frees (Min/MaxHeapFreeRatio: about
# -6 MB steady RSS in short A/B runs, within run-to-run spread later), C1 only (C2 made scrapes ~5 us faster but cost +30 MB), few malloc
# arenas, native heap trimmed every 10 s. -Xmx192m is headroom, not use: a 10k-node / 100k-job cluster
# needs ~150 MB during a poll; the testbed stays far below it. Bigger sites (1000 checks, 10k users on
# top) need -Xmx384m or more: docs/scaling.md, "Memory and heap". An OutOfMemoryError ends the process
# (ExitOnOutOfMemoryError) so that systemd or the container runtime restarts it whole, instead of a
# process that keeps serving with a dead collector thread.
export MALLOC_ARENA_MAX=2
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Xms4m -Xmx192m -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=48m -XX:TrimNativeHeapInterval=10000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"}
# Demo: without a --config of the user's, and with the local test services of scripts/services.sh up,
# serve config/demo.yaml, which checks those services too (health grid, service_* series). Their
# test-only password (scripts/services.sh) reaches the exporter through the environment only.
config=()
if [[ " $* " != *" --config"* ]] && [[ -f config/demo.yaml ]] \
    && (exec 3<>/dev/tcp/127.0.0.1/15432) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/18830) 2>/dev/null; then
  log "local test services are up: using config/demo.yaml (Slurm + service checks)"
  export HPCSTATUS_DEMO_PASSWORD=${HPCSTATUS_DEMO_PASSWORD:-hpcstatus-test-pw}
  config=(--config config/demo.yaml)
fi
log "serving on ${HPCSTATUS_LISTEN:-:9850}; scrape /metrics there"
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$JAR" serve --web.listen-address="${HPCSTATUS_LISTEN:-:9850}" "${config[@]}" "$@"
