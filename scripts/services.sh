#!/usr/bin/env bash
# Real servers for the service-health integration tests (*IT.java), on loopback, without systemd.
#
#   scripts/services.sh up     install (Debian packages) and start; idempotent
#   scripts/services.sh down   stop what 'up' started
#   scripts/services.sh status
#
# Ports and credentials (test-only; the ITs use the same constants, see health/ServicesIT support class):
#   PostgreSQL 15  127.0.0.1:15432  user hpcstatus / password hpcstatus-test-pw, database hpcstatus
#   Mosquitto      127.0.0.1:18830  anonymous;  127.0.0.1:18831  user hpcstatus / hpcstatus-test-pw
#   Redis          127.0.0.1:16379  requirepass hpcstatus-test-pw
#   InfluxDB 1.x   127.0.0.1:18086  (Debian 'influxdb' 1.6), auth disabled, database hpcstatus
# Must run as root (apt-get; PostgreSQL runs as user postgres via runuser).
set -euo pipefail
# shellcheck source=scripts/lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

BASE=/var/lib/hpcstatus-test
PW=hpcstatus-test-pw
PG_BIN=
PACKAGES=(mosquitto redis-server postgresql influxdb)

log() { echo "services.sh: $*" >&2; }

install() {
  local missing=()
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d (created only if absent) keeps the packages' init scripts from starting default instances
    apt_install "${missing[@]}"
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

wait_port() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "port $1 did not open"; return 1
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

up_mosquitto() {
  local d=$BASE/mosquitto
  mkdir -p "$d"
  if running "$d/pid"; then return; fi
  rm -f "$d/passwd"; touch "$d/passwd"; chmod 600 "$d/passwd"
  mosquitto_passwd -b "$d/passwd" hpcstatus "$PW"
  chown -R mosquitto: "$d" 2>/dev/null || true
  cat > "$d/mosquitto.conf" <<CONF
per_listener_settings true
pid_file $d/pid
persistence false
log_dest file $d/mosquitto.log
sys_interval 1
listener 18830 127.0.0.1
allow_anonymous true
listener 18831 127.0.0.1
allow_anonymous false
password_file $d/passwd
CONF
  /usr/sbin/mosquitto -c "$d/mosquitto.conf" -d
  wait_port 18830 10; wait_port 18831 10
}

up_redis() {
  local d=$BASE/redis
  mkdir -p "$d"
  if running "$d/pid"; then return; fi
  redis-server --bind 127.0.0.1 --port 16379 --requirepass "$PW" --daemonize yes --pidfile "$d/pid" \
    --dir "$d" --save '' --appendonly no --logfile "$d/redis.log"
  wait_port 16379 10
}

up_postgres() {
  local d=$BASE/postgres
  mkdir -p "$BASE"
  if [ ! -f "$d/PG_VERSION" ]; then
    mkdir -p "$d"; chown postgres: "$d"; chmod 700 "$d"
    echo "$PW" > "$BASE/pgpass.tmp"; chown postgres: "$BASE/pgpass.tmp"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$d" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$BASE/pgpass.tmp" >/dev/null
    rm -f "$BASE/pgpass.tmp"
  fi
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$d" status >/dev/null 2>&1; then return; fi
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$d" -l "$d/server.log" -w -t 30 \
    -o "-p 15432 -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  runuser -u postgres -- "$PG_BIN/psql" -h /tmp -p 15432 -U postgres -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hpcstatus') THEN
    CREATE ROLE hpcstatus LOGIN PASSWORD '$PW' IN ROLE pg_monitor;
  END IF;
END \$\$;
SELECT 'CREATE DATABASE hpcstatus OWNER hpcstatus' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hpcstatus')\gexec
SQL
}

up_influxdb() {
  local d=$BASE/influxdb
  mkdir -p "$d"
  if running "$d/pid"; then return; fi
  cat > "$d/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:18088"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:18086"
  auth-enabled = false
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF
  nohup influxd -config "$d/influxdb.conf" -pidfile "$d/pid" > "$d/influxd.log" 2>&1 &
  wait_port 18086 30
  curl -s -XPOST 'http://127.0.0.1:18086/query' --data-urlencode 'q=CREATE DATABASE hpcstatus' >/dev/null 2>&1 \
    || (exec 3<>/dev/tcp/127.0.0.1/18086; printf 'POST /query?q=CREATE%%20DATABASE%%20hpcstatus HTTP/1.0\r\n\r\n' >&3; cat <&3 >/dev/null)
}

stop_pidfile() {
  if running "$1"; then kill "$(cat "$1" 2>/dev/null)" 2>/dev/null || true; for _ in $(seq 50); do running "$1" || break; sleep 0.1; done; fi
  rm -f "$1"
}

case "${1:-}" in
  up)
    [ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }
    install
    up_mosquitto
    up_redis
    up_postgres
    up_influxdb
    log "up: postgres :15432, mosquitto :18830/:18831, redis :16379, influxdb :18086"
    ;;
  down)
    stop_pidfile $BASE/mosquitto/pid
    stop_pidfile $BASE/redis/pid
    stop_pidfile $BASE/influxdb/pid
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -n "$PG_BIN" ] && [ -f $BASE/postgres/PG_VERSION ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D $BASE/postgres -m fast stop >/dev/null 2>&1 || true
    fi
    log "down"
    ;;
  status)
    for p in 15432 18830 18831 16379 18086; do
      if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p open"; else echo "$p closed"; fi
    done
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
