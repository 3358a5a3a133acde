import { expect, test } from '@playwright/test';
import { DEMO_USERS, login } from './helpers';

// The smallest check that the binary serves its pages: the login page renders on the server
// (so it passes with JavaScript off as well) with its Vietnamese heading.
test('login page shows its heading', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Đăng nhập', exact: true })).toBeVisible();
});

// Light pages: only a page with an island (an interactive part) downloads the wasm, and there
// the island works; a page without one loads the stylesheet and nothing else of the app.
test('only a page with an island loads wasm, and its island works', async ({ page }) => {
  const js = test.info().project.use.javaScriptEnabled !== false;
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (/\.wasm(\?|$)/.test(r.url())) wasm.push(r.url());
  });
  await login(page, DEMO_USERS.schoolAdmin);
  await page.goto('/book');
  await expect(page.getByRole('heading', { level: 1, name: 'Đặt thiết bị' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(wasm, 'no wasm on a page without an island').toEqual([]);

  await page.goto('/devices/labels');
  const print = page.getByRole('button', { name: 'In nhãn', exact: true });
  if (js) {
    // The print button is the island: shown once its wasm has run.
    await expect(print).toBeVisible();
    expect(wasm.length).toBe(1);
    expect(wasm[0]).toMatch(/\/pkg\/lophoc\.[0-9a-f]{16}\.wasm$/);
  } else {
    await expect(page.getByRole('heading', { level: 1, name: 'In nhãn QR' })).toBeVisible();
    await expect(print).toHaveCount(0);
    expect(wasm).toEqual([]);
  }
});
