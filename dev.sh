#!/usr/bin/env bash
# dev.sh: the one set-up script for Lớp Học. The README's two commands call it:
#
#   ./dev.sh run [ARGS...]   install what is missing, build (release), serve the demo province
#                            (ARGS go to `lophoc serve --demo`, e.g. --addr 0.0.0.0:3000)
#   ./dev.sh test [STEP...]  install what is missing, then run every check; STEPs pick some:
#                            fmt, clippy, rust (cargo test), e2e (cargo leptos build + Playwright)
#   ./dev.sh setup           only the installs
#
# These machines reach crates.io, npm, PyPI and Debian's packages and nothing else, so every tool
# comes from one of those (see TOOLCHAIN.md in the design notes): never `npx playwright install`,
# never a cargo-leptos download. Each install is skipped when the right version is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

CARGO_LEPTOS_VERSION=0.3.10
E2E_DIR=$ROOT/end2end
# cargo-installed tools, and wasm-opt (npm `binaryen`) for release builds: cargo-leptos takes
# whatever wasm-opt / wasm-bindgen it finds on PATH.
export PATH="$HOME/.cargo/bin:$E2E_DIR/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive
# @playwright/test has no download step today; this keeps it that way if one ever appears.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# ---------------------------------------------------------------------------------------------
# Output and timings

STEP_NAMES=()
STEP_RESULTS=()
STEP_SECONDS=()

# Colour only on a terminal: CI logs stay plain text.
if [ -t 1 ]; then
    BOLD=$'\033[1m' RED=$'\033[31m' PLAIN=$'\033[0m'
else
    BOLD="" RED="" PLAIN=""
fi
say() { printf '%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf '%sdev.sh: %s%s\n' "$RED" "$*" "$PLAIN" >&2
    exit 1
}
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

record() { # NAME RESULT SECONDS
    STEP_NAMES+=("$1")
    STEP_RESULTS+=("$2")
    STEP_SECONDS+=("$3")
}

print_timings() {
    [ ${#STEP_NAMES[@]} -gt 0 ] || return 0
    echo
    say "Summary"
    local i
    for i in "${!STEP_NAMES[@]}"; do
        printf '    %-8s %8s  %s\n' "${STEP_RESULTS[$i]}" "$(fmt_secs "${STEP_SECONDS[$i]}")" "${STEP_NAMES[$i]}"
    done
    printf '    %-8s %8s  %s\n' "" "$(fmt_secs "$SECONDS")" "total"
}

# An install or build step: timed, and the script stops on failure (nothing after it can work).
# It runs outside any `if`/`||` so that `set -e` stays in force inside it; on_exit reports it.
CURRENT_STEP=""
CURRENT_T0=0
install_step() { # NAME COMMAND...
    CURRENT_STEP=$1
    CURRENT_T0=$SECONDS
    shift
    say "$CURRENT_STEP"
    "$@"
    record "$CURRENT_STEP" ok $((SECONDS - CURRENT_T0))
    note "($(fmt_secs $((SECONDS - CURRENT_T0))))"
    CURRENT_STEP=""
}

on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ] && [ -n "$CURRENT_STEP" ]; then
        record "$CURRENT_STEP" FAILED $((SECONDS - CURRENT_T0))
        print_timings
        printf '%sdev.sh: "%s" failed (exit %d); see the output above.%s\n' "$RED" "$CURRENT_STEP" "$rc" "$PLAIN" >&2
    fi
}
trap on_exit EXIT

# A check: timed, and the run goes on after a failure so one run shows every problem.
FAILED=0
check_step() { # NAME COMMAND...
    local name=$1 t0=$SECONDS rc=0
    shift
    say "$name"
    note "\$ $*"
    "$@" || rc=$?
    if [ "$rc" -eq 0 ]; then
        record "$name" passed $((SECONDS - t0))
    else
        record "$name" FAILED $((SECONDS - t0))
        FAILED=$((FAILED + 1))
        printf '%s    %s failed (exit %d)%s\n' "$RED" "$name" "$rc" "$PLAIN"
    fi
}

skip_step() { # NAME REASON
    say "$1"
    note "skipped: $2"
    record "$1" skipped 0
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root for: $* (no sudo here)"
    fi
}

# Another process (a colleague's shell, an earlier dev.sh) may be compiling the same tool right
# now. Two `cargo install`s on two cores take twice as long and race on ~/.cargo/bin: wait instead.
wait_for_other_install() { # PATTERN
    local waited=0
    while pgrep -f "cargo install.*$1" >/dev/null 2>&1; do
        if [ $((waited % 60)) -eq 0 ]; then
            note "another 'cargo install ... $1' is running; waiting for it ($(fmt_secs $waited) so far)"
        fi
        sleep 10
        waited=$((waited + 10))
    done
}

