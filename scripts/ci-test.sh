#!/usr/bin/env bash
# The test command (README.md): sets up everything the tests need on a fresh Debian 12 machine
# (as root) and runs `mvn verify` with integration tests REQUIRED (a missing testbed fails them).
#   1. apt packages: JDK 17 + Maven if missing
#   2. the real single-node Slurm testbed (scripts/slurm-testbed.sh up + jobs)
#   3. real local services for the health-check tests (scripts/services.sh up, when present)
#   4. mvn -B verify -Dhpcstatus.it.required=true
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[ci-test %(%H:%M:%S)T] %s\n' -1 "$*"; }
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=scripts/lib/apt.sh
source scripts/lib/apt.sh
need=()
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v curl >/dev/null || need+=(curl)
# promtool (metrics lint, later rule tests) from Debian's prometheus package: the tests run
# /usr/bin/promtool; apt_install keeps the package's server from being started
[[ -x /usr/bin/promtool ]] || need+=(prometheus)
# systemd-analyze verify for deploy/systemd (SystemdUnitIT); works without systemd as PID 1
command -v systemd-analyze >/dev/null || need+=(systemd)
# amtool and docker-compose validate prometheus/alertmanager.yml and compose.yaml (RuleToolsIT); the
# end-to-end test (exporter/src/test/java/org/hpcstatus/exporter/e2e) runs its own private
# Prometheus and Alertmanager (prometheus-alertmanager) on free ports
[[ -x /usr/bin/amtool && -x /usr/bin/prometheus-alertmanager ]] || need+=(prometheus-alertmanager)
[[ -x /usr/bin/docker-compose ]] || need+=(docker-compose)
# the status page's browser test (StatusPageBrowserIT): Debian's chromium driven through its chromedriver
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -x /usr/bin/chromedriver ]] || need+=(chromium-driver)
# scale-out test (ScaleOutIT, scripts/scale-out.sh): agents remote-write into a VictoriaMetrics
[[ -x /usr/bin/victoria-metrics ]] || need+=(victoria-metrics)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt_install "${need[@]}"
fi

log "Slurm testbed: up"
bash scripts/slurm-testbed.sh up
log "Slurm testbed: job mix"
bash scripts/slurm-testbed.sh jobs

if [[ -x scripts/services.sh || -f scripts/services.sh ]]; then
  log "local services: up"
  bash scripts/services.sh up
fi

log "mvn verify (integration tests required)"
mvn -B -ntp verify -Dhpcstatus.it.required=true -Dhpcstatus.revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
