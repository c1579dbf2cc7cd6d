// End-to-end harness: a real keyproj server (the built binary, demo year on a fresh SQLite
// file) and Debian's Chromium driven by playwright-core. No browser is downloaded.
//
//   KEYPROJ_BIN       the keyproj binary (default ../../target/debug/keyproj)
//   KEYPROJ_CHROMIUM  the Chromium binary (default /usr/bin/chromium)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const artifacts = resolve(import.meta.dirname, '../../target/e2e');
mkdirSync(artifacts, { recursive: true });

/** Upper bounds of every wait (ms): nothing in the suite waits without one. */
export const T = {
  serverStart: 120_000,
  action: 15_000,
  navigation: 30_000,
  mapReady: 45_000,
  fetch: 20_000,
};

/**
 * The accounts of the suite, created with `keyproj user add … --password-stdin` before the
 * server starts (there is no default password). The town editor is bound to one town.
 */
export const USERS = {
  admin: { username: 'e2e-admin', role: 'admin', password: 'e2e-Admin-pass-2026' },
  viewer: { username: 'e2e-viewer', role: 'viewer', password: 'e2e-Viewer-pass-2026' },
  town: { username: 'e2e-town', role: 'town_editor', password: 'e2e-Town-pass-2026', towns: ['370481001'] },
};

/** Run the keyproj command line (bounded in time); returns stdout, throws with stderr on failure. */
export function keyprojCli(bin, args, input) {
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`keyproj ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Create the users of the suite, then start `keyproj serve --demo` (and `args`, e.g.
 * `--public-map`) on a free port (fresh SQLite file in a temporary folder); resolves to
 * { url, origin, stop, users }. The process is killed
 * when this Node process exits, however it exits, and (through setpriv's parent-death signal,
 * where available) when it is killed.
 */
export async function startServer({ users = USERS, args: extra = [] } = {}) {
  const bin = process.env.KEYPROJ_BIN || resolve(import.meta.dirname, '../../target/debug/keyproj');
  if (!existsSync(bin)) throw new Error(`keyproj binary not found at ${bin} (cargo build --bin keyproj, or set KEYPROJ_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'keyproj-e2e-'));
  const database = `sqlite:${join(dir, 'e2e.sqlite')}`;
  for (const u of Object.values(users)) {
    const args = ['user', 'add', u.username, '--role', u.role, '--password-stdin', '--database', database];
    for (const town of u.towns ?? []) args.push('--town', town);
    keyprojCli(bin, args, `${u.password}\n`);
  }
  const args = ['serve', '--demo', '--addr', '127.0.0.1:0', '--database', database, ...extra];
  const setpriv = '/usr/bin/setpriv';
  const child = existsSync(setpriv)
    ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exitedP = new Promise((ok) => child.once('exit', () => { exited = true; ok(); }));
  const killNow = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killNow);
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(sig, () => { killNow(); process.exit(code); });
  }
  // Keep the server's output for the failure message; pass stderr through.
  const output = [];
  child.stderr.on('data', (d) => { output.push(String(d)); process.stderr.write(d); });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => { killNow(); fail(new Error(`keyproj did not print its URL within ${T.serverStart / 1000} s:\n${output.join('')}`)); }, T.serverStart);
    child.once('exit', (code, sig) => { clearTimeout(timer); fail(new Error(`keyproj exited early (${code ?? sig}):\n${output.join('')}`)); });
    child.once('error', (e) => { clearTimeout(timer); fail(e); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line + '\n');
      const m = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
  });
  const origin = new URL(url).origin;
  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      await Promise.race([exitedP, new Promise((ok) => setTimeout(ok, 5_000).unref())]);
      killNow();
    }
    process.removeListener('exit', killNow);
    rmSync(dir, { recursive: true, force: true });
  }
  return { url: origin, origin, stop, pid: child.pid, users, bin, database };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.KEYPROJ_CHROMIUM || '/usr/bin/chromium',
    timeout: 60_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A fresh browser context and page with the server as base URL. Every request of the context
 * (pages, workers, downloads) is recorded in `requests`; uncaught page errors in `errors`.
 */
export async function newPage(browser, baseURL, options = {}) {
  const context = await browser.newContext({
    baseURL, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
    acceptDownloads: true, serviceWorkers: 'block', ...options,
  });
  context.setDefaultTimeout(T.action);
  context.setDefaultNavigationTimeout(T.navigation);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
  return { context, page, requests, errors };
}

