import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// Text is inert (RELIABILITY.md #6, issue 18): a corpus of payloads planted through the REST API
// in every field a user writes — a material's title, description and link; a device's name,
// room, serial and maintenance note; a school's name, area and former district (the
// department's registry import); a class's and a student's name; an account's full name; a
// booking's note; a holiday's name — then every page that shows them opened in Chromium. On
// each: the document title is the literal text, no element the payloads would have made
// exists, no script ran (no dialog), nothing navigated (a planted refresh), no request left
// for a planted image. A `javascript:` link is refused (422), and so are bidirectional and
// zero-width characters in names and titles.
//
// With JavaScript, at both sizes (about 15 s each); the pages are the same server-rendered HTML
// without it, so the no-JavaScript projects leave this file out (playwright.config.ts).

/** Unique per run and project: names made here are this run's. */
function token(): string {
  return `${Date.now().toString(36)}${test.info().project.name.replace(/[^a-z]/g, '')}`;
}

/** Closes `<title>` and plants a heading. */
const P_TITLE = '</title><h1 id=pwn>x</h1>';
/** Leaves an attribute and plants an image whose error handler runs script. */
const P_ATTR = '"><img src=x onerror=alert(1) id=pwn2>';
/** Plants a refresh to another page. */
const P_META = '<meta http-equiv=refresh content="0;url=/login?pwned">';
/** Reverses what follows and hides a character: refused in names and titles. */
const P_BIDI = 'Bài\u202Egnp.exe\u200B';
/** Every id a payload would create. */
const PLANTED = '#pwn, #pwn2, #pwn3, #pwn4, #pwn5, #pwn6';

/** A CSV cell, quoted. */
function cell(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** The id of the one object an API answer wraps (`{"device": {...}}`), or of the answer. */
function idOf(json: Record<string, unknown>): number {
  const inner = Object.values(json).find((v) => v && typeof v === 'object' && 'id' in (v as object)) as
    | { id: number }
    | undefined;
  return inner?.id ?? (json.id as number);
}

async function api(baseURL: string, username: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post('/api/v1/session', { data: { username, password: DEMO_PASSWORD } });
  expect(r.status(), await r.text()).toBe(200);
  return ctx;
}

async function ok(r: Awaited<ReturnType<APIRequestContext['post']>>, what: string): Promise<Record<string, unknown>> {
  expect(r.status(), `${what}: ${await r.text()}`).toBeLessThan(300);
  return r.json();
}

async function refused(r: Awaited<ReturnType<APIRequestContext['post']>>, what: string, field: string): Promise<void> {
  expect(r.status(), `${what}: ${await r.text()}`).toBe(422);
  const body = await r.json();
  expect(body.error.code).toBe('validation');
  expect(JSON.stringify(body.error.details), what).toContain(field);
}

/** The school year a date falls in (`2026-2027`). */
function yearName(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return m >= 8 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/** A day in school time, `days` from today, as `YYYY-MM-DD`. */
function day(days: number): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

interface Watch {
  dialogs: string[];
  navigations: string[];
  planted: string[];
}

/** Records dialogs, main-frame navigations and requests for the planted image. */
function watch(page: Page): Watch {
  const w: Watch = { dialogs: [], navigations: [], planted: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) w.navigations.push(f.url());
  });
  page.on('request', (r) => {
    if (/\/x$|pwned/.test(r.url())) w.planted.push(r.url());
  });
  return w;
}

/** Opens `path` and checks that nothing planted came alive; `title` is the literal text the
 * document title must show, when the page is named after user text. */
async function visit(page: Page, w: Watch, path: string, title?: string, shows?: string): Promise<void> {
  w.navigations.length = 0;
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(200);
  // A planted refresh of 0 s, a script or an image would act once the page has loaded: wait
  // until the page has loaded and the network has gone quiet, not a fixed time.
  await page.waitForLoadState('networkidle');
  await expect(page.locator(PLANTED), `${path}: planted elements`).toHaveCount(0);
  expect(await page.locator('head meta[http-equiv]').count(), `${path}: planted meta`).toBe(0);
  expect(new URL(page.url()).pathname + new URL(page.url()).search, `${path}: no redirect`).toBe(path);
  expect(w.navigations, `${path}: one navigation`).toEqual([new URL(path, page.url()).href]);
  expect(w.dialogs, `${path}: no dialog`).toEqual([]);
  expect(w.planted, `${path}: no planted request`).toEqual([]);
  if (title !== undefined) expect(await page.title(), path).toBe(`${title} · Lớp Học`);
  // The payload is there, as text.
  if (shows !== undefined) await expect(page.getByText(shows).first(), `${path} shows it`).toBeAttached();
}

