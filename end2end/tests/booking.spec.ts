import { expect, test, type Browser, type Page } from '@playwright/test';
import { checkA11y, DEMO_USERS, login } from './helpers';

// Booking devices as teachers do (the week view, a free cell that prefills the form, a conflict
// with a colleague, cancelling, a pool by quantity, a weekly booking that skips a taken day) and
// the utilisation report, with JavaScript on and off, on a phone and a desktop.
//
// The demo's first school (MN0001) keeps its morning periods (1–5) free from today on. The
// projects share one server, so each project books its own period (1–4) and every test its
// own device or week: no two tests ever want the same slot.

const TEACHER = DEMO_USERS.teacher; // gv.mn0001.1
const COLLEAGUE = 'gv.mn0001.2';
const DISPLAY = 'Màn hình tương tác 86" — Phòng học thông minh';
const CART = 'Xe máy tính bảng';
const CAMERA = 'Máy chiếu vật thể Elmo';
const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const PROJECTS = ['phone', 'desktop', 'phone-nojs', 'desktop-nojs'];

/** This project's period: 1 to 4. */
function period(): number {
  return Math.max(0, PROJECTS.indexOf(test.info().project.name)) + 1;
}

/** Today in school time (UTC+7), at 00:00 UTC of that date. */
function schoolToday(): Date {
  const now = new Date(Date.now() + 7 * 3600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

/** The Monday `weeks` weeks from this one. */
function monday(weeks: number): Date {
  const t = schoolToday();
  return addDays(t, -((t.getUTCDay() + 6) % 7) + 7 * weeks);
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, '0');
const vn = (d: Date) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
/** "Thứ Ba 08/12/2026", as the page names a day. */
const dayLabel = (d: Date) => `${WEEKDAYS[d.getUTCDay()]} ${vn(d)}`;

/** Opens the week of `day` for a kind, with `day` as the day a phone shows. */
async function openWeek(page: Page, kind: string, day: Date): Promise<void> {
  await page.goto(`/book?kind=${kind}&week=${iso(day)}&day=${iso(day)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Đặt thiết bị' })).toBeVisible();
}

/** A device's week on the page. */
function deviceWeek(page: Page, device: string) {
  return page.getByRole('region', { name: device, exact: true });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The link of a free cell (a pool's also says how many are free). */
function freeCell(page: Page, device: string, p: number, day: Date) {
  const name = new RegExp(`^${escape(`Chọn ${device}, Tiết ${p}, ${dayLabel(day)}`)}( \\(.*\\))?$`);
  return deviceWeek(page, device).getByRole('link', { name });
}

/** Picks a free cell (its link prefills the form). */
async function pick(page: Page, device: string, p: number, day: Date): Promise<void> {
  await freeCell(page, device, p, day).click();
  await expect(page.getByLabel('Ngày', { exact: true })).toHaveValue(vn(day));
  await expect(page.getByRole('checkbox', { name: new RegExp(`^Tiết ${p}\\b`) })).toBeChecked();
}

async function submit(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Đặt thiết bị', exact: true }).click();
}

/** The row of period `p` in a device's week (on a phone it shows the chosen day only). */
function periodRow(page: Page, device: string, p: number) {
  return deviceWeek(page, device).getByRole('row', { name: new RegExp(`^Tiết ${p}\\b`) });
}

/** A second person, signed in in their own browser context with this project's settings. */
async function colleague(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ ...test.info().project.use });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

/** The signed-in user's full name, from the top bar. */
async function fullName(page: Page): Promise<string> {
  return ((await page.locator('.user-full').first().textContent()) ?? '').trim();
}

test('a teacher books a period, a colleague who wanted it sees the conflict, the booking is cancelled', async ({
  page,
  browser,
}) => {
  // Two people, several page loads and accessibility scans each: more than the default 30 s
  // on a two-core machine (without JavaScript every step is a full page load).
  test.setTimeout(120_000);
  const p = period();
  const tuesday = addDays(monday(3), 1);
  await login(page, TEACHER);
  const me = await fullName(page);

  // The colleague opens the same week first and picks the same free period…
  const other = await colleague(browser, COLLEAGUE);
  await openWeek(other, 'interactive_display', tuesday);
  await pick(other, DISPLAY, p, tuesday);
  await other.getByLabel('Ghi chú (không bắt buộc)').fill('Lớp Chồi 2');

  // …but the teacher books it first.
  await openWeek(page, 'interactive_display', tuesday);
  await checkA11y(page);
  await pick(page, DISPLAY, p, tuesday);
  await submit(page);
  await expect(page.getByText(`Đã đặt ${DISPLAY}: tiết ${p}, ${dayLabel(tuesday)}.`)).toBeVisible();
  await expect(periodRow(page, DISPLAY, p)).toContainText('Bạn đã đặt');

  // The colleague's booking is refused, in Vietnamese, naming the period; what they typed
  // stays; the week shows who has the period now.
  await submit(other);
  await expect(other.getByRole('alert')).toContainText(`Tiết ${p} ngày ${vn(tuesday)} đã có người đặt.`);
  await expect(other.getByLabel('Ghi chú (không bắt buộc)')).toHaveValue('Lớp Chồi 2');
  await expect(other.getByLabel('Ngày', { exact: true })).toHaveValue(vn(tuesday));
  await expect(periodRow(other, DISPLAY, p)).toContainText(me);
  await checkA11y(other);
  await other.context().close();

  // The teacher cancels it from "my bookings".
  await page.goto('/bookings');
  await expect(page.getByRole('heading', { level: 1, name: 'Lịch đặt thiết bị' })).toBeVisible();
  await checkA11y(page);
  const label = `Huỷ đặt ${DISPLAY}, tiết ${p}, ${dayLabel(tuesday)}`;
  await page.getByRole('button', { name: label, exact: true }).click();
  await expect(page.getByText(`Đã huỷ lượt đặt ${DISPLAY} — ${vn(tuesday)}.`)).toBeVisible();
  await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);

  // The period is free again.
  await openWeek(page, 'interactive_display', tuesday);
  await expect(freeCell(page, DISPLAY, p, tuesday)).toBeVisible();
});

test('a pool is booked by quantity, and only what is left can be booked after', async ({ page, browser }) => {
  // Two people, several page loads and accessibility scans each: more than the default 30 s
  // on a two-core machine (without JavaScript every step is a full page load).
  test.setTimeout(120_000);
  const p = period();
  const wednesday = addDays(monday(3), 2);
  await login(page, TEACHER);
  await openWeek(page, 'tablet_cart', wednesday);
  await expect(periodRow(page, CART, p)).toContainText('Còn 30/30');
  await pick(page, CART, p, wednesday);
  await page.getByLabel('Số lượng').fill('20');
  await submit(page);
  await expect(page.getByText(`Đã đặt ${CART}: tiết ${p}, ${dayLabel(wednesday)}.`)).toBeVisible();
  await expect(page.getByText('Số lượng: 20 chiếc')).toBeVisible();
  await expect(periodRow(page, CART, p)).toContainText('Còn 10/30');
  await expect(periodRow(page, CART, p)).toContainText('Bạn: 20 chiếc');

  const other = await colleague(browser, COLLEAGUE);
  await openWeek(other, 'tablet_cart', wednesday);
  await pick(other, CART, p, wednesday);
  await other.getByLabel('Số lượng').fill('15');
  await submit(other);
  await expect(other.getByRole('alert')).toContainText(`chỉ còn 10 chiếc`);
  await expect(other.getByLabel('Số lượng')).toHaveValue('15');
  await other.getByLabel('Số lượng').fill('10');
  await submit(other);
  await expect(other.getByText(`Đã đặt ${CART}: tiết ${p}, ${dayLabel(wednesday)}.`)).toBeVisible();
  await expect(periodRow(other, CART, p)).toContainText('Còn 0/30');
  await other.context().close();
});

test('a weekly booking books every free week and lists the day it skipped', async ({ page, browser }) => {
  // Two people, several page loads and accessibility scans each: more than the default 30 s
  // on a two-core machine (without JavaScript every step is a full page load).
  test.setTimeout(120_000);
  const p = period();
  const first = addDays(monday(4), 3); // a Thursday
  const second = addDays(first, 7);
  const third = addDays(first, 14);

  // A colleague already has the second Thursday.
  const other = await colleague(browser, COLLEAGUE);
  await openWeek(other, 'document_camera', second);
  await pick(other, CAMERA, p, second);
  await submit(other);
  await expect(other.getByText(`Đã đặt ${CAMERA}: tiết ${p}, ${dayLabel(second)}.`)).toBeVisible();
  await other.context().close();

  await login(page, TEACHER);
  await openWeek(page, 'document_camera', first);
  await pick(page, CAMERA, p, first);
  await page.getByLabel('Lặp lại hằng tuần đến ngày (không bắt buộc)').fill(vn(third));
  await submit(page);
  await expect(page.getByText(`Đã đặt ${CAMERA}, tiết ${p}: 2 buổi.`)).toBeVisible();
  await expect(page.locator('.booked-days')).toContainText(dayLabel(first));
  await expect(page.locator('.booked-days')).toContainText(dayLabel(third));
  await expect(page.getByText('Bỏ qua 1 ngày:')).toBeVisible();
  await expect(page.locator('.skipped-days')).toContainText(
    `${dayLabel(second)}: tiết ${p} đã có người đặt`,
  );
  await expect(periodRow(page, CAMERA, p)).toContainText('Bạn đã đặt');
  await checkA11y(page);

  await page.goto('/bookings');
  await expect(page.getByRole('button', { name: `Huỷ đặt ${CAMERA}, tiết ${p}, ${dayLabel(third)}` })).toBeVisible();
});

test('the school admin reads the utilisation of the school: a chart and its numbers', async ({ page }) => {
  await login(page, DEMO_USERS.schoolAdmin);
  await page.goto('/utilisation');
  await expect(page.getByRole('heading', { level: 1, name: 'Báo cáo sử dụng thiết bị' })).toBeVisible();
  const chart = page.getByRole('img', { name: /Số tiết đã đặt, đã dùng và đặt nhưng không dùng theo loại thiết bị/ });
  await expect(chart).toBeVisible();
  const kinds = page.getByRole('table', { name: 'Theo loại thiết bị' });
  await expect(kinds.getByRole('row', { name: /Màn hình tương tác/ })).toBeVisible();
  const devices = page.getByRole('table', { name: 'Theo thiết bị' });
  await expect(devices.getByRole('link', { name: DISPLAY })).toBeVisible();
  const csv = page.getByRole('link', { name: 'Tải CSV' });
  await expect(csv).toHaveAttribute('href', /\/api\/v1\/utilisation\?school_id=\d+&from=.*&format=csv/);
  // The download is the REST API's report, for this school and range.
  const file = await page.request.get((await csv.getAttribute('href')) ?? '');
  expect(file.status()).toBe(200);
  expect(await file.text()).toContain(CART);
  await checkA11y(page);

  // A narrower range and one kind: the filters stay in the form.
  await page.getByLabel('Loại thiết bị', { exact: true }).selectOption({ label: 'Xe máy tính bảng' });
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await expect(page).toHaveURL(/kind=tablet_cart/);
  await expect(page.getByRole('table', { name: 'Theo thiết bị' }).getByRole('link', { name: CART })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Theo thiết bị' }).getByRole('link', { name: DISPLAY })).toHaveCount(0);
});

test('the department compares areas, then the schools of one area, and opens a school', async ({ page }) => {
  await login(page, DEMO_USERS.department);
  await page.goto('/utilisation');
  await expect(page.getByRole('img', { name: /xã\/phường đặt nhiều nhất/ })).toBeVisible();
  const areas = page.getByRole('table', { name: 'Theo xã/phường' });
  await expect(areas).toBeVisible();
  await areas.getByRole('link', { name: 'Phường Hạc Thành', exact: true }).click();
  await expect(page).toHaveURL(/area=\d+/);
  await expect(page.getByText('Xã/phường: Phường Hạc Thành')).toBeVisible();
  const schools = page.getByRole('table', { name: 'Theo trường' });
  await expect(schools).toBeVisible();
  await checkA11y(page);
  await schools.getByRole('link', { name: 'Trường Mầm non Hạc Thành', exact: true }).click();
  await expect(page).toHaveURL(/school=\d+/);
  await expect(page.getByText('MN0001 — Trường Mầm non Hạc Thành')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Theo thiết bị' })).toBeVisible();
});

test('teachers are not shown the report', async ({ page }) => {
  await login(page, TEACHER);
  await page.goto('/utilisation');
  await expect(page.getByText('Bạn không có quyền thực hiện thao tác này.')).toBeVisible();
});

test('the department does not book', async ({ page }) => {
  await login(page, DEMO_USERS.department);
  await page.goto('/book');
  await expect(page.getByText('Bạn không có quyền thực hiện thao tác này.')).toBeVisible();
});
