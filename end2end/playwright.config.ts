import { defineConfig } from '@playwright/test';

// Browser tests for Lớp Học.
//
// The browser is Debian's Chromium (/usr/bin/chromium, installed by ../dev.sh): these machines
// reach only package registries, so `npx playwright install` cannot work here and must never run.
// The server is the debug binary that `../dev.sh build` leaves in ../target/debug (the site in
// ../target/site), started on its own port with a fresh data directory (SQLite) and the demo
// province loaded.

// `LOPHOC_E2E_PORT`, `LOPHOC_E2E_DATA_DIR` and `LOPHOC_E2E_SITE_ROOT` let two runs share a
// machine (each its own port, data and site); the defaults are the usual single run's.
const PORT = Number(process.env.LOPHOC_E2E_PORT ?? 3199);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = process.env.LOPHOC_E2E_DATA_DIR ?? '/tmp/lophoc-e2e';
// `LOPHOC_E2E_BIN` lets a run point at another build (e.g. ../target/release/lophoc).
const BIN = process.env.LOPHOC_E2E_BIN ?? '../target/debug/lophoc';
const SITE_ROOT = process.env.LOPHOC_E2E_SITE_ROOT ?? '../target/site';

// Flags that work as root in a headless sandbox with no internet: without the background-networking
// ones Chromium keeps trying to reach Google's hosts and gets refused.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const phone = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
};
const desktop = {
  viewport: { width: 1280, height: 800 },
};

export default defineConfig({
  testDir: './tests',
  // Two cores: one worker keeps the server, the browser and the test runner from starving each other.
  workers: 1,
  fullyParallel: false,
  // One retry on CI only: a test that fails twice still fails the run; one that needed the retry
  // is reported as flaky in the log (a flake must not stop everything from landing).
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  // Every page must work with JavaScript off too (forms are plain POSTs first). A test that truly
  // needs JavaScript skips itself: `test.skip(!javaScriptEnabled, 'needs JavaScript')`.
  //
  // With JavaScript every spec runs at both sizes. Without it, each flow is proven once, at the
  // size its users have: the teacher's flows (booking, roll call, signing in) on a phone, the
  // administrators' (registry, devices, accounts, materials, the pilot) on a desktop — the same
  // forms at the other size add minutes to CI and prove nothing new.
  projects: [
    { name: 'phone', use: { ...phone } },
    { name: 'desktop', use: { ...desktop } },
    {
      name: 'phone-nojs',
      use: { ...phone, javaScriptEnabled: false },
      testMatch: /(smoke|auth|booking|rollcall)\.spec\.ts/,
    },
    {
      name: 'desktop-nojs',
      use: { ...desktop, javaScriptEnabled: false },
      testMatch: /(smoke|schools|devices|teachers|materials|password|rollcall|pilot)\.spec\.ts/,
    },
  ],
  webServer: {
    // `env -u DATABASE_URL`: the browser tests always use SQLite in a fresh data directory, even
    // when the shell that runs them points DATABASE_URL at PostgreSQL for the Rust tests.
    command: `rm -rf ${DATA_DIR} && env -u DATABASE_URL ${BIN} serve --demo --addr 127.0.0.1:${PORT} --data-dir ${DATA_DIR}`,
    url: `${BASE_URL}/healthz`,
    env: {
      LEPTOS_SITE_ROOT: SITE_ROOT,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
