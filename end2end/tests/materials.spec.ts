import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y, DEMO_PASSWORD, DEMO_USERS, login } from './helpers';

// The materials library (học liệu): an upload with a real progress bar and one cancelled half
// way (JavaScript), the same upload as a plain form (no JavaScript, what was typed kept after an
// error), a search without diacritics, the preview of a PDF and an image, a video that plays and
// seeks, attaching a material to a lesson and finding it on the lesson's page, the school's
// storage against its quota.
//
// Every material is made here (the demo library's titles are not relied on), named with this
// run's token. The lessons are a class of the demo school MN0001 made through the API (as its
// school administrator) with periods 3 and 4 of every day taught by MATERIALS_TEACHER, so every
// day has a lesson to attach to whatever the calendar says.

const ADMIN = DEMO_USERS.schoolAdmin;
/** Uploads and attaches (not the demo teacher of the other specs, whose day they check). */
const MATERIALS_TEACHER = 'gv.mn0001.2';
/** Unique per run and project: titles found by search are this run's own. */
const TOKEN = `${Date.now().toString(36)}`;

/** A small WebM (VP8, 96×64, 3 s, a keyframe every half second, 16 KB), made for these tests
 * with `ffmpeg -f lavfi -i testsrc=size=96x64:rate=10:duration=3 -c:v libvpx -b:v 40k -g 5 -an`. */
function clipFile(): Buffer {
  return readFileSync(join(test.info().project.testDir, '..', 'fixtures', 'lesson-clip.webm'));
}

function tag(): string {
  return test.info().project.name.replace(/[^a-z]/g, '');
}

function token(): string {
  return `${tag()}${TOKEN}`;
}

/** A day in school time (UTC+7), `days` from today, as `YYYY-MM-DD`. */
function day(days = 0): string {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

function yearName(iso: string): string {
  const [y, m] = iso.split('-').map(Number);
  return m >= 8 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/** A one-page PDF with a line of text, `pad` bytes of comment after it (to make it large). */
function pdf(text: string, pad = 0): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 18 Tf 20 100 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(out, 'latin1'), Buffer.from('%'.padEnd(pad, ' '))]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** A `w`×`h` RGB PNG with a gradient. */
function png(w: number, h: number): Buffer {
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Array.from({ length: h }, (_, y) => {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([(x * 255) / w, (y * 255) / h, 160], 1 + x * 3);
    return row;
  });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function api(baseURL: string, username: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post('/api/v1/session', { data: { username, password: DEMO_PASSWORD } });
  expect(r.status()).toBe(200);
  return ctx;
}

interface Made {
  id: number;
  title: string;
}

/** MATERIALS_TEACHER's API session, opened once per worker (a sign-in hashes a password). */
let teacherApi: APIRequestContext | undefined;

test.afterAll(async () => {
  await teacherApi?.dispose();
  teacherApi = undefined;
});

/** Uploads a material through the REST API as MATERIALS_TEACHER. */
async function upload(
  baseURL: string,
  title: string,
  file: { name: string; mimeType: string; buffer: Buffer } | { url: string },
): Promise<Made> {
  teacherApi ??= await api(baseURL, MATERIALS_TEACHER);
  const part = 'url' in file ? { url: file.url } : { file };
  const r = await teacherApi.post('/api/v1/materials', {
    multipart: { title, subject: 'toan', grade: '6', scope: 'school', topic: 'Phân số', ...part },
  });
  expect(r.status(), await r.text()).toBe(201);
  const { material } = await r.json();
  return { id: material.id, title };
}

/** The class of this project: periods 3 and 4 of every day, taught by MATERIALS_TEACHER. */
async function makeClass(baseURL: string): Promise<number> {
  teacherApi ??= await api(baseURL, MATERIALS_TEACHER);
  const teacherId = (await (await teacherApi.get('/api/v1/session')).json()).user.id;
  const ctx = await api(baseURL, ADMIN);
  const school = (await (await ctx.get('/api/v1/session')).json()).user.school_id;
  // The same dates as the roll-call spec's: the year around today, whichever spec runs first.
  const y = await ctx.put(`/api/v1/schools/${school}/years/${yearName(day())}`, {
    data: { starts: day(-60), term2_starts: day(-30), ends: day(30) },
  });
  expect(y.status(), await y.text()).toBe(200);
  const name = `HL ${tag()}`;
  const c = await ctx.post(`/api/v1/schools/${school}/classes`, {
    data: { name, grade: 0, school_year: yearName(day()) },
  });
  // 409: made already by an earlier worker of this project (after a failed test).
  expect([201, 409], await c.text()).toContain(c.status());
  const classId =
    c.status() === 201
      ? (await c.json()).id
      : (await (await ctx.get(`/api/v1/schools/${school}/classes`)).json()).find((k: { name: string }) => k.name === name).id;
  const items = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) =>
    [3, 4].map((period) => ({ weekday, period, subject: 'khac', teacher_id: teacherId })),
  );
  const t = await ctx.put(`/api/v1/classes/${classId}/timetable`, { data: { items } });
  expect(t.status(), await t.text()).toBe(200);
  await ctx.dispose();
  return classId;
}

