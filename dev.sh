#!/usr/bin/env bash
# dev.sh: the one set-up script for Lớp Học. The README's two commands call it:
#
#   ./dev.sh run [ARGS...]   install what is missing, build (release), serve the demo province
#                            (ARGS go to `lophoc serve --demo`, e.g. --addr 0.0.0.0:3000)
#   ./dev.sh test [STEP...]  install what is missing, then run every check; STEPs pick some:
#                            fmt, clippy, rust (cargo test), e2e (debug build + Playwright)
#   ./dev.sh build [--release]
#                            only the build: target/site and target/{debug,release}/lophoc
#   ./dev.sh setup           only the installs
#
# These machines reach crates.io, npm, PyPI and Debian's packages and nothing else, so every tool
# comes from one of those (see TOOLCHAIN.md in the design notes): never `npx playwright install`.
# Each install is skipped when the right version is already there. cargo-leptos is not needed:
# build_site below does what `cargo leptos build` did for this workspace.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

E2E_DIR=$ROOT/end2end
# cargo-installed tools (wasm-bindgen), and wasm-opt (npm `binaryen`) for release builds.
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

# The S3-compatible server the storage tests start (materials on the bucket backend): s3s-fs
# from crates.io, the newest version that builds with this machine's Rust (1.95).
S3S_FS_VERSION=0.14.1
ensure_s3s_fs() {
    if s3s-fs --version 2>/dev/null | grep -q "$S3S_FS_VERSION"; then
        note "s3s-fs $S3S_FS_VERSION: present"
        return 0
    fi
    wait_for_other_install s3s-fs
    if s3s-fs --version 2>/dev/null | grep -q "$S3S_FS_VERSION"; then
        note "s3s-fs $S3S_FS_VERSION: present"
        return 0
    fi
    note "installing s3s-fs $S3S_FS_VERSION (the S3 server of the storage tests; a few minutes)"
    cargo install s3s-fs --version "=$S3S_FS_VERSION" --features binary --locked
}

