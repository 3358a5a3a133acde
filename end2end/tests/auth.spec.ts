import { expect, test } from '@playwright/test';
import { checkA11y, DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// Signing in and out, in Vietnamese and English, with JavaScript on and off (the *-nojs projects).

test('the login page is in Vietnamese by default and accessible', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Đăng nhập' })).toBeVisible();
  await expect(page.getByLabel('Tên đăng nhập')).toBeVisible();
  await expect(page.getByLabel('Mật khẩu')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await checkA11y(page);
});

test('a wrong password gets a clear Vietnamese error and no session', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(DEMO_USERS.teacher);
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('alert')).toContainText('Tên đăng nhập hoặc mật khẩu không đúng.');
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('an unknown user gets exactly the same answer as a wrong password', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill('khong.ton.tai');
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('alert')).toHaveText('Tên đăng nhập hoặc mật khẩu không đúng.');
});

test('a teacher signs in, sees their name, and signs out', async ({ page }) => {
  await login(page, DEMO_USERS.teacher);
  await expect(page.getByRole('heading', { name: /^Xin chào, / })).toBeVisible();
  // On a phone the navigation sits behind the menu button (a <details>, no JavaScript needed).
  const menu = page.locator('summary.nav-toggle');
  if (await menu.isVisible()) await menu.click();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Trường của tôi', exact: true })).toBeVisible();
  await checkA11y(page);
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/login/);
  // The session is dead on the server: the home page sends us back to the login.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('English is one click away and is remembered', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // Remembered across pages and after signing in.
  await page.getByLabel('Username').fill(DEMO_USERS.department);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /^Hello, / })).toBeVisible();
  await page.goto('/login');
  await expect(page).not.toHaveURL(/\/login/);
  // Wrong password in English.
  await page.context().clearCookies({ name: 'lophoc_session' });
  await page.goto('/login');
  await page.getByLabel('Username').fill(DEMO_USERS.department);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong username or password.');
  // And back to Vietnamese.
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect(page.getByRole('heading', { name: 'Đăng nhập' })).toBeVisible();
});

test('a page asked for before signing in is shown after signing in', async ({ page }) => {
  await page.goto('/schools');
  await expect(page).toHaveURL(/\/login\?next=%2Fschools|\/login\?next=\/schools/);
  await page.getByLabel('Tên đăng nhập').fill(DEMO_USERS.department);
  await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page).toHaveURL(/\/schools$/);
});