/** The recorded URLs that are neither on `origin` nor `data:`/`blob:`. */
export function foreignRequests(urls, origin) {
  return urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    try {
      return new URL(u).origin !== origin;
    } catch {
      return true;
    }
  });
}

/** Every request went to the server (and there were some). */
export function assertSameOrigin(urls, origin) {
  assert.ok(urls.some((u) => u.startsWith(`${origin}/api/`)), `no API request was recorded (recorder broken?): ${urls.slice(0, 5).join(', ')}`);
  assert.deepEqual(foreignRequests(urls, origin), [], 'requests to a host other than the server');
}

/** Wait until the map page has drawn its data (`document.body.dataset.mapReady === "true"`). */
export async function waitMapReady(page, extra = '') {
  await page.waitForFunction(
    (query) => document.body.dataset.mapReady === 'true' && (!query || new URLSearchParams(location.search).toString().includes(query)),
    extra,
    { timeout: T.mapReady, polling: 100 },
  );
}

/** The map page's loading mask is gone (it fades out just after `mapReady` is set). */
export async function waitMapUnmasked(page) {
  await page.locator('.map-wrap > .el-loading-mask').waitFor({ state: 'hidden', timeout: T.action });
}

/**
 * When web/dist/index.html was last written. The keyproj binary embeds web/dist when it is
 * compiled (rust-embed with `debug-embed`, debug builds too), so a `vite build` during the run
 * means the server is serving an older app than web/dist: the suite warns when that happened.
 */
export function distStamp() {
  try {
    return statSync(resolve(import.meta.dirname, '../dist/index.html')).mtimeMs;
  } catch {
    return null;
  }
}

/** The map container's counters. */
export async function mapCounts(page) {
  const el = page.locator('[data-testid=map]');
  return {
    towns: Number(await el.getAttribute('data-town-count')),
    points: Number(await el.getAttribute('data-point-count')),
  };
}

/**
 * Poll `read` until it returns `expected` (deep-equal) or the time runs out; returns the last value
 * read, for the caller to assert on (so a failure shows the actual value, not just a timeout).
 */
export async function settle(read, expected, timeout = T.action) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    try {
      assert.deepEqual(last, expected);
      return last;
    } catch {
      if (Date.now() > end) return last;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/**
 * Sign in through the API (POST /api/login): the session cookie and the CSRF token, as headers
 * for Node's fetch.
 */
export async function apiLogin(origin, { username, password }) {
  const res = await fetch(`${origin}/api/login`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(T.fetch),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `POST /api/login as ${username}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const session = cookies.find((c) => c.startsWith('keyproj_session='));
  assert.ok(session, `POST /api/login sets the keyproj_session cookie (got: ${res.headers.getSetCookie().join(' | ')})`);
  const { csrf_token: csrf, user } = JSON.parse(text);
  assert.ok(csrf, 'the login answer carries a csrf_token');
  return { cookie: session, csrf, user };
}

/**
 * A JSON API client for the server (Node's fetch, bounded in time), signed in as `user` (cookie
 * session; writes carry the CSRF token). `api.headers(method)` gives the same headers for other
 * requests (multipart uploads).
 */
export async function apiClient(origin, user) {
  const auth = user ? await apiLogin(origin, user) : null;
  const headers = (method = 'GET') => ({
    ...(auth ? { Cookie: auth.cookie } : {}),
    ...(auth && !['GET', 'HEAD'].includes(method) ? { 'X-CSRF-Token': auth.csrf } : {}),
  });
  async function api(path, { method = 'GET', body, expect = 200 } = {}) {
    const res = await fetch(origin + path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers(method),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(T.fetch),
    });
    const text = await res.text();
    const expected = Array.isArray(expect) ? expect : [expect];
    assert.ok(expected.includes(res.status), `${method} ${path}: HTTP ${res.status} (expected ${expected.join('/')}) ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }
  api.headers = headers;
  api.user = auth?.user ?? null;
  return api;
}

/**
 * Sign in through the login page as `username` and wait until it has left the login page.
 * `next` (optional) is where the login page should go afterwards.
 */
export async function login(page, username, password, next) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.locator('[data-testid=login-username]').fill(username);
  await page.locator('[data-testid=login-password]').fill(password);
  await page.locator('[data-testid=login-submit]').click();
  await page.waitForURL((u) => new URL(u).pathname !== '/login', { timeout: T.navigation });
  await page.locator('[data-testid=user-menu]').waitFor();
}