setup() {
    install_step "rust toolchain: wasm32 target, rustfmt, clippy" ensure_rust
    install_step "wasm-bindgen-cli (version from Cargo.lock)" ensure_wasm_bindgen
    install_step "node packages in end2end/ (Playwright, axe, binaryen)" ensure_node_packages
    install_step "chromium (Debian)" ensure_chromium
    install_step "s3s-fs (S3 server for the storage tests)" ensure_s3s_fs
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
# The build: the same target/site and server binary as `cargo leptos build [--release]` (0.3.10)
# with the [[workspace.metadata.leptos]] settings in Cargo.toml, which stay the reference:
#
#   target/site/            public/* (assets-dir)
#   target/site/pkg/        lophoc.js, lophoc.wasm (wasm-bindgen's lophoc_bg.wasm, renamed),
#                           lophoc.d.ts, lophoc_bg.wasm.d.ts, lophoc.css (style/main.css)
#   target/{debug,release}/lophoc
#
# leptos reads LEPTOS_OUTPUT_NAME at compile time (.cargo/config.toml sets it): with it set,
# HydrationScripts asks for pkg/lophoc.js and pkg/lophoc.wasm. No other LEPTOS_* variable that
# cargo-leptos sets is read at compile time (runtime settings come from `lophoc serve`'s flags).
# Differences from cargo-leptos: the wasm is built in target/ itself, not target/front (it shares
# build scripts and proc macros with the other builds), the two cargo builds run one after the
# other (on two cores side by side is no faster), the CSS is not run through lightningcss and the
# release JS is not minified (see assemble_site).

SITE_ROOT=target/site
SITE_PKG_DIR=$SITE_ROOT/pkg
OUTPUT_NAME=lophoc
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# cargo-leptos gives debug builds `--cfg erase_components`; we do not. The server's debug build
# then has the same RUSTFLAGS as `cargo test`/`clippy` and reuses every dependency they compiled
# instead of rebuilding all of them (minutes of CI). Both halves must agree: with the flag on one
# side only, hydration fails (the markers differ).

# public/ to the site root, the CSS, then wasm-bindgen's JS and wasm into pkg/. Every command is
# checked: under check_step `set -e` does not apply inside.
assemble_site() { # WASM_FILE RELEASE(0|1)
    local wasm=$1 release=$2
    [ -f "$wasm" ] || { echo "missing $wasm" >&2; return 1; }
    if [ -e public/index.html ] || [ -e public/pkg ]; then
        echo "public/index.html and public/pkg are reserved for the build's output" >&2
        return 1
    fi
    mkdir -p "$SITE_ROOT" || return 1
    find "$SITE_ROOT" -mindepth 1 -delete || return 1
    mkdir -p "$SITE_PKG_DIR" || return 1
    cp -R public/. "$SITE_ROOT"/ || return 1
    # cargo-leptos runs the file through lightningcss (minified in release) and, for release,
    # minifies lophoc.js with swc. style/main.css is plain CSS that already carries its prefixes,
    # so it is served as written.
    cp style/main.css "$SITE_PKG_DIR/$OUTPUT_NAME.css" || return 1
    wasm-bindgen --target=web --no-typescript --out-name="$OUTPUT_NAME" --out-dir="$SITE_PKG_DIR" "$wasm" || return 1
    mv "$SITE_PKG_DIR/${OUTPUT_NAME}_bg.wasm" "$SITE_PKG_DIR/$OUTPUT_NAME.wasm" || return 1
    if [ "$release" = 1 ]; then
        wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
            "$SITE_PKG_DIR/$OUTPUT_NAME.wasm" -o "$SITE_PKG_DIR/$OUTPUT_NAME.wasm" || return 1
    fi
    cp public/icons.svg "$SITE_PKG_DIR/icons.svg" || return 1
    hash_and_compress "$SITE_PKG_DIR" "$release" || return 1
    note "$(cd "$SITE_ROOT" && find . -type f -printf '%P %s\n' | sort | awk '{printf "%s (%d KB)  ", $1, ($2 + 1023) / 1024}')"
}

# hash_and_compress PKG_DIR RELEASE(0|1): renames the stylesheet, script, wasm and icon sprite to
# name.<16 hex of their SHA-256>.ext (so the server can mark them immutable), writes the names
# to PKG_DIR/assets.txt for the server (app::assets), and puts a brotli and a gzip copy next to
# every file the server may send compressed. Node's zlib does both (Node is already here for the
# browser tests): the best levels for a release, quick ones for the debug build.
hash_and_compress() { # PKG_DIR RELEASE
    node --input-type=module - "$1" "$2" <<'JS'
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants as z } from 'node:zlib';
const [dir, release] = process.argv.slice(2);
const best = release === '1';
const named = { css: 'lophoc.css', js: 'lophoc.js', wasm: 'lophoc.wasm', icons: 'icons.svg' };
const manifest = [];
for (const [key, file] of Object.entries(named)) {
  const data = readFileSync(join(dir, file));
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
  const dot = file.lastIndexOf('.');
  const hashed = `${file.slice(0, dot)}.${hash}${file.slice(dot)}`;
  renameSync(join(dir, file), join(dir, hashed));
  manifest.push(`${key}=${hashed}`);
}
writeFileSync(join(dir, 'assets.txt'), manifest.join('\n') + '\n');
const walk = (d) => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
for (const p of walk(dir)) {
  if (!/\.(css|js|wasm|svg)$/.test(p)) continue;
  const data = readFileSync(p);
  const br = brotliCompressSync(data, { params: {
    [z.BROTLI_PARAM_QUALITY]: best ? 11 : 5,
    [z.BROTLI_PARAM_SIZE_HINT]: data.length,
  } });
  writeFileSync(p + '.br', br);
  writeFileSync(p + '.gz', gzipSync(data, { level: best ? 9 : 6 }));
}
JS
}

