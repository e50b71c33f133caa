#!/usr/bin/env bash
# A private PostgreSQL server for postgres-sut, as the manifest's "services" entry runs it:
#   postgres-service.sh start | stop | ready
# Everything lives in $STREAMCHECK_SERVICE_DIR (the directory the harness gives the service): the
# cluster in data/, the unix socket in socket/ (no TCP port is opened), the server log in server.log.
# Never the system's own service. As root it runs the server as the "postgres" user (initdb and the
# server refuse root). fsync=off: the harness kills processes, never the machine, and a SIGKILLed
# server loses nothing the kernel already has; synchronous_commit stays on, so a COMMIT has reached
# the kernel before the client hears of it (turn it off and the SUT's receipts catch the lost commits).
set -euo pipefail

dir=${STREAMCHECK_SERVICE_DIR:?"STREAMCHECK_SERVICE_DIR is not set (the harness sets it)"}
bin=${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "postgres-service: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin); install them with: bash tools/install-debian-packages.sh" >&2
  exit 2
fi
data=$dir/data
sock=$dir/socket

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case ${1:-} in
  start)
    mkdir -p "$sock"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir" "$sock"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U streamcheck --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # -w waits until the server accepts connections (after crash recovery, when it was killed).
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -s \
      -o "-k $sock -c listen_addresses= -c fsync=off -c full_page_writes=off -c max_connections=30 -c shared_buffers=16MB" start
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -s stop || true; fi
    ;;
  ready)
    exec "$bin/pg_isready" -q -h "$sock" -U streamcheck -d postgres
    ;;
  *)
    echo "usage: postgres-service.sh start|stop|ready" >&2
    exit 2
    ;;
esac