# ---------------------------------------------------------------------------------------------
# Installs

ensure_rust() {
    command -v cargo >/dev/null || die "cargo not found: this needs the machine's Rust toolchain (rustup)."
    command -v rustup >/dev/null || die "rustup not found: it adds the wasm32 target."
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        note "wasm32-unknown-unknown: present"
    else
        rustup target add wasm32-unknown-unknown
    fi
    local missing=()
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if [ ${#missing[@]} -gt 0 ]; then
        rustup component add "${missing[@]}"
    else
        note "rustfmt, clippy: present"
    fi
}

cargo_leptos_ok() {
    cargo leptos --version 2>/dev/null | grep -qw "$CARGO_LEPTOS_VERSION"
}

ensure_cargo_leptos() {
    if ! cargo_leptos_ok; then
        wait_for_other_install cargo-leptos
    fi
    if cargo_leptos_ok; then
        note "$(cargo leptos --version): present"
        return 0
    fi
    # --locked and 0.3.10: newer releases and an unlocked resolve need a newer rustc than 1.95.
    # no_downloads: a missing tool is a clear error instead of a download that cannot work here.
    note "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 14 minutes on 2 cores)"
    cargo install --locked --features no_downloads cargo-leptos --version "$CARGO_LEPTOS_VERSION"
    cargo_leptos_ok || die "cargo-leptos $CARGO_LEPTOS_VERSION still not found after installing"
}

# The wasm-bindgen version in Cargo.lock; empty while no crate depends on wasm-bindgen.
locked_wasm_bindgen_version() {
    awk '
        /^\[\[package\]\]/ { in_wb = 0 }
        /^name = "wasm-bindgen"$/ { in_wb = 1; next }
        in_wb && /^version = / { gsub(/"/, "", $3); print $3; in_wb = 0 }
    ' Cargo.lock | sort -u
}

ensure_wasm_bindgen() {
    [ -f Cargo.lock ] || die "Cargo.lock is missing: it is committed, and it pins wasm-bindgen."
    local want
    want=$(locked_wasm_bindgen_version)
    if [ -z "$want" ]; then
        note "Cargo.lock has no wasm-bindgen yet: skipping wasm-bindgen-cli (run setup again once the app depends on it)"
        return 0
    fi
    if [ "$(printf '%s\n' "$want" | wc -l)" -ne 1 ]; then
        die "Cargo.lock holds several wasm-bindgen versions ($(echo "$want" | tr '\n' ' ')); the CLI can match only one. Unify them."
    fi
    have() { wasm-bindgen --version 2>/dev/null | awk '{print $2}'; }
    if [ "$(have)" != "$want" ]; then
        wait_for_other_install wasm-bindgen-cli
    fi
    if [ "$(have)" = "$want" ]; then
        note "wasm-bindgen $want: present (matches Cargo.lock)"
        return 0
    fi
    # The CLI must equal the crate version exactly. No --locked: the CLI's own lock file wants a
    # crate the registry does not serve.
    note "installing wasm-bindgen-cli $want to match Cargo.lock (have: $(have || true))"
    cargo install wasm-bindgen-cli --version "=$want"
    [ "$(have)" = "$want" ] || die "wasm-bindgen $want still not on PATH after installing"
}

ensure_node_packages() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        note "Node.js not found: installing Debian's nodejs and npm"
        as_root apt-get update
        as_root apt-get install -y nodejs npm
    fi
    [ -f "$E2E_DIR/package-lock.json" ] || die "end2end/package-lock.json is missing (it is committed)"
    local stamp_file=$E2E_DIR/node_modules/.lophoc-installed want
    want=$(cat "$E2E_DIR/package.json" "$E2E_DIR/package-lock.json" | sha256sum | cut -d' ' -f1)
    if [ -d "$E2E_DIR/node_modules" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$want" ] &&
        [ -x "$E2E_DIR/node_modules/.bin/wasm-opt" ] && [ -x "$E2E_DIR/node_modules/.bin/playwright" ]; then
        note "end2end/node_modules: up to date with package-lock.json"
    else
        (cd "$E2E_DIR" && npm ci --no-audit --no-fund)
        echo "$want" >"$stamp_file"
    fi
    note "$(wasm-opt --version) (npm binaryen, on PATH for release builds)"
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        note "$(/usr/bin/chromium --version 2>/dev/null || echo chromium): present"
        return 0
    fi
    note "installing Debian's chromium (the browser for Playwright; about a minute)"
    as_root apt-get update
    as_root apt-get install -y chromium
    [ -x /usr/bin/chromium ] || die "apt-get installed chromium but /usr/bin/chromium is missing"
}

setup() {
    install_step "rust toolchain: wasm32 target, rustfmt, clippy" ensure_rust
    install_step "cargo-leptos $CARGO_LEPTOS_VERSION" ensure_cargo_leptos
    install_step "wasm-bindgen-cli (version from Cargo.lock)" ensure_wasm_bindgen
    install_step "node packages in end2end/ (Playwright, axe, binaryen)" ensure_node_packages
    install_step "chromium (Debian)" ensure_chromium
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: the service tests run on both engines and fail (never skip) without it.

pg_ready() {
    if [ -n "${LOPHOC_TEST_PG_URL:-}" ]; then
        pg_isready -q -d "$LOPHOC_TEST_PG_URL"
    else
        pg_isready -q -h 127.0.0.1 -p 5432
    fi
}

ensure_postgres() {
    command -v pg_isready >/dev/null ||
        die "pg_isready not found: the tests need PostgreSQL (Debian's postgresql on 127.0.0.1:5432, trust auth for user postgres), or LOPHOC_TEST_PG_URL naming one."
    if pg_ready; then
        note "PostgreSQL is accepting connections"
        return 0
    fi
    if [ -n "${LOPHOC_TEST_PG_URL:-}" ]; then
        die "PostgreSQL at LOPHOC_TEST_PG_URL does not answer; start it or unset the variable."
    fi
    note "PostgreSQL is down on 127.0.0.1:5432: starting the local cluster"
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || die "PostgreSQL is not running and no cluster is configured under /etc/postgresql."
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    local i
    for i in $(seq 1 30); do
        pg_ready && {
            note "PostgreSQL $version is up"
            return 0
        }
        sleep 1
    done
    die "PostgreSQL did not come up on 127.0.0.1:5432 (tried: pg_ctlcluster --skip-systemctl-redirect $version main start). The service and HTTP tests need it."
}

# ---------------------------------------------------------------------------------------------
# Commands

# `testing` (the shared test harness for other crates' tests) arrives with the HTTP tests; until
# then the root package's tests build with `server`.
lophoc_test_features() {
    if awk '/^\[features\]/{f=1;next} /^\[/{f=0} f && /^testing[[:space:]]*=/{found=1} END{exit !found}' Cargo.toml; then
        echo testing
    else
        echo server
    fi
}

cmd_run() {
    setup
    install_step "cargo leptos build --release" cargo leptos build --release
    print_timings
    echo
    say "Starting target/release/lophoc serve --demo $* (Ctrl-C stops it)"
    exec target/release/lophoc serve --demo "$@"
}

cmd_test() {
    local steps=("$@")
    [ ${#steps[@]} -gt 0 ] || steps=(fmt clippy rust e2e)
    local s
    for s in "${steps[@]}"; do
        case $s in fmt | clippy | rust | e2e) ;; *) die "unknown test step '$s' (fmt, clippy, rust, e2e)" ;; esac
    done
    wants() { printf '%s\n' "${steps[@]}" | grep -qx "$1"; }

    setup
    if wants rust; then
        install_step "PostgreSQL on 127.0.0.1:5432" ensure_postgres
    fi

    if wants fmt; then
        check_step "cargo fmt --check" cargo fmt --all --check
    fi
    if wants clippy; then
        # Per package, never --workspace: that would unify the app's ssr and hydrate features.
        check_step "clippy lophoc (server)" cargo clippy -p lophoc --features server --all-targets -- -D warnings
        check_step "clippy server" cargo clippy -p server --all-targets -- -D warnings
        check_step "clippy app (ssr)" cargo clippy -p app --features ssr -- -D warnings
        check_step "clippy app (hydrate, wasm32)" cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
    fi
    if wants rust; then
        local features
        features=$(lophoc_test_features)
        check_step "cargo test lophoc (--features $features; SQLite + PostgreSQL)" cargo test -p lophoc --features "$features"
        check_step "cargo test server (HTTP; SQLite + PostgreSQL)" cargo test -p server
    fi
    if wants e2e; then
        check_step "cargo leptos build (debug)" cargo leptos build
        if [ "${STEP_RESULTS[$((${#STEP_RESULTS[@]} - 1))]}" = passed ]; then
            check_step "playwright (end2end/, debug binary)" bash -c 'cd end2end && npx --no-install playwright test'
        else
            skip_step "playwright (end2end/, debug binary)" "the debug build failed"
            FAILED=$((FAILED + 1))
        fi
    fi

    print_timings
    local passed=0 r
    for r in "${STEP_RESULTS[@]}"; do [ "$r" = passed ] && passed=$((passed + 1)); done
    echo
    echo "Steps: $passed passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

case ${1:-} in
run)
    shift
    cmd_run "$@"
    ;;
test)
    shift
    cmd_test "$@"
    ;;
setup)
    setup
    print_timings
    ;;
-h | --help | help | "")
    usage
    ;;
*)
    usage >&2
    exit 2
    ;;
esac
