#!/usr/bin/env bash
# A nation's department pages: every page the department opens, at 54,000 schools on
# PostgreSQL, with its HTML size (uncompressed and brotli on the wire) and time. Bounded: one
# seed, then five requests per page to 127.0.0.1 only.
#
#   server/benches/nation_pages.sh [BINARY] [SITE_ROOT] [SCHOOLS]
#       (default target/release/lophoc, target/site, 54000)
#
# PostgreSQL at LOPHOC_BENCH_PG (default postgres://postgres@127.0.0.1:5432): a database
# lophoc_nation_<pid> is created and dropped at the end. The goal (issue 22): no department page
# over 60 KB on the wire; pages over it are marked `OVER`.
set -euo pipefail
BIN=${1:-target/release/lophoc}
SITE=${2:-target/site}
SCHOOLS=${3:-54000}
PG=${LOPHOC_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
[ -x "$BIN" ] || { echo "no binary at $BIN (build it: ./dev.sh build --release)" >&2; exit 1; }
[ -d "$SITE/pkg" ] || { echo "no site at $SITE (build it: ./dev.sh build --release)" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
DB=lophoc_nation_$$
DIR=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
BASE=http://127.0.0.1:$PORT
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL=$PG/$DB LOPHOC_DATA_DIR=$DIR LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn
echo "seeding $SCHOOLS schools on PostgreSQL…"
start=$(date +%s)
"$BIN" seed demo --schools "$SCHOOLS" >/dev/null
echo "seeded in $(( $(date +%s) - start )) s"
"$BIN" serve --addr "127.0.0.1:$PORT" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done

DEPT=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"username":"sogd","password":"lophoc2026"}' "$BASE/api/v1/session" |
    tr -d '\r' | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: (__host-)?lophoc_session=/ {sub(/^[^:]*: /, ""); print $1 "=" $2; exit}')
[ -n "$DEPT" ] || { echo "could not sign in as sogd" >&2; exit 1; }
SCHOOL=$(curl -s -H "cookie: $DEPT" "$BASE/api/v1/schools?limit=1" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')

# One page: HTML bytes, brotli bytes on the wire (headers included), median time of 5.
page() { # PATH
    local raw wire times t
    raw=$(curl -s -o "$DIR/page.html" -w '%{size_download}' -H "cookie: $DEPT" "$BASE$1")
    wire=$(curl -s -o /dev/null -w '%{size_header} %{size_download}' -H "cookie: $DEPT" \
        -H 'accept-encoding: br' "$BASE$1" | awk '{print $1 + $2}')
    times=$(for _ in 1 2 3 4 5; do
        curl -s -o /dev/null -w '%{time_total}\n' -H "cookie: $DEPT" -H 'accept-encoding: br' "$BASE$1"
    done | sort -n | sed -n 3p)
    t=$(awk -v s="$times" 'BEGIN {printf "%.0f ms", s * 1000}')
    printf '%-40s %9.1f KB HTML %8.1f KB br %9s %s\n' "$1" "$(awk -v b="$raw" 'BEGIN{print b/1024}')" \
        "$(awk -v b="$wire" 'BEGIN{print b/1024}')" "$t" "$([ "$wire" -gt 61440 ] && echo OVER || true)"
}

echo "department pages at $SCHOOLS schools (PostgreSQL; median of 5):"
for p in / /schools "/schools/$SCHOOL" "/devices?school=$SCHOOL" /bookings /utilisation \
    /pilot /pilot/schools "/pilot/schools/$SCHOOL" /pilot/report /pilot/settings \
    /attendance/on-time /materials /accounts; do
    page "$p"
done
