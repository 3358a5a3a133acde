// Lớp Học's service worker (served at /sw.js, scope /): a teacher's week and the roll-call
// pages of its open lessons open with no signal.
//
// The page registers it only for a signed-in teacher (app::assets::loader_script) and then
// posts {type: 'week', user, pages, assets}: the home page and the lessons it marks
// `data-offline`, and the site's files of this build. Those pages go into one cache owned by
// that user (another user's message empties it first; a signed-out page deletes every cache and
// unregisters this worker). Navigations to the home page or a lesson are network-first: a
// fresh answer replaces the kept copy, no answer serves it. Nothing else is kept: no other page,
// no POST, no API answer. The site's files with a content hash in their name are served from
// the cache first (a new build has new names; the old ones are dropped).

const PAGES = 'lophoc-pages';
const ASSETS = 'lophoc-assets';
const OWNER = '/__lophoc-owner';
// A kept page younger than this is not fetched again when the week is posted.
const FRESH_MS = 15 * 60 * 1000;
const LESSON = /^\/classes\/\d+\/lessons\/\d{4}-\d{2}-\d{2}\/\d+$/;
const HASHED = /\.[0-9a-f]{16}\.[a-z0-9]+$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

/** The key a page is kept under: the home page with its `?date=`, a lesson without a query. */
function pageKey(url) {
  if (url.pathname === '/') return '/' + url.search;
  if (LESSON.test(url.pathname)) return url.pathname;
  return null;
}

function isAsset(url) {
  return url.pathname.startsWith('/pkg/') || url.pathname === '/icons.svg' || url.pathname === '/favicon.svg';
}

async function owner(cache) {
  const r = await cache.match(OWNER);
  return r ? r.text() : null;
}

/** Fetches `url` and keeps it when it is a plain 200 page of this site. */
async function keep(cache, url) {
  try {
    const r = await fetch(url, { credentials: 'same-origin', redirect: 'manual' });
    if (r.status === 200 && r.type === 'basic') await cache.put(url, r);
  } catch (_) {
    // No network: whatever was kept stays.
  }
}

function isFresh(res) {
  const d = Date.parse(res.headers.get('date') || '');
  return Number.isFinite(d) && Date.now() - d < FRESH_MS;
}

// Raised by every "forget": a week still being kept then stops writing.
let epoch = 0;

async function keepWeek(m) {
  const user = String(m.user || '');
  if (!user) return;
  const mine = epoch;
  let pages = await caches.open(PAGES);
  if ((await owner(pages)) !== user) {
    await caches.delete(PAGES);
    pages = await caches.open(PAGES);
    await pages.put(OWNER, new Response(user));
  }
  const assets = await caches.open(ASSETS);
  const wanted = new Set(m.assets || []);
  for (const req of await assets.keys()) {
    if (!wanted.has(new URL(req.url).pathname)) await assets.delete(req);
  }
  for (const u of wanted) {
    if (epoch !== mine) return;
    if (!(await assets.match(u))) await keep(assets, u);
  }
  // One page after the other: a week is a few dozen small pages at most.
  for (const u of m.pages || []) {
    const key = pageKey(new URL(u, self.location.origin));
    if (!key) continue;
    if (epoch !== mine) return;
    const old = await pages.match(key);
    if (!old || !isFresh(old)) await keep(pages, key);
  }
}

async function forget() {
  epoch += 1;
  for (const k of await caches.keys()) {
    if (k.startsWith('lophoc-')) await caches.delete(k);
  }
}

self.addEventListener('message', (e) => {
  const m = e.data || {};
  const done = (type) => e.source && e.source.postMessage({ type });
  if (m.type === 'week') e.waitUntil(keepWeek(m).then(() => done('kept')));
  if (m.type === 'forget') e.waitUntil(forget().then(() => done('forgotten')));
});

const OFFLINE_PAGE =
  '<!DOCTYPE html><html lang="vi"><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Lớp Học</title>' +
  '<body style="font-family:system-ui,sans-serif;padding:1.5rem;max-width:32rem">' +
  '<h1>Chưa có mạng</h1><p>Trang này chưa được lưu trên máy để dùng khi mất mạng. ' +
  'Hãy mở trang chủ khi có mạng để lưu các tiết trong tuần.</p>' +
  '<h2 lang="en">No network</h2><p lang="en">This page was not kept on this device for use ' +
  'offline. Open the home page while online to keep the week\'s lessons.</p>' +
  '<p><a href="/">Trang chủ / Home</a></p></body></html>';

// Reads go through `caches.match(…, {cacheName})`, which never creates a cache: after a
// "forget", a page still open must not bring an empty one back.
const inPages = (key) => caches.match(key, { cacheName: PAGES });

async function page(req, key) {
  try {
    const res = await fetch(req);
    // A fresh copy of a kept page replaces it (a lesson's `?saved=1` answer is not the page).
    const url = new URL(req.url);
    const plain = url.pathname === '/' || url.search === '';
    if (res.status === 200 && res.type === 'basic' && plain && (await inPages(OWNER)) && (await inPages(key))) {
      await (await caches.open(PAGES)).put(key, res.clone());
    }
    return res;
  } catch (err) {
    const hit = (await inPages(key)) || (key.startsWith('/?') ? await inPages('/') : undefined);
    return (
      hit ||
      new Response(OFFLINE_PAGE, {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      })
    );
  }
}

async function asset(req, url) {
  const kept = () => caches.match(url.pathname, { cacheName: ASSETS });
  if (HASHED.test(url.pathname)) {
    const hit = await kept();
    if (hit) return hit;
  }
  try {
    return await fetch(req);
  } catch (err) {
    const hit = await kept();
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    const key = pageKey(url);
    if (key) e.respondWith(page(req, key));
  } else if (isAsset(url)) {
    e.respondWith(asset(req, url));
  }
});
