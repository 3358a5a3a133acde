// Screenshots for the roll-call work (not a test): node shots-rollcall.mjs BASE OUTDIR
import { chromium, request } from '@playwright/test';
const [base, out] = process.argv.slice(2);
const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const yesterday = new Date(Date.now() + 7 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
const api = await request.newContext({ baseURL: base });
const login = async (u) => { const r = await api.post('/api/v1/session', { data: { username: u, password: 'lophoc2026' } }); return (await r.json()).user; };
const teacher = await login('gv.mn0001.1');
const lessons = await (await api.get('/api/v1/me/lessons')).json();
const admin = await login('qt.mn0001');
const classes = await (await api.get(`/api/v1/schools/${admin.school_id}/classes`)).json();
console.log('lessons', JSON.stringify(lessons).slice(0, 300));
const lesson = (lessons.items ?? lessons)[0];
const classId = lesson ? lesson.class_id : classes[0].id;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [w, h] of [[390, 844], [1366, 900]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  const signIn = async (u) => {
    await ctx.clearCookies();
    await page.goto(base + '/login');
    await page.getByLabel(/^(Tên đăng nhập|Username)$/).fill(u);
    await page.getByLabel(/^(Mật khẩu|Password)$/).fill('lophoc2026');
    await page.getByRole('button', { name: /^(Đăng nhập|Sign in)$/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  };
  await signIn('qt.mn0001');
  await page.goto(`${base}/classes/${classId}#substitutes`);
  await page.waitForLoadState('networkidle');
  await page.locator('#substitutes').screenshot({ path: `${out}/substitutes-${w}.png` });
  if (lesson) {
    await signIn('gv.mn0001.1');
    await page.goto(`${base}/classes/${lesson.class_id}/lessons/${lesson.date}/${lesson.period}`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}/rollcall-${w}.png`, fullPage: true });
    await page.goto(`${base}/classes/${lesson.class_id}/attendance`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}/summary-${w}.png` });
    const sw = await page.evaluate(() => document.querySelector('.summary-table')?.getBoundingClientRect().width);
    console.log('summary table width at', w, sw);
    // A colleague's read-only view of an untaken lesson, and a dead end.
    await signIn('gv.mn0001.2');
    await page.goto(`${base}/classes/${lesson.class_id}/lessons/${lesson.date}/${lesson.period}`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${out}/readonly-${w}.png`, fullPage: false });
    await page.goto(`${base}/classes/${lesson.class_id}/lessons/2099-01-05/1`);
    await page.screenshot({ path: `${out}/deadend-${w}.png` });
  }
  await ctx.close();
}
await browser.close();
