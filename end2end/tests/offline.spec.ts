import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y, DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// A lesson without signal from the first load: a teacher opens the home page online (the
// service worker keeps the week's open lessons), the phone goes offline, the roll-call page
// still opens, the roll call waits next to Save and is sent once the network is back, judged
// by the time it was saved. Signing out removes what was kept. And the teacher's week itself.
//
// Each project makes its own class in the demo school MN0001 through the API: 45 pupils,
// periods 1 and 2 of every day taught by a demo teacher, so every day is a lesson day.

const ADMIN = DEMO_USERS.schoolAdmin;

function tag(): string {
  return test.info().project.name.replace(/[^a-z]/g, '');
}

/** A day in school time (UTC+7), `days` from today, as `YYYY-MM-DD`. */
function day(days = 0): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

function yearName(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return m >= 8 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

async function api(baseURL: string, username: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post('/api/v1/session', { data: { username, password: DEMO_PASSWORD } });
  expect(r.status()).toBe(200);
  return ctx;
}

interface World {
  teacher: string;
  classId: number;
  names: string[];
}

let world: World;

test.beforeAll(async ({ baseURL }) => {
  const ctx = await api(baseURL!, ADMIN);
  const me = await (await ctx.get('/api/v1/session')).json();
  const school = me.user.school_id;
  // A demo teacher (an account made here would first have to choose its own password); the
  // roll-call spec's classes are taught by the same one, which changes nothing here.
  const teacher = 'gv.mn0001.3';
  const teacherId = (await (await api(baseURL!, teacher)).get('/api/v1/session').then((r) => r.json())).user.id;
  const y = await ctx.put(`/api/v1/schools/${school}/years/${yearName(day())}`, {
    data: { starts: day(-60), term2_starts: day(-30), ends: day(30) },
  });
  expect(y.status(), await y.text()).toBe(200);
  const name = `OFF ${tag()}`;
  const c = await ctx.post(`/api/v1/schools/${school}/classes`, { data: { name, grade: 0, school_year: yearName(day()) } });
  expect([201, 409], await c.text()).toContain(c.status());
  const classId =
    c.status() === 201
      ? (await c.json()).id
      : (await (await ctx.get(`/api/v1/schools/${school}/classes`)).json()).find((k: { name: string }) => k.name === name).id;
  const names = Array.from({ length: 45 }, (_, i) => `Học Sinh Mạng ${tag()} ${String(i + 1).padStart(2, '0')}`);
  const csv = 'code,full_name,gender,birth_date\n' + names.map((n, i) => `OF${tag()}${i},${n},${i % 2 ? 'Nữ' : 'Nam'},01/09/2021`).join('\n');
  const s = await ctx.post(`/api/v1/classes/${classId}/students/import`, { headers: { 'content-type': 'text/csv' }, data: csv });
  expect([200, 201], await s.text()).toContain(s.status());
  const items = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [1, 2].map((period) => ({ weekday, period, subject: 'khac', teacher_id: teacherId })));
  const t = await ctx.put(`/api/v1/classes/${classId}/timetable`, { data: { items } });
  expect(t.status(), await t.text()).toBe(200);
  await ctx.dispose();
  world = { teacher, classId, names };
});

const lesson = (period: number) => `/classes/${world.classId}/lessons/${day()}/${period}`;

/** Whether the service worker keeps `path`. */
async function kept(page: Page, path: string): Promise<boolean> {
  return page.evaluate(async (p) => {
    if (!(await caches.has('lophoc-pages'))) return false;
    return !!(await (await caches.open('lophoc-pages')).match(p));
  }, path);
}

/** Signs in, opens the week online and waits until the service worker has kept `path`. */
async function openWeekOnline(page: Page, path: string): Promise<void> {
  await login(page, world.teacher);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Tiết dạy hôm nay/ })).toBeVisible();
  await expect.poll(() => kept(page, path), { timeout: 20_000 }).toBe(true);
}

