#!/usr/bin/env bash
# Single-host Slurm 22.05 testbed (Debian 12, root, no systemd): munge, MariaDB, slurmdbd,
# slurmctld and several slurmd's started as plain daemons, plus a reproducible job mix.
#
#   scripts/slurm-testbed.sh up        install (if missing), configure, start, set up accounting/state
#   scripts/slurm-testbed.sh jobs      (re)submit the job mix as alice/bob/carol/dave
#   scripts/slurm-testbed.sh jobs --wait   ... and wait until the short jobs are terminal in sacct
#   scripts/slurm-testbed.sh status    daemons + sinfo + squeue
#   scripts/slurm-testbed.sh down      cancel jobs, stop all daemons, kill leftovers
#
# Topology (all slurmd's run on this host, one per NodeName, each on its own port):
#   cn1 cn2 cn3 cn4 cn-long-node-name-for-edge-cases-0001  CPUs=4 RealMemory=8000
#   gn1                                                     CPUs=8 RealMemory=16000 Gres=gpu:a100:2
#   dead1                                                   no slurmd -> DOWN+NOT_RESPONDING
#   partitions: batch (default; cn1-cn4, long node, dead1), gpu (gn1, cn3), debug (cn1, 30 min),
#               long (cn4, long node)
#   state: cn2 drained (IDLE+DRAIN), cn4 in an active reservation for account physics (physics_resv),
#          maint_window (MAINT) on cn3 starting in 1 hour (moved to now+1h again by every `jobs`, so
#          4-hour jobs never start on cn3), license matlab:4; `jobs` drains the long-named node while a
#          job runs on it (MIXED/ALLOCATED+DRAIN); dead1 is DOWN+NOT_RESPONDING.
# Long jobs sleep 4 h, so the live state stays put for integration tests; the short ones end in ~70 s.
# Accounts physics (alice, bob), chemistry (carol), bio (dave); QOS "limited" (MaxTRESPerUser=cpu=2).
set -euo pipefail
# shellcheck source=scripts/lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

HOST_SHORT="$(hostname -s)"
CLUSTER=testbed
ETC=/etc/slurm
LOGDIR=/var/log/slurm
RUNDIR=/run/slurm
STATEDIR=/var/lib/slurm/slurmctld
# Kept short on purpose: slurmstepd's socket is <SlurmdSpoolDir>/<node>_<job>.<step> and a Unix socket path
# must stay below 108 bytes; with /var/lib/slurm/slurmd/%n the 37-character node name made every
# job launch on that node fail ("Unix socket path ... is too long (112 > 108)", launch failed requeued held).
SPOOLBASE=/var/spool/sd
DB_PASS=slurmtestbed
PACKAGES=(slurm-wlm slurmdbd munge mariadb-server slurm-client)
LONG_NODE=cn-long-node-name-for-edge-cases-0001
# name:port:cpus:memory:gres ; dead1 is configured but never started
NODES=(
  "cn1:17001:4:8000:"
  "cn2:17002:4:8000:"
  "cn3:17003:4:8000:"
  "cn4:17004:4:8000:"
  "gn1:17005:8:16000:gpu:a100:2"
  "${LONG_NODE}:17006:4:8000:"
  "dead1:17007:4:8000:"
)
DEAD_NODES=(dead1)
USERS=(alice:physics bob:physics carol:chemistry dave:bio)
JOB_USERS=alice,bob,carol,dave
WAIT_FILE=/run/slurm/testbed-short-jobs   # ids of the short jobs of the last `jobs` run
START_FILE=/run/slurm/testbed-jobs-start  # when the last `jobs` run began submitting (sacct -S for fixtures)

