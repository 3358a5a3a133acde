import { expect, test } from '@playwright/test';
import { checkA11y, DEMO_USERS, login } from './helpers';

// A school administrator manages the school's teachers, with JavaScript on and off.

test('a school admin adds a teacher (errors first, typed values kept), then disables the account', async ({ page }, info) => {
  await login(page, DEMO_USERS.schoolAdmin);
  await page.goto('/teachers');
  await expect(page.getByRole('heading', { level: 1, name: 'Giáo viên' })).toBeVisible();
  const username = `gv.e2e.${info.project.name.replace(/[^a-z]/g, '')}`;
  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hoà');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill('ngan');
  await page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await expect(page.getByText('Mật khẩu cần từ 8 đến 128 ký tự.')).toBeVisible();
  await expect(page.getByLabel('Họ và tên')).toHaveValue('Nguyễn Thị Hoà');
  await expect(page.getByLabel('Tên đăng nhập')).toHaveValue(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill('mat-khau-du-dai');
  await page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await expect(page.getByText('Đã thêm giáo viên Nguyễn Thị Hoà.')).toBeVisible();
  const row = page.locator('tr', { hasText: username });
  await expect(row).toContainText('Hoạt động');
  await row.getByRole('button', { name: /^Khoá/ }).click();
  await expect(page.getByText(/Đã khoá tài khoản Nguyễn Thị Hoà/)).toBeVisible();
  await expect(page.locator('tr', { hasText: username })).toContainText('Đã khoá');
  await checkA11y(page);
});

test('a teacher may not manage teachers', async ({ page }) => {
  await login(page, DEMO_USERS.teacher);
  await page.goto('/teachers');
  await expect(page.getByText('Bạn không có quyền thực hiện thao tác này.')).toBeVisible();
});