test('airplane mode from the first load: the roll call opens, waits and is sent', async ({ page, context, baseURL, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled || test.info().project.name !== 'phone', 'a phone with JavaScript');
  await openWeekOnline(page, lesson(1));
  await context.setOffline(true);
  // A lesson the worker did not keep (tomorrow's) is not there: the network is really gone, so
  // what opens next comes from the phone.
  await page.goto(`/classes/${world.classId}/lessons/${day(1)}/1`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chưa có mạng');
  await page.goto(lesson(1));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`OFF ${tag()}`);
  await expect(page.getByText('45 học sinh')).toBeVisible();
  // The outbox's island is ready once its wasm (kept too) has loaded.
  await page.waitForLoadState('networkidle');
  await page.getByRole('radiogroup', { name: world.names[4] }).getByRole('radio', { name: /^Không phép$/ }).check();
  await page.getByRole('button', { name: 'Lưu điểm danh' }).click();
  // Next to the Save button, where the teacher looks: offline, waiting, since when.
  const submit = page.locator('.roll-submit');
  await expect(submit.getByText(/Chưa có mạng/)).toBeVisible();
  await expect(submit.getByRole('heading', { name: /Điểm danh chờ gửi \(1\)/ })).toBeVisible();
  await expect(submit.getByText(/lưu lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/)).toBeVisible();
  const saved = JSON.parse((await page.evaluate(() => localStorage.getItem('lophoc.outbox.v1')))!);
  expect(saved).toHaveLength(1);
  const takenAt = Date.parse(saved[0].saved_at);
  // The server counts whole seconds: the network comes back in a later one.
  await page.waitForFunction((t) => Date.now() >= Math.floor(t / 1000) * 1000 + 1000, takenAt);
  await context.setOffline(false);
  await expect(page).toHaveURL(/saved=1/, { timeout: 30_000 });
  await expect(page.getByText('Đã lưu điểm danh.')).toBeVisible();
  await expect(page.getByText(/Đã lưu trên máy lúc/)).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('lophoc.outbox.v1'))).toBe('[]');
  const rc = await (await page.request.get(`/api/v1/classes/${world.classId}/lessons/${day()}/1/roll-call`)).json();
  expect(rc.counts).toEqual({ present: 44, late: 0, excused: 0, unexcused: 1 });
  expect(Date.parse(rc.taken_at)).toBeLessThan(Date.parse(rc.received_at));
  expect(Math.abs(Date.parse(rc.taken_at) - Math.floor(takenAt / 1000) * 1000)).toBeLessThanOrEqual(1000);
});

test('signing out removes the kept pages', async ({ page, context, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled || test.info().project.name !== 'phone', 'a phone with JavaScript');
  await openWeekOnline(page, lesson(2));
  await page.locator('summary.nav-toggle').click();
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([]);
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  await context.setOffline(true);
  await expect(page.goto(lesson(2))).rejects.toThrow();
  await context.setOffline(false);
});

test("the teacher's week: states, other weeks, a bad date", async ({ page }) => {
  await login(page, world.teacher);
  await page.goto('/');
  const today = page.locator('.day-today');
  await expect(today.getByRole('heading', { name: /Tiết dạy hôm nay/ })).toBeVisible();
  // Today is first, and from the week a roll call is one tap away.
  await expect(page.locator('.week-days > .day').first()).toHaveClass(/day-today/);
  await expect(today.locator(`a[href="${lesson(1)}"]`)).toBeVisible();
  await checkA11y(page);
  await page.getByRole('link', { name: 'Tuần sau' }).click();
  await expect(page).toHaveURL(/\?date=\d{4}-\d\d-\d\d$/);
  await expect(page.getByText('Chưa đến ngày').first()).toBeVisible();
  await expect(page.getByText('Mở vào ngày dạy').first()).toBeVisible();
  await page.getByRole('link', { name: 'Tuần này' }).click();
  await expect(page.locator('.day-today')).toBeVisible();
  const res = await page.goto('/?date=31-02-2026');
  expect(res!.status()).toBeLessThan(500);
  await expect(page.getByRole('alert')).toContainText('Ngày không hợp lệ');
});