last_step_ok() {
    [ "${STEP_RESULTS[$((${#STEP_RESULTS[@]} - 1))]}" != FAILED ]
}

# build_site install_step|check_step [--release]: install_step stops the script on a failure,
# check_step records it and build_site returns 1 (the steps after it are skipped).
build_site() {
    local step=$1 release=0 profile=debug wasm_profile=debug rustflags
    case ${2:-} in
    --release) release=1 profile=release wasm_profile=wasm-release ;;
    "") ;;
    *) die "build_site: unknown option '$2'" ;;
    esac
    local cargo_wasm=(cargo build --package=app --lib --target=wasm32-unknown-unknown
        --no-default-features --features=hydrate)
    local cargo_server=(cargo build --package=server --bin=lophoc --no-default-features)
    if [ "$release" = 1 ]; then
        cargo_wasm+=(--profile=wasm-release)
        cargo_server+=(--release)
        rustflags=""
    else
        rustflags=""
    fi
    local run=(env)
    [ -z "$rustflags" ] || run=(env "RUSTFLAGS=$rustflags")

    "$step" "build: wasm (app, hydrate, $wasm_profile)" "${run[@]}" "${cargo_wasm[@]}"
    run=(env)
    last_step_ok || return 1
    "$step" "build: target/site (public/, CSS, wasm-bindgen$([ "$release" = 1 ] && echo ', wasm-opt -Oz'))" \
        assemble_site "$TARGET_DIR/wasm32-unknown-unknown/$wasm_profile/app.wasm" "$release"
    last_step_ok || return 1
    if [ "${REUSE_SERVER_BIN:-0}" = 1 ] && [ "$release" = 0 ] && [ -x "$TARGET_DIR/debug/lophoc" ]; then
        # `cargo test -p server` has just built this binary from the same sources (cargo builds a
        # package's binaries for its integration tests). Building it again without the tests'
        # dev-dependencies would recompile the three workspace crates for nothing.
        skip_step "build: server binary ($profile): $TARGET_DIR/$profile/lophoc" \
            "reusing the one \`cargo test -p server\` built"
        return 0
    fi
    "$step" "build: server binary ($profile): $TARGET_DIR/$profile/lophoc" "${run[@]}" "${cargo_server[@]}"
    last_step_ok
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
    # Only what running needs: no browser, no S3 server (those are for the tests).
    install_step "rust toolchain: wasm32 target, rustfmt, clippy" ensure_rust
    install_step "wasm-bindgen-cli (version from Cargo.lock)" ensure_wasm_bindgen
    install_step "node packages in end2end/ (binaryen's wasm-opt)" ensure_node_packages
    build_site install_step --release
    print_timings
    echo
    say "Starting $TARGET_DIR/release/lophoc serve --demo $* (Ctrl-C stops it)"
    exec "$TARGET_DIR/release/lophoc" serve --demo "$@"
}

cmd_build() {
    case ${1:-} in --release | "") ;; *) die "unknown build option '$1' (--release)" ;; esac
    install_step "rust toolchain: wasm32 target, rustfmt, clippy" ensure_rust
    install_step "wasm-bindgen-cli (version from Cargo.lock)" ensure_wasm_bindgen
    if [ "${1:-}" = --release ]; then
        install_step "node packages in end2end/ (Playwright, axe, binaryen)" ensure_node_packages
    fi
    build_site install_step "$@"
    print_timings
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
        # The browser tests then run the `lophoc` binary this step built.
        last_step_ok && REUSE_SERVER_BIN=1
        # The UI's own unit tests (query strings, form rows, formatting), on the server side.
        check_step "cargo test app (ssr)" cargo test -p app --features ssr
    fi
    if wants e2e; then
        if build_site check_step; then
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
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
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
build)
    shift
    cmd_build "$@"
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
