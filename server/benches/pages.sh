#!/usr/bin/env bash
# Light pages: what a teacher's phone downloads, and what server rendering costs next to the
# JSON API for the same data. Bounded: a fixed number of requests to 127.0.0.1 only.
#
#   server/benches/pages.sh [BINARY] [SITE_ROOT]   (default target/release/lophoc, target/site)
#
# A province of 2,000 schools (`seed demo --schools 2000`), its first school given 60 devices.
# Per page, signed in as the role that uses it and with `Accept-Encoding: br, gzip`:
#   first  = bytes on the wire for a first visit: the HTML and every asset it names (the
#            stylesheet, the icon sprite, and the script and wasm if the page has an island),
#            headers included;
#   repeat = a later visit: the HTML alone (the assets are cached `immutable`).
# Then requests/s and p99 of the page and of the JSON API answer with the same data, from
# `wrk` (Debian's package, installed when missing): 2 connections, 1 thread, 10 s each.
set -euo pipefail
BIN=${1:-target/release/lophoc}
SITE=${2:-target/site}
[ -x "$BIN" ] || { echo "no binary at $BIN (build it: ./dev.sh build --release)" >&2; exit 1; }
[ -f "$SITE/pkg/assets.txt" ] || { echo "no site at $SITE (build it: ./dev.sh build --release)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
DIR=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
BASE=http://127.0.0.1:$PORT
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
echo "seeding 2,000 schools…"
LOPHOC_DATA_DIR=$DIR "$BIN" seed demo --schools 2000 >/dev/null
LOPHOC_DATA_DIR=$DIR LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done

# A session cookie for a demo account.
session() {
    curl -s -D - -o /dev/null -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"lophoc2026\"}" "$BASE/api/v1/session" |
        tr -d '\r' | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: (__host-)?lophoc_session=/ {sub(/^[^:]*: /, ""); print $1 "=" $2; exit}'
}
ADMIN=$(session qt.mn0001)
TEACHER=$(session gv.mn0001.1)
DEPT=$(session sogd)
[ -n "$ADMIN" ] && [ -n "$TEACHER" ] && [ -n "$DEPT" ] || { echo "could not sign in" >&2; exit 1; }

# 60 devices for the first school: what it has, and more of every kind to make up the rest.
SCHOOL=$(curl -s -H "cookie: $ADMIN" "$BASE/api/v1/session" | sed -n 's/.*"school_id":\([0-9]*\).*/\1/p')
HAVE=$(curl -s -H "cookie: $ADMIN" "$BASE/api/v1/schools/$SCHOOL/devices?limit=200" | grep -o '"id":' | wc -l)
{
    echo "name,kind,serial,room,quantity"
    KINDS=(projector interactive_display projector tv document_camera interactive_display laptop_cart stem_kit)
    for i in $(seq 1 $((60 - HAVE))); do
        k=${KINDS[$((i % ${#KINDS[@]}))]}
        echo "Thiết bị bổ sung $i,$k,BENCH-$i,Phòng $((100 + i)),1"
    done
} >"$DIR/devices.csv"
curl -s -o /dev/null -w '' -H "cookie: $ADMIN" -H 'content-type: text/csv' --data-binary @"$DIR/devices.csv" \
    "$BASE/api/v1/schools/$SCHOOL/devices/import"
echo "school $SCHOOL: $(curl -s -H "cookie: $ADMIN" "$BASE/api/v1/schools/$SCHOOL/devices?limit=200" | grep -o '"id":' | wc -l) devices"

# Bytes on the wire (headers + body) of one GET.
wire() { # COOKIE URL
    curl -s -o /dev/null -w '%{size_header} %{size_download}\n' -H "cookie: $1" \
        -H 'accept-encoding: br, gzip' "$BASE$2" | awk '{print $1 + $2}'
}
kb() { awk -v b="$1" 'BEGIN {printf "%.1f KB", b / 1024}'; }

visit() { # LABEL COOKIE PATH
    local html assets total first
    html=$(wire "$2" "$3")
    curl -s -H "cookie: $2" "$BASE$3" >"$DIR/page.html"
    total=$html
    # The assets the page names: the stylesheet and the sprite; the script and the wasm only
    # when the page has an island (the loader imports them only then).
    assets=$(grep -o '/pkg/[A-Za-z0-9._-]*\.\(css\|svg\)' "$DIR/page.html" | sort -u)
    if grep -q '<leptos-island' "$DIR/page.html"; then
        assets="$assets $(grep -o '/pkg/lophoc\.[0-9a-f]*\.\(js\|wasm\)' "$DIR/page.html" | sort -u)"
    fi
    for a in $assets; do total=$((total + $(wire "$2" "$a"))); done
    first=$(kb "$total")
    printf '%-34s first %10s   repeat %9s   (HTML %s uncompressed)\n' "$1" "$first" "$(kb "$html")" \
        "$(kb "$(wc -c <"$DIR/page.html")")"
}

echo
echo "== bytes on the wire (brotli) =="
visit "/login" "" "/login"
visit "/ (teacher)" "$TEACHER" "/"
visit "/book (teacher, 60 devices)" "$TEACHER" "/book"
visit "/bookings (teacher)" "$TEACHER" "/bookings"
visit "/devices (school admin)" "$ADMIN" "/devices"
visit "/devices/labels (school admin)" "$ADMIN" "/devices/labels"
visit "/periods (school admin)" "$ADMIN" "/periods"
visit "/teachers (school admin)" "$ADMIN" "/teachers"
visit "/schools (department, 2,000)" "$DEPT" "/schools"
visit "/utilisation (department)" "$DEPT" "/utilisation"
visit "/attendance/on-time (department)" "$DEPT" "/attendance/on-time"
visit "/attendance (school admin)" "$ADMIN" "/attendance?week=1"
visit "/classes (school admin)" "$ADMIN" "/classes"
# The demo school's first class (the demo gives the first equipped schools classes).
CLASS=$(curl -s -H "cookie: $ADMIN" "$BASE/api/v1/schools/$SCHOOL/classes" | sed -n 's/^\[{"id":\([0-9]*\).*/\1/p')
if [ -n "$CLASS" ]; then
    visit "/classes/$CLASS (school admin)" "$ADMIN" "/classes/$CLASS"
    visit "/classes/$CLASS/timetable (admin)" "$ADMIN" "/classes/$CLASS/timetable"
    visit "/classes/$CLASS/attendance (admin)" "$ADMIN" "/classes/$CLASS/attendance"
    LESSON=$(curl -s -H "cookie: $ADMIN" "$BASE/api/v1/classes/$CLASS/week" |
        sed -n 's/.*"date":"\([0-9-]*\)","period":\([0-9]*\).*/\1\/\2/p' | head -1)
    [ -n "$LESSON" ] && visit "/classes/$CLASS/lessons/… (admin)" "$ADMIN" "/classes/$CLASS/lessons/$LESSON"
else
    echo "(the first school has no classes: class pages not measured)"
fi

load() { # LABEL COOKIE PATH
    local out rps p99
    out=$(wrk -t1 -c2 -d10s --latency -H "cookie: $2" -H 'accept-encoding: br, gzip' "$BASE$3")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf '%-44s %9s req/s   p99 %s\n' "$1" "$rps" "$p99"
}

echo
echo "== server rendering next to the JSON API (wrk, 2 connections, 10 s) =="
load "SSR  /schools (2,000 schools, 50 a page)" "$DEPT" "/schools"
load "JSON /api/v1/schools?limit=50" "$DEPT" "/api/v1/schools?limit=50"
load "SSR  /book (60 devices)" "$TEACHER" "/book"
load "JSON /api/v1/schools/$SCHOOL/week" "$TEACHER" "/api/v1/schools/$SCHOOL/week"
load "SSR  /utilisation (department)" "$DEPT" "/utilisation"
load "JSON /api/v1/utilisation" "$DEPT" "/api/v1/utilisation"
