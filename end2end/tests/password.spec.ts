import { expect, test } from '@playwright/test';
import { checkA11y, DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// A password an administrator set lets its user in once: before anything else they choose their
// own at /password. With JavaScript on and off (the *-nojs projects), on a phone and a desktop.

test('after a reset, the teacher must choose their own password first', async ({ page }) => {
  // The school's administrator makes an account and resets its password, through the API.
  const username = `gv.doimk.${test.info().project.name.replace(/[^a-z0-9]/g, '')}.${Date.now() % 1e8}`;
  const admin = page.request;
  expect((await admin.post('/api/v1/session', { data: { username: DEMO_USERS.schoolAdmin, password: DEMO_PASSWORD } })).ok()).toBe(true);
  const created = await admin.post('/api/v1/users', {
    data: { username, full_name: 'Lê Thị Đổi', role: 'teacher', password: 'mat-khau-ban-dau' },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).user.id;
  expect((await admin.patch(`/api/v1/users/${id}`, { data: { password: 'quan-tri-dat-lai' } })).ok()).toBe(true);
  await page.context().clearCookies();

  await login(page, username, 'quan-tri-dat-lai');
  // Every page leads to the password page until the password is the teacher's own.
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByRole('heading', { name: 'Đổi mật khẩu' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('do quản trị viên đặt');
  await checkA11y(page);
  await page.goto('/book');
  await expect(page).toHaveURL(/\/password$/);

  // A wrong current password: a clear error, nothing changed.
  await page.getByLabel('Mật khẩu hiện tại').fill('khong-phai-mat-khau');
  await page.getByLabel('Mật khẩu mới').fill('cua-rieng-toi-2026');
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByText('Mật khẩu hiện tại không đúng.')).toBeVisible();

  await page.getByLabel('Mật khẩu hiện tại').fill('quan-tri-dat-lai');
  await page.getByLabel('Mật khẩu mới').fill('cua-rieng-toi-2026');
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await expect(page.getByRole('heading', { name: /^Xin chào, / })).toBeVisible();
  await page.goto('/bookings');
  await expect(page).toHaveURL(/\/bookings$/);
});
