import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkA11y, DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// The school's inventory (devices, a device's page, QR labels) and its period grid and
// holidays, with JavaScript on and off, on a phone and a desktop.
//
// Everything happens in the demo school CS0116, which no other spec touches: these tests set
// its period grid, and the booking tests rely on MN0001 keeping the default one. The four
// projects share one server, so each project names its own devices and holidays.

const SCHOOL_ADMIN = 'qt.cs0116';
const TEACHER = 'gv.cs0116.1';

/** A short tag of this project (`phone`, `desktopnojs`, …) for names that must not collide. */
function tag(): string {
  return test.info().project.name.replace(/[^a-z]/g, '');
}

function csvFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lophoc-devices-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Now in school time (UTC+7): the date and the minutes since midnight. */
function schoolNow(): { date: string; minutes: number; sunday: boolean } {
  const t = new Date(Date.now() + 7 * 3600_000);
  return {
    date: t.toISOString().slice(0, 10),
    minutes: t.getUTCHours() * 60 + t.getUTCMinutes(),
    sunday: t.getUTCDay() === 0,
  };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A session of the REST API as `username` (its own cookie jar), and that user's school. */
async function apiAs(baseURL: string, username: string): Promise<{ api: APIRequestContext; school: number }> {
  const api = await request.newContext({ baseURL });
  const res = await api.post('/api/v1/session', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
  const { user } = await res.json();
  return { api, school: user.school_id };
}

/** Sets the test school's period grid (the REST API, as its administrator). */
async function setGrid(api: APIRequestContext, school: number, items: object[], release = 15): Promise<void> {
  const res = await api.put(`/api/v1/schools/${school}/periods`, {
    data: { items, release_after_minutes: release },
  });
  expect(res.status(), await res.text()).toBe(200);
}

test('a school admin adds a device (errors first, typed values kept) and imports a CSV (bad lines listed)', async ({ page }) => {
  // Many round trips; without JavaScript each is a page load.
  test.setTimeout(60_000);
  const t = tag();
  await login(page, SCHOOL_ADMIN);
  await page.goto('/devices');
  await expect(page.getByRole('heading', { level: 1, name: 'Thiết bị' })).toBeVisible();

  // The add form: the name is missing; the other values stay as typed.
  const add = page.getByRole('region', { name: 'Thêm thiết bị' });
  await add.getByLabel('Loại thiết bị').selectOption('projector');
  await add.getByLabel('Số sê-ri').fill(`MC-${t}`);
  await add.getByLabel('Phòng').fill('105');
  await add.getByRole('button', { name: 'Thêm thiết bị' }).click();
  await expect(add.getByText('Không được để trống.')).toBeVisible();
  await expect(add.getByLabel('Tên thiết bị')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Số sê-ri')).toHaveValue(`MC-${t}`);
  await expect(add.getByLabel('Phòng')).toHaveValue('105');
  await expect(add.getByLabel('Loại thiết bị')).toHaveValue('projector');

  const name = `Máy chiếu ${t}`;
  await add.getByLabel('Tên thiết bị').fill(name);
  await add.getByRole('button', { name: 'Thêm thiết bị' }).click();
  await expect(add.getByText(`Đã thêm thiết bị ${name}.`)).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(`^${name}\\b`) })).toBeVisible();

  // The CSV import is all or nothing: a bad kind on line 3 is listed and nothing is written.
  const importCard = page.getByRole('region', { name: 'Nhập thiết bị từ CSV' });
  const bad = csvFile(
    'thiet-bi-loi.csv',
    'name,kind,serial,room,quantity\n' +
      `Xe máy tính bảng ${t},tablet_cart,,Thư viện,30\n` +
      `Bàn học ${t},ban_hoc,,,1\n`,
  );
  await importCard.getByLabel('Tệp CSV').setInputFiles(bad);
  await importCard.getByRole('button', { name: 'Nhập', exact: true }).click();
  const alert = importCard.getByRole('alert');
  await expect(alert).toContainText('Dòng 3');
  await expect(alert).toContainText('Loại thiết bị không hợp lệ.');
  await expect(alert).not.toContainText('Dòng 2');
  await page.goto(`/devices?q=${encodeURIComponent(`Xe máy tính bảng ${t}`)}`);
  await expect(page.getByText('Không có thiết bị nào phù hợp')).toBeVisible();

  // The good line alone goes in: a pool of 30.
  const good = csvFile('thiet-bi.csv', '\ufeffname,kind,serial,room,quantity\n' + `Xe máy tính bảng ${t},tablet_cart,,Thư viện,30\n`);
  await page.goto('/devices');
  await page.getByRole('region', { name: 'Nhập thiết bị từ CSV' }).getByLabel('Tệp CSV').setInputFiles(good);
  await page.getByRole('region', { name: 'Nhập thiết bị từ CSV' }).getByRole('button', { name: 'Nhập', exact: true }).click();
  await expect(page.getByText('Đã thêm 1, cập nhật 0.')).toBeVisible();
  await page.goto(`/devices?q=${encodeURIComponent(`xe may tinh bang ${t}`)}`);
  await expect(page.getByRole('link', { name: new RegExp(`Xe máy tính bảng ${t}`) })).toBeVisible();
  await expect(page.getByText('Nhóm 30 chiếc')).toBeVisible();
  await checkA11y(page);

  // The export is a plain link to a CSV file (UTF-8 with BOM), with or without JavaScript.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Xuất CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\ufeffname,kind,serial,room,quantity,id,status')).toBe(true);
  expect(csv).toContain(`Xe máy tính bảng ${t},tablet_cart,,Thư viện,30,`);
});