log() { printf '[testbed %(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }
run() { log "+ $*"; "$@"; }

node_field() { # node_field <spec> <index 0..4>
  local IFS=':'; read -r -a f <<<"$1"
  if [[ $2 -eq 4 ]]; then local g="${f[*]:4}"; printf '%s' "${g// /:}"; else printf '%s' "${f[$2]}"; fi
}
live_nodes() { local s n; for s in "${NODES[@]}"; do n="$(node_field "$s" 0)"; [[ " ${DEAD_NODES[*]} " == *" $n "* ]] || echo "$n"; done; }

pid_alive() { # pid_alive <pidfile>
  [[ -s "$1" ]] || return 1
  local p; p="$(cat "$1" 2>/dev/null || true)"
  [[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null
}

poll() { # poll <timeout-s> <command...> : true once the command succeeds, false on timeout
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.5
  done
}
wait_for() { # wait_for <timeout-s> <description> <command...> : like poll, but fatal on timeout
  local t="$1" what="$2"; shift 2
  poll "$t" "$@" || die "timed out after ${t}s waiting for ${what}"
}

stop_pidfiles() { # stop_pidfiles <pidfile>... : SIGTERM all, wait up to 15 s, then SIGKILL
  local pf p pids=() end
  for pf in "$@"; do
    if pid_alive "$pf"; then p="$(cat "$pf")"; log "stopping $(basename "$pf" .pid) (pid ${p})"; kill "$p" 2>/dev/null || true; pids+=("$p"); fi
  done
  end=$((SECONDS + 15))
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
    if kill -0 "$p" 2>/dev/null; then log "pid ${p} ignored SIGTERM, sending SIGKILL"; kill -9 "$p" 2>/dev/null || true; fi
  done
  rm -f "$@"
}

# ---------------------------------------------------------------- install
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "packages already installed: ${PACKAGES[*]}"; return 0; fi
  # policy-rc.d (created only if absent): the packages' postinst must not start slurm/munge/mariadb
  # before our configuration exists; this script starts them itself
  log "installing: ${missing[*]}"
  apt_install "${missing[@]}"
}

# ---------------------------------------------------------------- configuration
write_if_changed() { # write_if_changed <path> <mode> <owner>  (content on stdin); returns 0 if changed
  local path="$1" mode="$2" owner="$3" tmp
  tmp="$(mktemp)"; cat >"$tmp"
  if [[ -f "$path" ]] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; chmod "$mode" "$path"; chown "$owner" "$path"; return 1; fi
  install -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$tmp" "$path"; rm -f "$tmp"
  log "wrote ${path}"
  return 0
}

CONFIG_CHANGED=0
write_configs() {
  install -d -m 0755 "$ETC"
  install -d -m 0755 -o slurm -g slurm "$LOGDIR" "$RUNDIR" "$STATEDIR" /var/lib/slurm
  install -d -m 0755 "$SPOOLBASE"
  local n; for n in $(live_nodes); do install -d -m 0755 "$SPOOLBASE/$n"; done
  # fake GPU device files for gres.conf
  local i; for i in 0 1; do [[ -e /dev/tty$i ]] || run mknod -m 0620 /dev/tty$i c 4 $i; done

  {
    cat <<EOF
# generated by scripts/slurm-testbed.sh -- single-host testbed, do not use in production
ClusterName=${CLUSTER}
SlurmctldHost=${HOST_SHORT}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
SwitchType=switch/none
StateSaveLocation=${STATEDIR}
SlurmdSpoolDir=${SPOOLBASE}/%n
SlurmctldPidFile=${RUNDIR}/slurmctld.pid
SlurmdPidFile=${RUNDIR}/slurmd-%n.pid
SlurmctldLogFile=${LOGDIR}/slurmctld.log
SlurmdLogFile=${LOGDIR}/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
SchedulerType=sched/backfill
PriorityType=priority/multifactor
PriorityWeightFairshare=10000
PriorityWeightAge=1000
PriorityWeightQOS=1000
PriorityWeightPartition=1000
PriorityWeightJobSize=100
PriorityMaxAge=1-0
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
AccountingStorageTRES=gres/gpu,gres/gpu:a100
AccountingStorageEnforce=associations,limits,qos
JobCompType=jobcomp/none
GresTypes=gpu
Licenses=matlab:4
MinJobAge=600
KillWait=5
ReturnToService=2
SlurmdTimeout=60
MailProg=/bin/true
InactiveLimit=0
EOF
    local s name port cpus mem gres
    for s in "${NODES[@]}"; do
      name="$(node_field "$s" 0)"; port="$(node_field "$s" 1)"; cpus="$(node_field "$s" 2)"
      mem="$(node_field "$s" 3)"; gres="$(node_field "$s" 4)"
      printf 'NodeName=%s NodeHostname=%s NodeAddr=127.0.0.1 Port=%s CPUs=%s RealMemory=%s%s State=UNKNOWN\n' \
        "$name" "$HOST_SHORT" "$port" "$cpus" "$mem" "${gres:+ Gres=$gres}"
    done
    cat <<EOF
PartitionName=batch Nodes=cn1,cn2,cn3,cn4,${LONG_NODE},dead1 Default=YES MaxTime=1-00:00:00 DefaultTime=01:00:00 State=UP
PartitionName=gpu Nodes=gn1,cn3 MaxTime=1-00:00:00 DefaultTime=01:00:00 State=UP
PartitionName=debug Nodes=cn1 MaxTime=00:30:00 DefaultTime=00:10:00 State=UP
PartitionName=long Nodes=cn4,${LONG_NODE} MaxTime=7-00:00:00 DefaultTime=1-00:00:00 State=UP
EOF
  } | write_if_changed "$ETC/slurm.conf" 0644 root:root && CONFIG_CHANGED=1

  cat <<EOF | write_if_changed "$ETC/gres.conf" 0644 root:root && CONFIG_CHANGED=1
AutoDetect=off
NodeName=gn1 Name=gpu Type=a100 File=/dev/tty[0-1]
EOF

  cat <<EOF | write_if_changed "$ETC/slurmdbd.conf" 0600 slurm:slurm && CONFIG_CHANGED=1
AuthType=auth/munge
DbdHost=${HOST_SHORT}
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=slurm
LogFile=${LOGDIR}/slurmdbd.log
PidFile=${RUNDIR}/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3306
StorageUser=slurm
StoragePass=${DB_PASS}
StorageLoc=slurm_acct_db
EOF

  cat <<EOF | write_if_changed /etc/mysql/mariadb.conf.d/99-slurm-testbed.cnf 0644 root:root || true
# generated by scripts/slurm-testbed.sh
[mysqld]
bind-address = 127.0.0.1
innodb_buffer_pool_size = 512M   # slurmdbd logs "Database settings not recommended values" below half of 1G
innodb_lock_wait_timeout = 900
EOF
  return 0
}

# ---------------------------------------------------------------- daemons
start_munge() {
  if pid_alive /run/munge/munged.pid; then log "munged running (pid $(cat /run/munge/munged.pid))"; return 0; fi
  install -d -m 0755 -o munge -g munge /run/munge
  install -d -m 0700 -o munge -g munge /etc/munge /var/lib/munge /var/log/munge
  if [[ ! -s /etc/munge/munge.key ]]; then run mungekey --create --keyfile=/etc/munge/munge.key; fi
  chown munge:munge /etc/munge/munge.key; chmod 0600 /etc/munge/munge.key
  run runuser -u munge -- /usr/sbin/munged
  wait_for 10 "munge" bash -c 'munge -n | unmunge'
}

start_mariadb() {
  if pid_alive /run/mysqld/mysqld.pid; then log "mariadb running (pid $(cat /run/mysqld/mysqld.pid))"; else
    install -d -m 0755 -o mysql -g mysql /run/mysqld
    if [[ ! -d /var/lib/mysql/mysql ]]; then
      run mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
    fi
    log "+ mariadbd --user=mysql --bind-address=127.0.0.1 (background)"
    setsid /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 --pid-file=/run/mysqld/mysqld.pid \
      --socket=/run/mysqld/mysqld.sock >>/var/log/mysql-testbed.log 2>&1 </dev/null &
    wait_for 60 "mariadb" mariadb -uroot -e 'SELECT 1'
  fi
  mariadb -uroot <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '${DB_PASS}';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '${DB_PASS}';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
EOF
}

start_slurmdbd() {
  if pid_alive "$RUNDIR/slurmdbd.pid"; then log "slurmdbd running (pid $(cat "$RUNDIR/slurmdbd.pid"))"; return 0; fi
  run slurmdbd
  wait_for 60 "slurmdbd" sacctmgr -n show cluster
}

start_slurmctld() {
  if pid_alive "$RUNDIR/slurmctld.pid"; then log "slurmctld running (pid $(cat "$RUNDIR/slurmctld.pid"))"; return 0; fi
  run slurmctld
  wait_for 30 "slurmctld" scontrol ping
}

start_slurmds() {
  local n
  for n in $(live_nodes); do
    if pid_alive "$RUNDIR/slurmd-$n.pid"; then log "slurmd -N $n running (pid $(cat "$RUNDIR/slurmd-$n.pid"))"; continue; fi
    install -d -m 0755 "$SPOOLBASE/$n"
    run slurmd -N "$n"
  done
}

nodes_responding() {
  local out n; out="$(sinfo -h -N -o '%N %t' 2>/dev/null)" || return 1
  for n in $(live_nodes); do
    # not-responding nodes carry a '*' suffix, still-registering ones are unknown
    grep -qE "^$n (idle|mix|alloc|drain|drng|drained|resv|comp|maint|plnd)([^*]|$)" <<<"$out" || return 1
  done
}

# ---------------------------------------------------------------- accounting + cluster state
setup_accounting() {
  if ! sacctmgr -n -P show cluster format=Cluster | grep -qx "$CLUSTER"; then run sacctmgr -i add cluster "$CLUSTER"; fi
  if ! sacctmgr -n -P show qos format=Name | grep -qx limited; then
    run sacctmgr -i add qos limited MaxTRESPerUser=cpu=2 Priority=10 Description="testbed: 2 CPUs per user"
  fi
  local acct u entry
  for acct in physics chemistry bio; do
    if ! sacctmgr -n -P show account "$acct" format=Account | grep -qx "$acct"; then
      run sacctmgr -i add account "$acct" Cluster="$CLUSTER" Description="testbed $acct" Organization=testbed
    fi
  done
  for entry in "${USERS[@]}"; do
    u="${entry%%:*}"; acct="${entry##*:}"
    id "$u" >/dev/null 2>&1 || run useradd -m -s /bin/bash "$u"
    if ! sacctmgr -n -P show assoc where user="$u" account="$acct" format=User | grep -qx "$u"; then
      run sacctmgr -i add user "$u" Account="$acct" Cluster="$CLUSTER" QOS=normal,limited DefaultQOS=normal
    fi
  done
}

setup_cluster_state() {
  local st
  for n in "${DEAD_NODES[@]}"; do
    st="$(sinfo -h -n "$n" -o '%T' | head -n1)"
    [[ "$st" == down* ]] || run scontrol update NodeName="$n" State=DOWN Reason="testbed: no slurmd"
  done
  st="$(scontrol -o show node cn2)"
  [[ "$st" == *DRAIN* ]] || run scontrol update NodeName=cn2 State=DRAIN Reason="testbed: bad dimm"
  ensure_maint_window
  if ! scontrol -o show reservation physics_resv >/dev/null 2>&1; then
    run scontrol create reservation ReservationName=physics_resv StartTime=now Duration=7-00:00:00 \
      Nodes=cn4 Accounts=physics
  fi
}

# maint_window (MAINT) on cn3, one hour ahead. IGNORE_JOBS: on a testbed that has run for a while the
# window may have passed and a long job started on cn3 after it; without the flag slurmctld refuses a
# reservation over busy nodes ("Requested nodes are busy"), and a re-run of `up`/`jobs` would fail.
ensure_maint_window() {
  if scontrol -o show reservation maint_window >/dev/null 2>&1; then
    run scontrol update ReservationName=maint_window StartTime=now+1hour Duration=60 Flags=IGNORE_JOBS \
      || { run scontrol delete ReservationName=maint_window; create_maint_window; }
  else
    create_maint_window
  fi
}

create_maint_window() {
  run scontrol create reservation ReservationName=maint_window StartTime=now+1hour Duration=60 \
    Nodes=cn3 Users=root Flags=MAINT,IGNORE_JOBS
}

dead_nodes_not_responding() {
  local n
  for n in "${DEAD_NODES[@]}"; do [[ "$(scontrol -o show node "$n")" == *NOT_RESPONDING* ]] || return 1; done
}

restart_slurm_if_config_changed() {
  ((CONFIG_CHANGED)) || return 0
  if pid_alive "$RUNDIR/slurmctld.pid" || pid_alive "$RUNDIR/slurmdbd.pid"; then
    log "configuration changed while Slurm was running: cancelling jobs, restarting Slurm daemons"
    cancel_all_jobs
    stop_slurm_daemons
  fi
}

cmd_up() {
  local t0=$SECONDS
  [[ $EUID -eq 0 ]] || die "must run as root"
  install_packages
  write_configs
  restart_slurm_if_config_changed
  start_munge
  start_mariadb
  start_slurmdbd
  setup_accounting          # cluster/accounts/users exist before slurmctld registers
  start_slurmctld
  start_slurmds
  log "waiting for nodes $(live_nodes | paste -sd, -) to respond"
  wait_for 60 "nodes to respond" nodes_responding
  setup_cluster_state
  log "waiting for ${DEAD_NODES[*]} to be marked DOWN+NOT_RESPONDING (next slurmctld ping)"
  wait_for 90 "dead nodes to be not responding" dead_nodes_not_responding
  log "testbed up in $((SECONDS - t0))s"
  sinfo
}

# ---------------------------------------------------------------- job mix
submit() { # submit <user> <sbatch args...>  -> prints job id
  local u="$1"; shift
  local id
  id="$(cd / && runuser -u "$u" -- sbatch --parsable -D "/home/$u" "$@")" || die "sbatch as $u failed: $*"
  id="${id%%;*}"
  log "submitted $id as $u: $*" >&2
  echo "$id"
}
job_state() { squeue -h -j "$1" -o '%T' 2>/dev/null | head -n1; }
wait_running() { # wait_running <jobid> <timeout>
  local end=$((SECONDS + $2))
  while ((SECONDS < end)); do [[ "$(job_state "$1")" == RUNNING ]] && return 0; sleep 0.5; done
  return 1
}

cmd_jobs() {
  local wait=0; [[ "${1:-}" == "--wait" ]] && wait=1
  local t0=$SECONDS
  scontrol ping >/dev/null 2>&1 || die "slurmctld not reachable: run '$0 up' first"
  if [[ -n "$(squeue -h -u "$JOB_USERS" -o %A)" ]]; then
    run scancel -u alice; run scancel -u bob; run scancel -u carol; run scancel -u dave
    wait_for 60 "previous jobs to leave the queue" bash -c "[[ -z \"\$(squeue -h -u $JOB_USERS -t PD,R,CG,S -o %A)\" ]]"
  fi
  # every live node except cn2 (drained on purpose) starts the mix undrained: the long-named node is
  # drained again below, and a node left drained by an interrupted test must not stay so for good
  local n
  for n in $(live_nodes); do
    [[ $n == cn2 ]] && continue
    if [[ "$(scontrol -o show node "$n")" == *DRAIN* ]]; then
      run scontrol update NodeName="$n" State=RESUME
    fi
  done

  # the maintenance window was created by the first `up`; keep it one hour ahead of every fresh job mix
  ensure_maint_window

  sleep 1; date +%Y-%m-%dT%H:%M:%S >"$START_FILE"   # local time, as sacct -S expects
  local short=() r_long cancel_id r_alice
  # ---- first the job that will keep the long-named node busy (it gets drained below: MIXED+DRAIN)
  r_long="$(submit bob -J bob-very-long-job-name-for-edge-case-testing-0001 -w "$LONG_NODE" -n 1 -t 04:00:00 --wrap 'sleep 14400')"
  # and one long job of alice's submitted early, so it runs whatever the fair-share order is by now
  r_alice="$(submit alice -J alice-md-run -n 2 -N 1 -t 04:00:00 --wrap 'sleep 14400')"
  # ---- short jobs: finish within ~1-2 minutes and end up in sacct
  short+=("$(submit alice -J quick-ok -t 5 --wrap 'sleep 5')")                         # COMPLETED
  short+=("$(submit bob -J fails-exit1 -t 5 --wrap 'sleep 3; exit 1')")                # FAILED 1:0
  cancel_id="$(submit carol -J to-be-cancelled -t 10 --wrap 'sleep 600')"; short+=("$cancel_id")  # CANCELLED
  short+=("$(submit dave -J hits-timelimit -p debug -t 1 --wrap 'sleep 600')")          # TIMEOUT
  short+=("$(submit alice -J short-array --array=1-5 -t 5 --wrap 'sleep 20')")          # array, COMPLETED
  short+=("$(submit carol -J gpu-short -p gpu --gres=gpu:a100:1 -t 5 --wrap 'sleep 15')")  # GPU in sacct
  short+=("$(submit bob -J multi-part-short -p batch,gpu -t 5 --wrap 'sleep 10')")      # ran in one of two
  short+=("$(submit dave -J matlab-lic -p gpu -L matlab:2 -t 5 --wrap 'sleep 30')")     # license in use

  # ---- let the short ones start before the long ones compete for the CPUs
  poll 30 short_jobs_started "${short[@]}" || log "some short jobs still pending after 30s, going on"
  if wait_running "$r_long" 30; then
    run scontrol update NodeName="$LONG_NODE" State=DRAIN Reason="testbed: draining for firmware update"
  else
    log "WARNING: job $r_long did not start on $LONG_NODE within 30s; not draining it"
  fi
  wait_running "$cancel_id" 10 || log "job $cancel_id did not start, cancelling it while pending"
  run scancel "$cancel_id"

  # ---- long jobs: running / pending for hours (cn3 takes none of them: maint_window starts in 1 h).
  #      The two "never fits" jobs get --nice so backfill does not hold gn1 free for them.
  submit carol -J carol-gpu-typed -p gpu --gres=gpu:a100:1 -n 2 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit dave -J dave-gpu-untyped -p gpu --gpus=1 -n 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit dave -J dave-qos-1 -p gpu --qos=limited -n 2 -N 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit dave -J dave-qos-2 -p gpu --qos=limited -n 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null  # QOSMaxCpuPerUserLimit
  submit bob -J multi-part-long -p batch,gpu -n 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit carol -J carol-big -n 4 -N 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit alice -J long-array --array=1-5 -n 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null
  submit dave -J dave-wide -n 4 -N 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null                 # Resources/Priority
  submit bob -J multi-part-wide -p batch,gpu -n 8 -N 1 --nice=10000 -t 04:00:00 --wrap 'sleep 14400' >/dev/null  # pending in batch,gpu
  submit carol -J gpu-two -p gpu --gres=gpu:a100:2 --nice=10000 -t 04:00:00 --wrap 'sleep 14400' >/dev/null  # pending, GPUs busy
  submit alice -J after-md -t 01:00:00 --dependency=afterok:"$r_alice" --wrap 'sleep 60' >/dev/null  # Dependency
  submit bob -J held-job -H -t 01:00:00 --wrap 'sleep 60' >/dev/null                          # JobHeldUser
  submit carol -J too-long-for-debug -p debug -t 02:00:00 --wrap 'sleep 60' >/dev/null       # PartitionTimeLimit
  submit alice -J throttled-array --array=1-4%1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null   # JobArrayTaskLimit
  submit bob -J physics-in-resv --reservation=physics_resv -n 1 -t 04:00:00 --wrap 'sleep 14400' >/dev/null  # runs on cn4
  sleep 3   # one scheduling pass, so the listing below shows start/pending decisions
  printf '%s\n' "${short[@]}" >"$WAIT_FILE"
  log "job mix submitted in $((SECONDS - t0))s (short jobs: ${short[*]})"
  squeue -a -r -o '%.12i %.9P %.28j %.6u %.8T %.10M %.5C %R'
  ((wait)) && wait_short_jobs
  return 0
}

short_jobs_started() { # true when none of the given jobs is still pending
  local ids; ids="$(IFS=,; echo "$*")"
  ! squeue -h -r -j "$ids" -t PD -o %A 2>/dev/null | grep -q .
}

short_jobs_terminal() {
  local ids; ids="$(paste -sd, "$WAIT_FILE")"
  local states; states="$(sacct -n -X -P -j "$ids" -o State 2>/dev/null)" || return 1
  [[ -n "$states" ]] || return 1
  ! grep -qE '^(PENDING|RUNNING|REQUEUED|RESIZING|SUSPENDED|COMPLETING)' <<<"$states"
}

wait_short_jobs() {
  [[ -s "$WAIT_FILE" ]] || die "no short-job list; run '$0 jobs' first"
  local t0=$SECONDS
  log "waiting (<= 240s) until the short jobs $(paste -sd, "$WAIT_FILE") are terminal in sacct"
  wait_for 240 "short jobs to finish" short_jobs_terminal
  log "short jobs terminal after $((SECONDS - t0))s"
  sacct -X -j "$(paste -sd, "$WAIT_FILE")" -o JobID,User,Partition,State,ExitCode,Elapsed,AllocTRES%40
}

# ---------------------------------------------------------------- down / status
stop_slurm_daemons() {
  local n pfs=()
  for n in $(live_nodes); do pfs+=("$RUNDIR/slurmd-$n.pid"); done
  stop_pidfiles "${pfs[@]}"
  stop_pidfiles "$RUNDIR/slurmctld.pid"
  stop_pidfiles "$RUNDIR/slurmdbd.pid"
}

kill_leftovers() {
  local pids=() p u exe
  for p in /proc/[0-9]*; do
    exe="$(readlink "$p/exe" 2>/dev/null || true)"
    case "$exe" in /usr/sbin/slurmstepd|/usr/sbin/slurmd|/usr/sbin/slurmctld|/usr/sbin/slurmdbd) pids+=("${p#/proc/}") ;; esac
  done
  for u in ${JOB_USERS//,/ }; do
    id "$u" >/dev/null 2>&1 || continue
    while read -r p; do [[ -n "$p" ]] && pids+=("$p"); done < <(pgrep -u "$u" || true)
  done
  ((${#pids[@]})) || return 0
  log "killing leftover processes: ${pids[*]}"
  kill -9 "${pids[@]}" 2>/dev/null || true
}

cancel_all_jobs() {
  scontrol ping >/dev/null 2>&1 || return 0
  local ids; ids="$(squeue -h -a -o %A | sort -u | paste -sd' ' -)"
  [[ -n "$ids" ]] || return 0
  # shellcheck disable=SC2086
  run scancel $ids
  local end=$((SECONDS + 20))
  while [[ -n "$(squeue -h -a -o %A)" ]] && ((SECONDS < end)); do sleep 0.5; done
}

cmd_down() {
  local t0=$SECONDS
  cancel_all_jobs
  stop_slurm_daemons
  stop_pidfiles /run/mysqld/mysqld.pid
  stop_pidfiles /run/munge/munged.pid
  kill_leftovers
  log "testbed down in $((SECONDS - t0))s"
}

cmd_status() {
  local n rc=0
  show() { if pid_alive "$2"; then printf '  %-45s running (pid %s)\n' "$1" "$(cat "$2")"; else printf '  %-45s stopped\n' "$1"; rc=1; fi; }
  echo "daemons:"
  show munged /run/munge/munged.pid
  show mariadb /run/mysqld/mysqld.pid
  show slurmdbd "$RUNDIR/slurmdbd.pid"
  show slurmctld "$RUNDIR/slurmctld.pid"
  for n in $(live_nodes); do show "slurmd -N $n" "$RUNDIR/slurmd-$n.pid"; done
  if scontrol ping >/dev/null 2>&1; then
    echo; sinfo; echo; sinfo -N -o '%.40N %.9P %.16T %.4c %.7m %30E'; echo
    squeue -a -r -o '%.12i %.9P %.28j %.6u %.8T %.10M %.5C %R'
  else
    echo "slurmctld not reachable"
  fi
  return $rc
}

case "${1:-}" in
  up) cmd_up ;;
  jobs) shift; cmd_jobs "$@" ;;
  wait) wait_short_jobs ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|jobs [--wait]|wait|status|down" >&2; exit 2 ;;
esac
