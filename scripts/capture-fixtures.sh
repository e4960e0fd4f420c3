#!/usr/bin/env bash
# Capture real Slurm command output from the running testbed (scripts/slurm-testbed.sh up + jobs)
# into exporter/src/test/resources/fixtures/<command>_<slurm-version><suffix>.txt
#
#   scripts/capture-fixtures.sh [suffix]      e.g. "" first, "-b" for a later snapshot
#
# Environment: SACCT_START is the sacct -S value (default: when the last `slurm-testbed.sh jobs` began,
# so older testbed runs stay out of the fixture; else now-1hours). FIXTURE_DIR overrides the target.
# Every command runs with TZ=UTC SLURM_TIME_FORMAT=standard. The argv below is exactly what was captured;
# all of them were accepted unchanged by Slurm 22.05.8 (Debian 12), including squeue's `Field:|` form
# (width 0 = no padding/truncation, "|" printed after the field; the last field has no suffix).
set -euo pipefail

SUFFIX="${1:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${FIXTURE_DIR:-$ROOT/exporter/src/test/resources/fixtures}"
if [[ -z "${SACCT_START:-}" ]]; then
  SACCT_START="$(cat /run/slurm/testbed-jobs-start 2>/dev/null || echo now-1hours)"   # read before TZ=UTC: local time
  [[ "$SACCT_START" == now* ]] || SACCT_START="$(date -u -d "$SACCT_START" +%Y-%m-%dT%H:%M:%S)"
fi
export TZ=UTC SLURM_TIME_FORMAT=standard

log() { printf '[capture %(%H:%M:%S)T] %s\n' -1 "$*"; }

# `sinfo --version` prints "slurm-wlm 22.05.8" on Debian ("slurm 22.05.8" upstream)
VERSION="$(sinfo --version | awk '{print $NF}')"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "cannot parse Slurm version: $VERSION" >&2; exit 1; }
mkdir -p "$DIR"

capture() { # capture <name> <argv...>   -> $DIR/<name>_<version><suffix>.txt
  local out="$DIR/${1}_${VERSION}${SUFFIX}.txt"; shift
  log "$* > ${out#"$ROOT"/}"
  if ! "$@" >"$out" 2>"$out.err"; then
    echo "command failed: $*" >&2; cat "$out.err" >&2; rm -f "$out.err"; exit 1
  fi
  [[ -s "$out.err" ]] && { log "stderr: $(head -c 300 "$out.err")"; }
  rm -f "$out.err"
}

# 1
capture scontrol-show-config scontrol show config
# 2
capture scontrol-show-nodes scontrol -o show nodes
capture scontrol-show-nodes-detail scontrol -d -o show nodes
# 3
capture scontrol-show-partitions scontrol -o show partitions
# 4  the exporter's own squeue format (SqueueParser.FORMAT): `Field:|` = no padding (width 0) and "|" as
#    the column suffix. JobArrayID comes first because with -r every pending element of an array prints
#    the *same* JobID (the array's id); JobArrayID is unique (85_1, 123+0).
capture squeue squeue -a -r -h -O "JobArrayID:|,JobID:|,UserName:|,Account:|,Partition:|,StateCompact:|,Reason:|,NumCPUs:|,NumNodes:|,tres-alloc:|,tres-per-node:|,tres-per-job:|,QOS:|,SubmitTime:|,StartTime:|,Name:"
# 4b (extra, not in the plan) same, plus ArrayTaskID and NodeList: with -r every pending element of an
#    array prints the *same* JobID (the array's id), so JobID alone is not unique; and NodeList is the only
#    place the long node name shows up in squeue.
capture squeue-extended squeue -a -r -h -O "JobID:|,ArrayJobID:|,ArrayTaskID:|,UserName:|,Account:|,Partition:|,StateCompact:|,Reason:|,NumCPUs:|,NumNodes:|,tres-alloc:|,tres-per-node:|,tres-per-job:|,QOS:|,SubmitTime:|,StartTime:|,NodeList:|,Name:"
# 5
capture sdiag sdiag
# 6
capture sshare sshare -a -P -l
# 7
capture scontrol-show-reservations scontrol -o show reservations
# 8
capture scontrol-show-licenses scontrol -o show licenses
# 9
capture scontrol-ping scontrol ping
# 10 (reference only)
capture sinfo-N sinfo -N -h -o "%N|%P|%T|%c|%m"
# 11
SACCT_STATES=CA,CD,F,NF,OOM,PR,TO,BF,DL
SACCT_FORMAT=JobIDRaw,JobID,Cluster,User,Account,Partition,QOS,State,ExitCode,Submit,Start,End,ElapsedRaw,AllocCPUS,NNodes,ReqMem,AllocTRES,NodeList
capture sacct sacct -a -X -n -P -S "$SACCT_START" -E now -s "$SACCT_STATES" --format="$SACCT_FORMAT"
capture sacct-steps sacct -a -n -P -S "$SACCT_START" -E now -s "$SACCT_STATES" --format="$SACCT_FORMAT"
# 12
out="$DIR/slurm-version_${VERSION}${SUFFIX}.txt"
log "squeue --version; sinfo --version > ${out#"$ROOT"/}"
{ squeue --version; sinfo --version; } >"$out"

log "captured Slurm ${VERSION} fixtures (suffix '${SUFFIX}') into ${DIR#"$ROOT"/}"
