import { expect, test } from '@playwright/test';

// The smallest check that the binary serves its pages: the login page renders on the server
// (so it passes with JavaScript off as well) with its Vietnamese heading.
test('login page shows its heading', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Đăng nhập', exact: true })).toBeVisible();
});
