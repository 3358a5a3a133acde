import { expect, test } from '@playwright/test';
import { checkA11y, DEMO_USERS, login } from './helpers';

// The pilot (thí điểm): the department's dashboard and its drill-down to the list and one
// school's evidence, the CSV export, a criterion's threshold refused then saved (the plain form
// keeps what was typed), enrolling a school found by search, and a school administrator reading
// their own school's status (and not another's).
//
// The pages are server-rendered with plain forms and no island of their own, so one project
// proves them: the phone (the narrow layout, where tables become cards). The demo province
// enrols a quarter of its schools; nothing here relies on which ones.

const DEPARTMENT = DEMO_USERS.department;
const SCHOOL_ADMIN = DEMO_USERS.schoolAdmin;

test.beforeEach(() => {
  test.skip(test.info().project.name !== 'phone', 'server-rendered pages: the phone project covers them');
});

test('the dashboard drills down to the list and a school, and the list exports as CSV', async ({ page }) => {
  await login(page, DEPARTMENT);
  await page.goto('/pilot');
  await expect(page.getByRole('heading', { level: 1, name: 'Tiến độ thí điểm lớp học thông minh' })).toBeVisible();
  await expect(page.getByText('trường đạt chuẩn', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Mục tiêu 20% trước/ })).toBeVisible();
  // Today is always a point of the trend (the months before may still be computing).
  await expect(page.getByRole('img', { name: 'Tỉ lệ trường đạt chuẩn theo tháng' })).toBeVisible();
  await checkA11y(page);

  // Every number is a link to the schools behind it.
  await page.getByRole('link', { name: /Trường tham gia thí điểm/ }).click();
  await expect(page).toHaveURL(/\/pilot\/schools\?enrolled=true$/);
  await expect(page.getByRole('status').filter({ hasText: /\d+ trường \(ngày/ })).toBeVisible();
  await expect(page.getByLabel('Tham gia thí điểm')).toHaveValue('true');

  // The export is the same list, from the REST API.
  const csv = await page.getByRole('link', { name: 'Tải CSV' }).getAttribute('href');
  expect(csv).toMatch(/^\/api\/v1\/pilot\/schools\?as_of=\d{4}-\d{2}-\d{2}&enrolled=true&format=csv$/);
  const file = await page.request.get(csv!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toMatch(/^text\/csv/);
  const text = (await file.text()).replace(/^\uFEFF/, '');
  expect(text.split('\n')[0]).toContain('Mã trường');

  // A school's evidence: each criterion against its threshold.
  const first = page.locator('.pilot-table tbody tr').first().getByRole('link');
  const name = (await first.textContent())!.trim();
  await first.click();
  await expect(page).toHaveURL(/\/pilot\/schools\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  const criteria = page.getByRole('region', { name: 'Các tiêu chí' });
  await expect(criteria.getByRole('listitem')).toHaveCount(5);
  await expect(criteria.getByText('Tham gia thí điểm', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Xem thiết bị của trường' }).first()).toHaveAttribute('href', /\/devices\?school=\d+/);
});

test('a bad threshold is refused next to its field and kept; a good one is saved', async ({ page }) => {
  await login(page, DEPARTMENT);
  await page.goto('/pilot/settings');
  const criteria = page.getByRole('region', { name: 'Tiêu chí đạt chuẩn' });
  const devices = criteria.getByLabel('Thiết bị đang hoạt động', { exact: true });
  await devices.fill('nhiều');
  await criteria.getByLabel('Khoảng tính (ngày)').fill('30');
  await criteria.getByRole('button', { name: 'Lưu tiêu chí' }).click();
  await expect(page).toHaveURL(/__err=.*#criteria$/);
  await expect(devices).toHaveAttribute('aria-invalid', 'true');
  await expect(devices).toHaveValue('nhiều');
  await expect(criteria.getByText(/^Ngưỡng phải từ 0 đến/)).toBeVisible();
  await checkA11y(page);

  await devices.fill('3');
  await criteria.getByRole('button', { name: 'Lưu tiêu chí' }).click();
  await expect(page).toHaveURL(/criteria_saved=\d+#criteria$/);
  await expect(criteria.getByText(/^Đã lưu tiêu chí\./)).toBeVisible();
  await expect(devices).toHaveValue('3');
  await expect(devices).toHaveAttribute('aria-invalid', 'false');
  // The history says which criteria are in force since when.
  await expect(page.getByRole('region', { name: 'Lịch sử tiêu chí' }).getByText(/Thiết bị đang hoạt động ≥ 3/).first()).toBeVisible();
});

test('a school found by search is enrolled since a date', async ({ page }) => {
  await login(page, DEPARTMENT);
  await page.goto('/pilot/settings');
  const enrol = page.getByRole('region', { name: 'Đưa trường vào thí điểm' });
  await enrol.getByRole('searchbox', { name: 'Tìm trường chưa tham gia' }).fill('thcs');
  await enrol.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page).toHaveURL(/cq=thcs#enrol$/);
  const row = enrol.locator('tbody tr').first();
  const name = await row.locator('input[name="name"]').inputValue();
  const since = row.getByLabel(`Ngày bắt đầu thí điểm của ${name}`);
  // Not a date: the row says so and keeps it.
  await since.fill('31/02/2026');
  await row.getByRole('button', { name: 'Đưa vào thí điểm' }).click();
  await expect(page).toHaveURL(/__err=/);
  const again = enrol.locator('tbody tr', { hasText: name });
  await expect(again.getByLabel(`Ngày bắt đầu thí điểm của ${name}`)).toHaveValue('31/02/2026');
  await expect(again.getByLabel(`Ngày bắt đầu thí điểm của ${name}`)).toHaveAttribute('aria-invalid', 'true');
  await again.getByLabel(`Ngày bắt đầu thí điểm của ${name}`).fill('01/09/2026');
  await again.getByRole('button', { name: 'Đưa vào thí điểm' }).click();
  await expect(page).toHaveURL(/enrolled_name=.*#enrol$/);
  await expect(enrol.getByText(`Đã đưa ${name} vào thí điểm.`)).toBeVisible();
  // No longer a candidate; now in the list of enrolled schools.
  await expect(enrol.locator('tbody tr', { hasText: name })).toHaveCount(0);
  await page.goto(`/pilot/schools?enrolled=true&q=${encodeURIComponent(name)}`);
  await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
});

test("a school administrator sees their own school's status, not another's", async ({ page }) => {
  await login(page, SCHOOL_ADMIN);
  await page.getByRole('main').getByRole('link', { name: /Thí điểm của trường/ }).click();
  await expect(page).toHaveURL(/\/pilot\/schools\/(\d+)$/);
  const own = Number(new URL(page.url()).pathname.split('/').pop());
  await expect(page.getByRole('heading', { name: 'Các tiêu chí' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /Đạt \d+\/\d+ tiêu chí/ })).toBeVisible();
  await checkA11y(page);
  // The province's pages are not theirs, and another school is "not found".
  const other = await page.goto(`/pilot/schools/${own + 1}`);
  expect(other?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Không tìm thấy trang' })).toBeVisible();
  await page.goto('/pilot');
  await expect(page.getByRole('alert')).toContainText('Bạn không có quyền');
});
