# Shared by the load benchmarks (scripts/bench-*): sourced, not run.
# Expects scripts/lib/postgres.sh to be sourced first for PostgreSQL.

log() { printf '[bench] %s\n' "$*" >&2; }

# Debian's wrk, installed if missing.
bench_need_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk from Debian"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >&2
}

# A fresh database for `db` (sqlite or postgres) under the directory $1:
# sets bench_args (the lingyan options naming it), bench_url and, for
# PostgreSQL, bench_pg_name (drop it with bench_drop_db).
bench_new_db() { # dir db
  bench_args=(--data-dir "$1/data")
  bench_url="sqlite://$1/data/lingyan.db"
  bench_pg_name=
  if [ "$2" = postgres ]; then
    bench_pg_name="lingyan_bench_$$"
    psql "$LINGYAN_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $bench_pg_name" >/dev/null
    psql "$LINGYAN_TEST_POSTGRES_URL" -qc "CREATE DATABASE $bench_pg_name" >/dev/null
    bench_url="${LINGYAN_TEST_POSTGRES_URL%/*}/$bench_pg_name"
    bench_args+=(--database-url "$bench_url")
  fi
}

bench_drop_db() {
  [ -n "${bench_pg_name:-}" ] &&
    psql "$LINGYAN_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $bench_pg_name WITH (FORCE)" >/dev/null
  bench_pg_name=
}

# Starts `lingyan serve` on a free port with bench_args; sets pid and base.
bench_serve() { # binary dir
  LINGYAN_LOG=warn "$1" "${bench_args[@]}" serve --bind 127.0.0.1:0 >"$2/out" 2>"$2/err" &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$2/out" && break; sleep 0.2; done
  base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$2/out")
  [ -n "$base" ] || { cat "$2/err" >&2; log "the server did not start"; exit 1; }
}

bench_stop() {
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=
}

# Signs in and prints the session cookie.
login() { # base user password
  local jar token
  jar=$(mktemp)
  token=$(curl -s -c "$jar" -b "$jar" "$1/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" \
    --data-urlencode "username=$2" --data-urlencode "password=$3" "$1/login"
  awk '$6 == "lingyan_session" { print $7 }' "$jar"
  rm -f "$jar"
}

# Runs wrk for DURATION with CONNECTIONS (or $3) connections and prints
# "p50_ms p99_ms req_per_s"; any answer but 2xx fails the run.
load() { # url cookie [connections]
  local c=${3:-$CONNECTIONS} t=2
  [ "$c" -lt 2 ] && t=1
  wrk -t"$t" -c"$c" -d"$DURATION" --latency --timeout 10s -H "Cookie: lingyan_session=$2" "$1" |
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) } $1 == "Requests/sec:" { rps = $2 }
      /Non-2xx/ { bad = $NF }
      END { if (bad > 0) { print "non-2xx responses: " bad > "/dev/stderr"; exit 1 } printf "%.2f %.2f %.0f\n", p50, p99, rps }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The medians of "p50 p99 rps" lines in a file, as "p50 p99 rps".
medians() { # file
  echo "$(awk '{print $1}' "$1" | median) $(awk '{print $2}' "$1" | median) $(awk '{print $3}' "$1" | median)"
}
