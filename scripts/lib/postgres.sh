# Sourced by scripts/test and scripts/e2e: makes sure a PostgreSQL server is
# reachable and exports LINGYAN_TEST_POSTGRES_URL (an admin URL whose user may
# create databases).
#
# Order: the URL already in LINGYAN_TEST_POSTGRES_URL; else the local server
# on 127.0.0.1:5432 if it accepts postgres without a password; else a
# throwaway server in a temporary directory (installing PostgreSQL from
# Debian's packages first if it is missing). A PostgreSQL that cannot be had
# is an error, never a skip.

_pg_log() { printf '[postgres] %s\n' "$*" >&2; }

_pg_can_connect() {
  command -v psql >/dev/null 2>&1 || return 1
  PGCONNECT_TIMEOUT=3 psql "$1" -qtAc 'select 1' >/dev/null 2>&1
}

_pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

_pg_install() {
  _pg_log "PostgreSQL not found; installing it from Debian's packages"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-client >&2
}

_pg_free_port() {
  local p
  for p in $(seq 55432 55532); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}

lingyan_pg_stop() {
  if [ -n "${LINGYAN_PG_TMP:-}" ] && [ -d "$LINGYAN_PG_TMP" ]; then
    _pg_log "stopping throwaway server in $LINGYAN_PG_TMP"
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$LINGYAN_PG_BIN/pg_ctl" -D "$LINGYAN_PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    else
      "$LINGYAN_PG_BIN/pg_ctl" -D "$LINGYAN_PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$LINGYAN_PG_TMP"
    unset LINGYAN_PG_TMP
  fi
}

lingyan_pg_ensure() {
  if [ -n "${LINGYAN_TEST_POSTGRES_URL:-}" ]; then
    _pg_can_connect "$LINGYAN_TEST_POSTGRES_URL" || {
      _pg_log "cannot connect to LINGYAN_TEST_POSTGRES_URL"; return 1; }
    _pg_log "using LINGYAN_TEST_POSTGRES_URL"
    return 0
  fi
  local local_url="postgres://postgres@127.0.0.1:5432/postgres"
  if _pg_can_connect "$local_url"; then
    export LINGYAN_TEST_POSTGRES_URL="$local_url"
    _pg_log "using the local server at 127.0.0.1:5432"
    return 0
  fi
  local bin
  bin=$(_pg_bindir)
  if [ -z "$bin" ] || ! command -v psql >/dev/null 2>&1; then
    _pg_install || { _pg_log "could not install PostgreSQL"; return 1; }
    bin=$(_pg_bindir)
  fi
  [ -n "$bin" ] || { _pg_log "no initdb after installing PostgreSQL"; return 1; }
  local port tmp
  port=$(_pg_free_port) || { _pg_log "no free port"; return 1; }
  tmp=$(mktemp -d /tmp/lingyan-pg.XXXXXX)
  chmod 755 "$tmp"
  export LINGYAN_PG_TMP="$tmp" LINGYAN_PG_BIN="$bin"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$tmp"
    run=(runuser -u postgres --)
  fi
  _pg_log "starting a throwaway server on port $port in $tmp"
  "${run[@]}" "$bin/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
    -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$tmp/server.log" >&2; return 1; }
  export LINGYAN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  _pg_can_connect "$LINGYAN_TEST_POSTGRES_URL" || { _pg_log "throwaway server does not answer"; return 1; }
}
