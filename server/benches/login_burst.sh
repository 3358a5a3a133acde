#!/usr/bin/env bash
# Login under attack: the server's peak memory and what a burst of wrong passwords gets, then
# login throughput for real users. Bounded: N requests to 127.0.0.1 only, then it stops.
#
#   server/benches/login_burst.sh [BINARY] [BURST]      (default target/release/lophoc, 200)
#
# Prints: the status counts of BURST concurrent wrong passwords for one account, the server's
# peak resident memory (VmHWM) before and after, and logins/s for 200 right passwords of four
# other demo accounts (4 at a time).
set -euo pipefail
BIN=${1:-target/release/lophoc}
BURST=${2:-200}
[ -x "$BIN" ] || { echo "no binary at $BIN (build it: ./dev.sh build --release)" >&2; exit 1; }
DIR=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
LOPHOC_DATA_DIR=$DIR "$BIN" seed demo --schools 20 >/dev/null
LOPHOC_DATA_DIR=$DIR ${BENCH_ENV:-} "$BIN" serve --addr "127.0.0.1:$PORT" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
hwm() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$PID/status"; }
echo "peak memory after start:      $(hwm)"
body='{"username":"gv.mn0001.1","password":"sai-mat-khau"}'
seq 1 "$BURST" | xargs -P "$BURST" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
    -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/session" \
    >"$DIR/codes"
echo "burst of $BURST wrong passwords at once: $(sort "$DIR/codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
echo "peak memory after the burst:  $(hwm)"
codes=$(mktemp)
start=$(date +%s.%N)
ACCOUNTS=(gv.mn0001.2 gv.mn0001.3 qt.mn0001 sogd)
for i in $(seq 1 200); do echo "${ACCOUNTS[$((i % 4))]}"; done |
    xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/json' \
        -d '{"username":"{}","password":"lophoc2026"}' "http://127.0.0.1:$PORT/api/v1/session" >"$codes"
end=$(date +%s.%N)
echo "200 right passwords, 4 at a time: $(sort "$codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')" \
    "$(echo "200 / ($end - $start)" | bc -l | xargs printf '%.1f') logins/s"
echo "peak memory at the end:       $(hwm)"
rm -f "$codes"
