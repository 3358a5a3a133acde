import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** The password of every demo account (`lophoc serve --demo`, `lophoc seed demo`). */
export const DEMO_PASSWORD = 'lophoc2026';

/** Demo accounts, one per role. */
export const DEMO_USERS = {
  sysadmin: 'admin',
  department: 'sogd',
  schoolAdmin: 'qt.mn0001',
  teacher: 'gv.mn0001.1',
} as const;

// The login form in Vietnamese (the default) or English.
const USERNAME_LABEL = /^(Tên đăng nhập|Username)$/;
const PASSWORD_LABEL = /^(Mật khẩu|Password)$/;
const SIGN_IN_BUTTON = /^(Đăng nhập|Sign in)$/;

/**
 * Signs in through the login page, the way a person does, and waits until the app has left
 * /login. Works with JavaScript on (server action) and off (plain form POST + redirect).
 */
export async function login(page: Page, username: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(USERNAME_LABEL).fill(username);
  await page.getByLabel(PASSWORD_LABEL).fill(password);
  await page.getByRole('button', { name: SIGN_IN_BUTTON }).click();
  await expect(page).not.toHaveURL(/\/login\/?([?#]|$)/);
}

export interface A11yOptions {
  /** CSS selectors to leave out of the scan (use sparingly, say why at the call site). */
  exclude?: string[];
  /** axe rule ids to switch off (same). */
  disableRules?: string[];
}

/**
 * Runs axe (WCAG 2.1 A and AA rules) on the current page and fails the test on any serious or
 * critical violation, listing each with the elements it hit. Minor and moderate findings are
 * printed but do not fail.
 *
 * axe is a script, so it cannot run in a page whose JavaScript is switched off (the `*-nojs`
 * projects). There the page's URL is opened again in a second context with the same viewport and
 * cookies, JavaScript on for axe alone and every script and wasm request of the site blocked, so
 * axe sees what a browser without JavaScript gets. (After a form POST that means the GET of the
 * URL the POST landed on.)
 */
export async function checkA11y(page: Page, options: A11yOptions = {}): Promise<void> {
  if (test.info().project.use.javaScriptEnabled !== false) {
    await runAxe(page, options);
    return;
  }
  const context = page.context();
  const browser = context.browser();
  if (!browser) throw new Error('checkA11y: no browser behind this page');
  const mirror = await browser.newContext({
    ...test.info().project.use,
    baseURL: undefined,
    javaScriptEnabled: true,
    storageState: await context.storageState(),
  });
  try {
    await mirror.route('**/*', (route) => {
      const req = route.request();
      if (req.resourceType() === 'script' || /\.wasm(\?|$)/.test(req.url())) return route.abort();
      return route.continue();
    });
    const copy = await mirror.newPage();
    await copy.goto(page.url());
    await runAxe(copy, options);
  } finally {
    await mirror.close();
  }
}

async function runAxe(page: Page, options: A11yOptions): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();

  const describe = (v: (typeof results.violations)[number]) =>
    `[${v.impact}] ${v.id}: ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n');

  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !blocking.includes(v));
  if (minor.length) console.log(`axe (not failing) on ${page.url()}:\n` + minor.map(describe).join('\n'));
  expect(blocking.map(describe), `serious/critical accessibility violations on ${page.url()}`).toEqual([]);
}