/** Plain server-rendered pages: one phone with JavaScript and one desktop without prove them. */
function twoProjectsOnly(): void {
  const p = test.info().project.name;
  test.skip(p === 'desktop' || p === 'phone-nojs', 'covered by phone and desktop-nojs');
}

/** The upload island's tests: JavaScript, on the phone (the one with a slow network). */
function islandOnly(): void {
  test.skip(test.info().project.name !== 'phone', 'the upload island, on the phone with JavaScript');
}

/** Slows the page's uploads to `bytesPerSecond` (Chromium's network emulation). */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/** The upload form's own fields (the search form above has a subject and a grade too). */
function uploadForm(page: Page) {
  return page.getByRole('region', { name: 'Tải học liệu lên' });
}

async function fillUpload(page: Page, title: string): Promise<void> {
  const form = uploadForm(page);
  await form.getByLabel('Tiêu đề').fill(title);
  await form.getByLabel('Môn').selectOption({ label: 'Toán' });
  await form.getByLabel('Khối').selectOption({ label: 'Khối 6' });
  await form.getByLabel('Chủ đề').fill('Phân số');
}

test('an upload shows its real progress, then opens the new material', async ({ page }) => {
  islandOnly();
  await login(page, MATERIALS_TEACHER);
  await page.goto('/materials');
  // The island takes over the form once its wasm runs: it says several files may be chosen.
  await expect(page.getByText(/Có thể chọn nhiều tệp cùng lúc/)).toBeVisible();
  await throttleUploads(page, 512 * 1024);
  const title = `Bài giảng tiến độ ${token()}`;
  await fillUpload(page, title);
  await uploadForm(page).getByLabel('Tệp', { exact: true }).setInputFiles({
    name: 'bai-giang.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('Bai giang', 1_500_000),
  });
  await uploadForm(page).getByRole('button', { name: 'Tải lên', exact: true }).click();
  const bar = page.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect(page.getByText('Đang tải lên bai-giang.pdf').first()).toBeVisible();
  // Part of the file is on its way, and the bar says how much.
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 15_000 })
    .toBeGreaterThan(5);
  expect(Number(await bar.getAttribute('value'))).toBeLessThan(100);
  await checkA11y(page);
  await expect(page).toHaveURL(/\/materials\/\d+\?uploaded=1$/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('Đã tải lên học liệu.')).toBeVisible();
  await expect(page.getByTitle(`Xem trước: ${title}`)).toBeVisible();
});

test('an upload cancelled half way leaves no material', async ({ page }) => {
  islandOnly();
  await login(page, MATERIALS_TEACHER);
  await page.goto('/materials');
  await expect(page.getByText(/Có thể chọn nhiều tệp cùng lúc/)).toBeVisible();
  await throttleUploads(page, 1024 * 1024);
  const title = `Bị huỷ ${token()}`;
  await fillUpload(page, title);
  await uploadForm(page).getByLabel('Tệp', { exact: true }).setInputFiles({
    name: 'video-lon.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('Lon', 20_000_000),
  });
  await uploadForm(page).getByRole('button', { name: 'Tải lên', exact: true }).click();
  const bar = page.getByRole('progressbar');
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 15_000 }).toBeGreaterThan(2);
  await page.getByRole('button', { name: 'Huỷ tải lên' }).click();
  await expect(page.getByText('Đã huỷ tải lên. Không có học liệu nào được tạo.')).toBeVisible();
  await expect(bar).toHaveCount(0);
  await expect(page).toHaveURL(/\/materials$/);
  // The server, whose body ended early, kept nothing. (A material is written only once its whole
  // body has arrived, which this one never will: there is no moment to wait for.)
  const r = await page.request.get(`/api/v1/materials?mine=true&q=${encodeURIComponent(token())}`);
  expect(r.status()).toBe(200);
  const found = (await r.json()).items.map((m: { title: string }) => m.title);
  expect(found).not.toContain(title);
});