test('a school admin prints the QR labels: SVG sheets whose labels carry QR codes', async ({ page, baseURL }) => {
  const t = tag();
  const { api, school } = await apiAs(baseURL!, SCHOOL_ADMIN);
  const created = await api.post(`/api/v1/schools/${school}/devices`, {
    data: { name: `Máy chiếu vật thể ${t}`, kind: 'document_camera', serial: `QR-${t}` },
  });
  expect(created.status(), await created.text()).toBe(201);
  await api.dispose();

  await login(page, SCHOOL_ADMIN);
  await page.goto('/devices');
  await page.getByRole('link', { name: 'In nhãn QR' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'In nhãn QR' })).toBeVisible();
  await expect(page.getByText(/^\d+ nhãn trên \d+ tờ A4\.$/)).toBeVisible();
  const sheet = page.locator('img.label-sheet').first();
  await expect(sheet).toBeVisible();
  await expect.poll(() => sheet.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const res = await page.request.get((await sheet.getAttribute('src'))!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
  const svg = await res.text();
  // The sheet, and a QR code (its own <svg>) on every label.
  expect(svg.match(/<svg/g)!.length).toBeGreaterThan(2);
  expect(svg).toContain(`S/N QR-${t}`);
  await checkA11y(page);
});

test('a school admin edits the period grid (a bad row is refused under it) and the holidays', async ({ page, baseURL }) => {
  const t = tag();
  const { api, school } = await apiAs(baseURL!, SCHOOL_ADMIN);
  await setGrid(api, school, [
    { number: 1, session: 'morning', starts: '07:00', ends: '07:45' },
    { number: 2, session: 'morning', starts: '07:50', ends: '08:35' },
    { number: 3, session: 'morning', starts: '08:55', ends: '09:40' },
  ]);
  await api.dispose();

  await login(page, SCHOOL_ADMIN);
  await page.goto('/periods');
  await expect(page.getByRole('heading', { level: 1, name: 'Khung giờ tiết học và ngày nghỉ' })).toBeVisible();
  // The blank row adds period 4; its end before its start is refused under the row.
  const row4 = page.getByRole('group', { name: /^Tiết 4/ });
  await row4.getByLabel('Bắt đầu').fill('09:45');
  await row4.getByLabel('Kết thúc').fill('09:30');
  await page.getByLabel('Tự huỷ lượt đặt không nhận thiết bị sau (phút)').fill('20');
  await page.getByRole('button', { name: 'Lưu khung giờ' }).click();
  const refused = page.getByRole('group', { name: /^Tiết 4/ });
  await expect(refused).toContainText('Tiết 4: giờ kết thúc phải sau giờ bắt đầu.');
  await expect(refused.getByLabel('Bắt đầu')).toHaveValue('09:45');
  await expect(page.getByLabel('Tự huỷ lượt đặt không nhận thiết bị sau (phút)')).toHaveValue('20');

  await refused.getByLabel('Kết thúc').fill('10:30');
  // Period 2 goes: the rest are numbered again.
  await page.getByRole('group', { name: /^Tiết 2/ }).getByRole('checkbox', { name: /Bỏ tiết/ }).check();
  await page.getByRole('button', { name: 'Lưu khung giờ' }).click();
  await expect(page.getByText('Đã lưu khung giờ: 3 tiết.')).toBeVisible();
  await expect(page.getByRole('group', { name: /^Tiết 2/ }).getByLabel('Bắt đầu')).toHaveValue('08:55');
  await expect(page.getByRole('group', { name: /^Tiết 3/ }).getByLabel('Kết thúc')).toHaveValue('10:30');
  await checkA11y(page);

  // "Add a row" is an island: with JavaScript it adds blank rows in place; without it the one
  // blank row is all there is (another comes with each save).
  const add = page.getByRole('button', { name: 'Thêm dòng' });
  if (test.info().project.use.javaScriptEnabled === false) {
    await expect(add).toHaveCount(0);
  } else {
    await add.click();
    await expect(page.getByRole('group', { name: /^Tiết 5 Mới/ })).toBeVisible();
    await expect(page.getByRole('group', { name: /^Tiết \d+/ })).toHaveCount(5);
  }

  // A holiday: the name is required; then it is added, listed, and removed.
  const year = 2031 + ['phone', 'desktop', 'phonenojs', 'desktopnojs'].indexOf(t);
  await page.getByLabel('Từ ngày').fill(`10/02/${year}`);
  await page.getByLabel('Đến ngày').fill(`16/2/${year}`);
  await page.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
  await expect(page.getByText('Không được để trống.')).toBeVisible();
  await expect(page.getByLabel('Từ ngày')).toHaveValue(`10/02/${year}`);
  await page.getByLabel('Tên ngày nghỉ').fill(`Tết ${t}`);
  await page.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
  await expect(page.getByText(`Đã thêm ngày nghỉ Tết ${t}.`)).toBeVisible();
  const holiday = page.getByRole('row', { name: new RegExp(`Tết ${t}`) });
  await expect(holiday).toContainText(`10/02/${year}`);
  await expect(holiday).toContainText(`16/02/${year}`);
  await holiday.getByRole('button', { name: new RegExp(`Xoá Tết ${t}`) }).click();
  await expect(page.getByText(`Đã xoá ngày nghỉ Tết ${t}.`)).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(`Tết ${t}`) })).toHaveCount(0);
});

