#!/usr/bin/env bash
# Smoke test of the image tarball without a container runtime (none runs here): unpack its layers,
# bind-mount what a container on a Slurm host gets (/proc, /etc/slurm, /run/munge, the host's
# /etc/passwd and /etc/group) and run the image's entrypoint with chroot as an unprivileged user:
# `--version`, `scontrol ping`, and `print-metrics` must show every collector succeeding.
# Needs root (chroot, mount) and a running Slurm (scripts/slurm-testbed.sh). Usage after scripts/image.sh:
#   bash scripts/image-smoke.sh [exporter/target/hpc-status-exporter-image.tar]
set -euo pipefail
cd "$(dirname "$0")/.."
TAR=${1:-exporter/target/hpc-status-exporter-image.tar}
WORK=$(mktemp -d)
ROOT=$WORK/root
MOUNTS=()
cleanup() {
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$ROOT"
tar xf "$TAR" -C "$WORK" 2>/dev/null
for layer in $(python3 -c "import json,sys;print(' '.join(json.load(open(sys.argv[1]))[0]['Layers']))" "$WORK/manifest.json"); do
  tar xzf "$WORK/$layer" -C "$ROOT" 2>/dev/null
done
mkdir -p "$ROOT"/proc "$ROOT"/etc/slurm
touch "$ROOT"/etc/hosts
for m in /proc /etc/slurm /run/munge /etc/passwd /etc/group /etc/hosts; do
  mount --bind "$m" "$ROOT$m"
  MOUNTS+=("$ROOT$m")
done
ENTRY=(/opt/java/bin/java -cp @/app/jib-classpath-file org.hpcstatus.exporter.Main)
USERSPEC=65534:65534
chroot --userspec=$USERSPEC "$ROOT" "${ENTRY[@]}" --version
chroot --userspec=$USERSPEC "$ROOT" /usr/bin/scontrol ping
out=$(chroot --userspec=$USERSPEC "$ROOT" "${ENTRY[@]}" print-metrics)
failed=$(grep -E '^hpcstatus_collector_success\{.*\} 0' <<<"$out" || true)
ok=$(grep -cE '^hpcstatus_collector_success\{.*\} 1' <<<"$out" || true)
echo "collectors succeeding: $ok"
if [[ -n $failed || $ok -eq 0 ]]; then
  echo "FAILED collectors:"; echo "$failed"; exit 1
fi
echo "image smoke test passed"