test('several files at once: one material each, titled after the file', async ({ page }) => {
  islandOnly();
  await login(page, MATERIALS_TEACHER);
  await page.goto('/materials');
  await expect(page.getByText(/Có thể chọn nhiều tệp cùng lúc/)).toBeVisible();
  // A refusal shows in the island, each bad field named and marked.
  await uploadForm(page).getByLabel('Tệp', { exact: true }).setInputFiles({ name: 'x.pdf', mimeType: 'application/pdf', buffer: pdf('X') });
  await uploadForm(page).getByRole('button', { name: 'Tải lên', exact: true }).click();
  await expect(uploadForm(page).getByRole('alert')).toContainText('Tiêu đề:');
  await expect(uploadForm(page).getByLabel('Tiêu đề')).toHaveAttribute('aria-invalid', 'true');
  await expect(uploadForm(page).getByLabel('Tiêu đề')).toBeFocused();
  await fillUpload(page, 'bỏ qua khi chọn nhiều tệp');
  await uploadForm(page).getByLabel('Tệp', { exact: true }).setInputFiles([
    { name: `Phiếu 1 ${token()}.pdf`, mimeType: 'application/pdf', buffer: pdf('Phieu 1') },
    { name: `Phiếu 2 ${token()}.pdf`, mimeType: 'application/pdf', buffer: pdf('Phieu 2') },
  ]);
  await uploadForm(page).getByRole('button', { name: 'Tải lên', exact: true }).click();
  await expect(page).toHaveURL(/\/materials\?mine=1&uploaded=2$/);
  await expect(page.getByText('Đã tải lên 2 học liệu.')).toBeVisible();
  await expect(page.getByRole('link', { name: `Phiếu 1 ${token()}` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Phiếu 2 ${token()}` })).toBeVisible();
});

test('without JavaScript the upload is a plain form that keeps what was typed', async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled !== false || test.info().project.name !== 'desktop-nojs', 'the plain form, on desktop-nojs');
  await login(page, MATERIALS_TEACHER);
  await page.goto('/materials');
  const title = `Phiếu bài tập không JS ${token()}`;
  const form = uploadForm(page);
  await form.getByLabel('Tiêu đề').fill(title);
  await form.getByLabel('Chủ đề').fill('Ôn tập chương I');
  // No subject: refused, and the title and topic are still there (the file must be chosen again).
  await form.getByLabel('Tệp', { exact: true }).setInputFiles({ name: 'phieu.pdf', mimeType: 'application/pdf', buffer: pdf('Phieu') });
  await form.getByRole('button', { name: 'Tải lên', exact: true }).click();
  await expect(page).toHaveURL(/__err=/);
  await expect(form.getByLabel('Môn')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Tiêu đề')).toHaveValue(title);
  await expect(form.getByLabel('Chủ đề')).toHaveValue('Ôn tập chương I');
  await expect(form.getByText('Vui lòng chọn lại tệp.')).toBeVisible();
  await checkA11y(page);
  await form.getByLabel('Môn').selectOption({ label: 'Toán' });
  await form.getByLabel('Khối').selectOption({ label: 'Khối 7' });
  await form.getByLabel('Tệp', { exact: true }).setInputFiles({ name: 'phieu.pdf', mimeType: 'application/pdf', buffer: pdf('Phieu') });
  await form.getByRole('button', { name: 'Tải lên', exact: true }).click();
  await expect(page).toHaveURL(/\/materials\/\d+\?uploaded=1$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('Đã tải lên học liệu.')).toBeVisible();
  await expect(page.getByText('Toán · Khối 7')).toBeVisible();
});

test('a search without diacritics finds the material', async ({ page, baseURL }) => {
  twoProjectsOnly();
  const m = await upload(baseURL!, `Toán lớp 6: Phân số và số thập phân ${token()}`, {
    url: 'https://www.youtube.com/watch?v=phanso6',
  });
  await login(page, MATERIALS_TEACHER);
  await page.goto('/materials');
  // `toan lop 6` alone finds every Toán material of khối 6 (the subject and grade are understood),
  // other tests' among them: the words of this title narrow it to one.
  await page.getByRole('searchbox', { name: 'Tìm học liệu' }).fill(`toan lop 6 thap phan ${token()}`);
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page).toHaveURL(/q=toan\+lop\+6/);
  await expect(page.getByText('1 học liệu', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: m.title })).toBeVisible();
  await checkA11y(page);
  // Nothing else: an unknown word empties the list and says how to widen it.
  await page.getByRole('searchbox', { name: 'Tìm học liệu' }).fill(`toan lop 6 ${token()} khongco`);
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByText('Không tìm thấy học liệu phù hợp.')).toBeVisible();
  // The link material opens through the API, which counts the opening.
  await page.goto(`/materials/${m.id}`);
  await expect(page.getByRole('link', { name: 'Mở liên kết' })).toHaveAttribute('href', `/api/v1/materials/${m.id}/link`);
});

test('a PDF and an image are previewed in the page', async ({ page, baseURL, javaScriptEnabled }) => {
  twoProjectsOnly();
  const doc = await upload(baseURL!, `Đề kiểm tra 15 phút ${token()}`, {
    name: 'de-kiem-tra.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('De kiem tra'),
  });
  const pic = await upload(baseURL!, `Hình minh hoạ phân số ${token()}`, {
    name: 'hinh.png',
    mimeType: 'image/png',
    buffer: png(320, 200),
  });
  await login(page, MATERIALS_TEACHER);
  await page.goto(`/materials/${doc.id}`);
  const frame = page.getByTitle(`Xem trước: ${doc.title}`);
  await expect(frame).toBeVisible();
  await expect(frame).toHaveAttribute('src', `/api/v1/materials/${doc.id}/file`);
  await expect(page.getByRole('link', { name: 'Tải về' })).toHaveAttribute('href', `/api/v1/materials/${doc.id}/file`);
  const file = await page.request.get(`/api/v1/materials/${doc.id}/file`);
  expect(file.headers()['content-type']).toBe('application/pdf');
  expect(file.headers()['content-disposition']).toMatch(/^inline/);
  await checkA11y(page);

  await page.goto(`/materials/${pic.id}`);
  const img = page.getByRole('img', { name: `Xem trước: ${pic.title}` });
  await expect(img).toBeVisible();
  if (javaScriptEnabled !== false) {
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(320);
  }
});

test('a video plays and seeks (the file is served in ranges)', async ({ page, baseURL }) => {
  islandOnly();
  const clip = await upload(baseURL!, `Video thí nghiệm ${token()}`, {
    name: 'thi-nghiem.webm',
    mimeType: 'video/webm',
    buffer: clipFile(),
  });
  const range = await page.request.get(`/api/v1/materials/${clip.id}/file`, { headers: { Range: 'bytes=100-199' } });
  // Not signed in yet in this page's context: the file is not for everyone.
  expect(range.status()).toBe(401);
  await login(page, MATERIALS_TEACHER);
  const part = await page.request.get(`/api/v1/materials/${clip.id}/file`, { headers: { Range: 'bytes=100-199' } });
  expect(part.status()).toBe(206);
  expect((await part.body()).length).toBe(100);
  await page.goto(`/materials/${clip.id}`);
  const video = page.locator('video');
  await expect(video).toHaveAttribute('preload', 'metadata');
  const moved = await video.evaluate(async (v: HTMLVideoElement) => {
    if (v.readyState < 1) await new Promise((ok) => v.addEventListener('loadedmetadata', ok, { once: true }));
    v.muted = true;
    await v.play();
    v.pause();
    const seeked = new Promise((ok) => v.addEventListener('seeked', ok, { once: true }));
    v.currentTime = 2;
    await seeked;
    return { duration: v.duration, at: v.currentTime };
  });
  expect(moved.duration).toBeCloseTo(3, 0);
  expect(moved.at).toBeGreaterThanOrEqual(1.9);
  await checkA11y(page);
});

test('attached to a lesson, it is on the lesson page, and can be taken off', async ({ page, baseURL }) => {
  twoProjectsOnly();
  const classId = await makeClass(baseURL!);
  const m = await upload(baseURL!, `Phiếu học tập tiết 3 ${token()}`, {
    name: 'phieu-hoc-tap.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('Phieu hoc tap'),
  });
  await login(page, MATERIALS_TEACHER);
  await page.goto(`/materials/${m.id}`);
  const uses = page.getByRole('region', { name: 'Tiết học đã dùng' });
  await expect(uses.getByText('Chưa gắn vào tiết học nào.')).toBeVisible();
  await uses.getByLabel('Tiết học của bạn').selectOption(`${classId}_${day()}_3`);
  await uses.getByRole('button', { name: 'Gắn vào tiết học' }).click();
  await expect(page.getByText('Đã gắn học liệu vào tiết học.')).toBeVisible();
  const lessonLink = uses.getByRole('link', { name: new RegExp(`HL ${tag()} · Tiết 3`) });
  await expect(lessonLink).toHaveAttribute('href', `/classes/${classId}/lessons/${day()}/3`);

  await lessonLink.click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`HL ${tag()}`);
  const card = page.getByRole('region', { name: 'Học liệu của tiết học' });
  await expect(card.getByRole('link', { name: m.title })).toHaveAttribute('href', `/materials/${m.id}`);
  await checkA11y(page);
  // The teacher's day lists it too.
  await page.goto('/');
  await expect(page.getByRole('link', { name: m.title })).toBeVisible();
  // Taken off again from the lesson page.
  await page.goto(`/classes/${classId}/lessons/${day()}/3`);
  await card.getByRole('button', { name: `Gỡ “${m.title}” khỏi tiết học` }).click();
  await expect(page.getByText('Đã gỡ học liệu khỏi tiết học.')).toBeVisible();
  await expect(card.getByRole('link', { name: m.title })).toHaveCount(0);
  // And attached from the lesson page, from the teacher's own materials.
  await card.getByLabel('Gắn học liệu của tôi').selectOption({ label: m.title });
  await card.getByRole('button', { name: 'Gắn vào tiết học' }).click();
  await expect(page.getByText('Đã gắn học liệu vào tiết học.')).toBeVisible();
  await expect(card.getByRole('link', { name: m.title })).toBeVisible();
});

test('edited, given a new version (the old one kept), then deleted after a confirmation', async ({ page, baseURL }) => {
  twoProjectsOnly();
  const m = await upload(baseURL!, `Giáo án nháp ${token()}`, {
    name: 'giao-an-v1.pdf',
    mimeType: 'application/pdf',
    buffer: pdf('Giao an 1'),
  });
  await login(page, MATERIALS_TEACHER);
  await page.goto(`/materials/${m.id}`);
  const edit = page.getByRole('region', { name: 'Sửa thông tin' });
  const title = `Giáo án chính thức ${token()}`;
  await edit.getByLabel('Tiêu đề').fill(title);
  await edit.getByRole('radio', { name: /Toàn tỉnh/ }).check();
  await edit.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(page.getByText('Đã lưu thay đổi.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);

  const replace = page.getByRole('region', { name: 'Thay tệp' });
  await replace.getByLabel('Tệp mới').setInputFiles({ name: 'giao-an-v2.pdf', mimeType: 'application/pdf', buffer: pdf('Giao an 2') });
  await replace.getByRole('button', { name: 'Tải phiên bản mới lên' }).click();
  await expect(page.getByText('Đã tải lên phiên bản mới. Các phiên bản cũ vẫn được giữ.')).toBeVisible();
  const versions = page.getByRole('region', { name: 'Các phiên bản trước' });
  await expect(versions.getByRole('cell', { name: 'giao-an-v1.pdf' })).toBeVisible();
  await expect(versions.getByRole('link', { name: 'Tải về phiên bản 1' })).toHaveAttribute('href', `/api/v1/materials/${m.id}/file?version=1`);
  await checkA11y(page);

  // Deleting asks first, on a page of its own (no JavaScript needed).
  await page.getByRole('link', { name: 'Xoá học liệu' }).click();
  await expect(page.getByText(`Xoá “${title}”?`)).toBeVisible();
  await page.getByRole('link', { name: 'Không xoá' }).click();
  await expect(page.getByRole('button', { name: 'Xoá vĩnh viễn' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Xoá học liệu' }).click();
  await page.getByRole('button', { name: 'Xoá vĩnh viễn' }).click();
  await expect(page).toHaveURL(/\/materials\?deleted=/);
  await expect(page.getByText(`Đã xoá học liệu “${title}”.`)).toBeVisible();
  expect((await page.request.get(`/api/v1/materials/${m.id}`)).status()).toBe(404);
});

test("the school's storage by teacher, and its quota", async ({ page }) => {
  twoProjectsOnly();
  await login(page, ADMIN);
  await page.goto('/materials/storage');
  await expect(page.getByRole('heading', { level: 1, name: 'Dung lượng học liệu' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Dung lượng học liệu theo giáo viên' })).toBeVisible();
  await page.getByLabel('Hạn mức (MB)').fill('nhiều');
  await page.getByRole('button', { name: 'Lưu hạn mức' }).click();
  await expect(page.getByLabel('Hạn mức (MB)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Hạn mức (MB)')).toHaveValue('nhiều');
  await page.getByLabel('Hạn mức (MB)').fill('50000');
  await page.getByRole('button', { name: 'Lưu hạn mức' }).click();
  await expect(page.getByText('Đã lưu hạn mức.')).toBeVisible();
  await expect(page.getByText(/trên hạn mức 50 GB/)).toBeVisible();
  await checkA11y(page);
  // Back to no quota: the other tests upload into this school.
  await page.getByLabel('Hạn mức (MB)').fill('');
  await page.getByRole('button', { name: 'Lưu hạn mức' }).click();
  await expect(page.getByText('Chưa đặt hạn mức.')).toBeVisible();
});