test('a teacher opens a device page and checks its current booking in and out', async ({ page, baseURL }) => {
  const now = schoolNow();
  test.skip(now.sunday, 'nothing can be booked on a Sunday');
  test.skip(now.minutes > 23 * 60 + 40, 'no period of today is left to be current');
  const t = tag();
  const { api, school } = await apiAs(baseURL!, SCHOOL_ADMIN);
  // One period that is on now, whatever the hour the tests run at.
  const starts = Math.max(0, now.minutes - 5);
  const ends = Math.min(23 * 60 + 59, now.minutes + 40);
  await setGrid(
    api,
    school,
    [{ number: 1, session: starts < 12 * 60 ? 'morning' : 'afternoon', starts: hhmm(starts), ends: hhmm(ends) }],
    60,
  );
  const name = `Màn hình tương tác ${t}`;
  const created = await api.post(`/api/v1/schools/${school}/devices`, {
    data: { name, kind: 'interactive_display', room: '201' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const device = (await created.json()).device.id as number;
  await api.dispose();

  await login(page, TEACHER);
  const booked = await page.request.post('/api/v1/bookings', {
    data: { device_id: device, date: now.date, periods: [1], note: 'Tiết Toán 8A' },
  });
  expect(booked.status(), await booked.text()).toBe(201);

  // The page the device's QR label opens.
  await page.goto(`/devices/${device}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('Sẵn sàng').first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Đặt thiết bị này' })).toHaveAttribute('href', `/book?device=${device}`);
  const current = page.locator('li.booking-current');
  await expect(current).toContainText('Đang diễn ra');
  await expect(current).toContainText('Tiết Toán 8A');
  await checkA11y(page);

  await current.getByRole('button', { name: 'Nhận thiết bị' }).click();
  await expect(page.getByText(`Đã nhận ${name}.`)).toBeVisible();
  await expect(page.locator('li.booking-current')).toContainText('Đang dùng');

  await page.locator('li.booking-current').getByRole('button', { name: 'Trả thiết bị' }).click();
  await expect(page.getByText(`Đã trả ${name}.`)).toBeVisible();
  await expect(page.locator('li.booking-current')).toContainText('Đã trả');
  await expect(page.getByRole('button', { name: 'Nhận thiết bị' })).toHaveCount(0);
});

test('a device the user may not see is not found', async ({ page }) => {
  await login(page, DEMO_USERS.teacher);
  const res = await page.goto('/devices/999999999');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Không tìm thấy trang' })).toBeVisible();
});

test('the department picks a school and reads its devices', async ({ page }) => {
  await login(page, DEMO_USERS.department);
  await page.goto('/devices');
  await expect(page.getByRole('heading', { name: 'Chọn trường' })).toBeVisible();
  await page.getByLabel('Tìm trường').fill('CS0116');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await page.getByRole('link', { name: /CS0116/ }).click();
  await expect(page.getByText(/^Trường .*: \d+ thiết bị$/)).toBeVisible();
  // Reading only: no add form, no labels.
  await expect(page.getByRole('region', { name: 'Thêm thiết bị' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'In nhãn QR' })).toHaveCount(0);
  await checkA11y(page);
});
