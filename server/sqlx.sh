#!/usr/bin/env bash
# Compile-time checked SQL: the `.sqlx/` offline data that lets every build run with
# SQLX_OFFLINE=true and no database (.cargo/config.toml), and the check that it is current.
#
#   server/sqlx.sh check     fail when a query changed without refreshed offline data (make test)
#   server/sqlx.sh prepare   rewrite .sqlx/ from the queries in app/ and server/ (make sqlx-prepare)
#   server/sqlx.sh database  start a migrated PostgreSQL and print its DATABASE_URL; it runs until
#                            `server/sqlx.sh stop` (for writing queries with live checking:
#                            SQLX_OFFLINE=false DATABASE_URL=... cargo check -p server)
#
# Each starts a throwaway cluster from the machine's PostgreSQL binaries (as the `postgres` user
# when run as root, as PostgreSQL refuses root), applies migrations/ with sqlx-cli, and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-check}
bindir=$(pg_config --bindir)
# The long-running database's folder (`database` / `stop`); check and prepare use their own.
state=target/sqlx-database

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  dir=$(mktemp -d /tmp/waypoint-sqlx.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log"; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c full_page_writes=off -c max_connections=300" start ||
    { cat "$dir/server.log"; exit 1; }
  url="postgres://postgres@localhost/waypoint?host=$dir"
  as_owner "$bindir/createdb" -h "$dir" -U postgres waypoint
  sqlx migrate run --source migrations --database-url "$url" >/dev/null
}

stop_cluster() {
  as_owner "$bindir/pg_ctl" -D "$1/data" -m immediate -s stop || true
  rm -rf "$1"
}

stop() {
  [ -f "$state" ] || return 0
  stop_cluster "$(cat "$state")"
  rm -f "$state"
}

# cargo sqlx prepare touches every workspace source file to make cargo re-expand the macros;
# putting the times back afterwards keeps `make release` from rebuilding for nothing.
with_times_kept() {
  times=$(mktemp)
  find app frontend server benches -name '*.rs' -printf '%T@ %p\n' 2>/dev/null >"$times"
  status=0
  "$@" || status=$?
  while read -r stamp path; do touch -d "@$stamp" "$path"; done <"$times"
  rm -f "$times"
  return $status
}

prepare() {
  # -p server checks the server and the app with its ssr feature, where every query lives.
  RUSTFLAGS="${TEST_RUSTFLAGS:---cfg erase_components}" LEPTOS_OUTPUT_NAME=waypoint DATABASE_URL="$url" \
    cargo sqlx prepare --workspace "$@" -- -p server --lib --bins
}

case "$command" in
  check | prepare)
    start
    trap 'stop_cluster "$dir"' EXIT
    if [ "$command" = check ]; then
      with_times_kept prepare --check || {
        echo "sqlx: a query changed without refreshed offline data: run make sqlx-prepare and commit .sqlx/" >&2
        exit 1
      }
      echo "sqlx: .sqlx/ matches every query"
    else
      with_times_kept prepare
    fi
    ;;
  database)
    stop
    start
    mkdir -p "$(dirname "$state")"
    printf '%s\n' "$dir" >"$state"
    echo "DATABASE_URL=$url"
    ;;
  stop) stop ;;
  *)
    echo "usage: server/sqlx.sh check | prepare | database | stop" >&2
    exit 2
    ;;
esac