test('planted markup stays text on every page that shows it', async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const TOKEN = token();
  const admin = await api(baseURL!, DEMO_USERS.schoolAdmin);
  const dept = await api(baseURL!, DEMO_USERS.department);
  const me = await (await admin.get('/api/v1/session')).json();
  const school: number = me.user.school_id;

  // A material: title, description; a `javascript:` link is refused.
  const material = (fields: Record<string, string>) =>
    admin.post('/api/v1/materials', {
      multipart: { subject: 'toan', grade: '6', scope: 'province', url: 'https://hoc.example.vn/bai-1', ...fields },
    });
  const matTitle = `${P_TITLE} ${TOKEN}`;
  const mat = idOf(await ok(await material({ title: matTitle, description: `${P_ATTR} ${P_META}` }), 'material'));
  await refused(await material({ title: `Bài ${TOKEN}`, url: 'javascript:alert(1)' }), 'javascript: link', 'url');
  await refused(await material({ title: `${P_BIDI} ${TOKEN}` }), 'bidi title', 'title');
  const bidiFile = await admin.post('/api/v1/materials', {
    multipart: {
      title: `Tệp ${TOKEN}`,
      subject: 'toan',
      grade: '6',
      scope: 'private',
      file: { name: 'Bài\u202Efdp.exe', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    },
  });
  await refused(bidiFile, 'bidi file name', 'file');

  // A device: name, room, serial, a maintenance note.
  const devName = `${P_TITLE} ${TOKEN}`;
  const dev = idOf(
    await ok(
      await admin.post(`/api/v1/schools/${school}/devices`, {
        data: { name: devName, kind: 'projector', room: P_ATTR, serial: `"><svg/onload=alert(1)/id=pwn3>${TOKEN}` },
      }),
      'device',
    ),
  );
  await ok(await admin.patch(`/api/v1/devices/${dev}`, { data: { note: `${P_ATTR} ${P_META}` } }), 'device note');
  await refused(
    await admin.post(`/api/v1/schools/${school}/devices`, { data: { name: P_BIDI, kind: 'projector' } }),
    'bidi device name',
    'name',
  );

  // A booking's note, on the first day within the next two weeks that takes one.
  const periods = (await (await admin.get(`/api/v1/schools/${school}/periods`)).json()).items;
  let booked = false;
  for (let d = 2; d < 16 && !booked; d++) {
    const r = await admin.post('/api/v1/bookings', {
      data: { device_id: dev, date: day(d), periods: [periods[0].number], note: `${P_ATTR} ${P_META}` },
    });
    booked = r.status() === 201;
  }
  expect(booked, 'a booking with the note').toBe(true);

  // A holiday's name.
  await ok(
    await admin.post(`/api/v1/schools/${school}/holidays`, { data: { starts: day(200), name: `${P_TITLE} ${P_ATTR}` } }),
    'holiday',
  );

  // A class (names are at most 20 characters: 4 digits and the project's initial make it
  // this run's) and a student.
  const className = `<b id=pwn5>${Date.now() % 10_000}${test.info().project.name[0]}</b>`;
  const cls = idOf(
    await ok(
      await admin.post(`/api/v1/schools/${school}/classes`, {
        data: { name: className, grade: 6, school_year: yearName(day(0)) },
      }),
      'class',
    ),
  );
  await ok(
    await admin.post(`/api/v1/classes/${cls}/students/import`, {
      headers: { 'content-type': 'text/csv' },
      data: `code,full_name,gender,birth_date\nHS${TOKEN},${cell(P_ATTR)},Nam,2014-01-01\n`,
    }),
    'student',
  );

  // An account's full name.
  await ok(
    await admin.post('/api/v1/users', {
      data: { username: `xss${TOKEN}`, full_name: P_TITLE, role: 'teacher', school_id: school, password: 'mat-khau-dai-1' },
    }),
    'account',
  );

  // A school of the registry: name, area, former district.
  const code = `XSS${TOKEN.toUpperCase()}`.slice(0, 20);
  const schoolName = `${P_TITLE} ${TOKEN}`;
  await ok(
    await dept.post('/api/v1/schools/import', {
      headers: { 'content-type': 'text/csv' },
      data: `code,name,level,area,former_district,students\n${code},${cell(schoolName)},thcs,${cell(P_ATTR)},${cell(P_META)},100\n`,
    }),
    'school',
  );
  const found = await (await dept.get(`/api/v1/schools?q=${TOKEN}`)).json();
  const other: number = found.items[0].id;
  // Enrolled in the pilot, so its evidence page names it too.
  await ok(await dept.put(`/api/v1/pilot/enrollments/${other}`, { data: { since: day(-30) } }), 'enrolment');

  const w = watch(page);
  await login(page, DEMO_USERS.schoolAdmin);
  await visit(page, w, `/materials/${mat}`, matTitle, P_META);
  await visit(page, w, `/materials?q=${TOKEN}`, undefined, matTitle);
  await visit(page, w, `/devices/${dev}`, devName, P_ATTR);
  await visit(page, w, '/devices', undefined, devName);
  await visit(page, w, '/bookings', undefined, P_META);
  await visit(page, w, '/periods', undefined, P_ATTR);
  await visit(page, w, '/classes', undefined, className);
  await visit(page, w, `/classes/${cls}`, undefined, P_ATTR);
  await visit(page, w, '/teachers', undefined, P_TITLE);

  await page.context().clearCookies();
  await login(page, DEMO_USERS.department);
  await visit(page, w, `/schools/${other}`, schoolName, P_ATTR);
  await visit(page, w, `/schools?q=${TOKEN}`, undefined, schoolName);
  await visit(page, w, `/pilot/schools/${other}`);
  expect(await page.title()).toContain(schoolName);
  await visit(page, w, `/materials/${mat}`, matTitle);
});
