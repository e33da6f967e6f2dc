#!/bin/sh
# A private PostgreSQL cluster sized as the README's deployment section asks (shared_buffers
# a good share of RAM instead of the packaged 128 MB), for the benchmarks only. It runs
# beside the machine's own server, on another port, and keeps its data outside the repo.
#
#   bench/tuned_postgres.sh start     # prints the DATABASE_URL to benchmark against
#   bench/tuned_postgres.sh stop
#
# Settings: PGPORT_TUNED (5433), SHARED_BUFFERS (2GB), PGDATA_TUNED (/tmp/treem-pg-tuned).
# Needs PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<version>/bin). As root,
# the cluster runs as the `postgres` user (initdb refuses root).
set -eu

PORT="${PGPORT_TUNED:-5433}"
BUFFERS="${SHARED_BUFFERS:-2GB}"
DATA="${PGDATA_TUNED:-/tmp/treem-pg-tuned}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$BIN/pg_ctl" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi
}

case "${1:-start}" in
start)
    if [ ! -f "$DATA/PG_VERSION" ]; then
        mkdir -p "$DATA"
        [ "$(id -u)" = 0 ] && chown postgres "$DATA"
        as_owner "'$BIN/initdb' -D '$DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    if ! as_owner "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
        as_owner "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/server.log' -w -o \"-p $PORT \
            -c shared_buffers=$BUFFERS -c listen_addresses=127.0.0.1 \
            -c unix_socket_directories='$DATA'\" start" >/dev/null
    fi
    for db in treem_bench_search; do
        psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" |
            grep -q 1 || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $db"
    done
    echo "shared_buffers=$(psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc 'SHOW shared_buffers')"
    echo "DATABASE_URL=postgresql://postgres@127.0.0.1:$PORT/treem_bench_search"
    ;;
stop)
    as_owner "'$BIN/pg_ctl' -D '$DATA' -m fast stop"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
