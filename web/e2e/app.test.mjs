// End-to-end tests of the keyproj web app in headless Chromium, against a real server with the
// demo year (one server and one browser for the whole file, a new browser context per test).
//
//   cd web && KEYPROJ_BIN=$PWD/../target/debug/keyproj npm run e2e
//
// Artifacts (screenshots, the downloaded XLSX, measurements) go to target/e2e/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  T, apiClient, artifacts, assertSameOrigin, distStamp, foreignRequests, launchBrowser, login, mapCounts, newPage, settle,
  startServer, waitMapReady, waitMapUnmasked,
} from './harness.mjs';

const SUITE_TIMEOUT = 12 * 60_000;
const TEST_TIMEOUT = 120_000;
const SIZE_BUDGET = 2 * 1024 * 1024;

// Last resort against a hang anywhere (the server is killed by the harness's exit handler).
const watchdog = setTimeout(() => {
  console.error(`e2e: the suite did not finish within ${SUITE_TIMEOUT / 60_000} min; giving up`);
  process.exit(1);
}, SUITE_TIMEOUT + 60_000);
watchdog.unref();

let server;
let browser;
let dist;
let api;
const metrics = {};

/**
 * Run `fn` in a fresh context, signed in through the login page as `as` (a key of server.users;
 * null: not signed in); then every request must have gone to the server, with no page error.
 */
async function withPage(t, fn, { as = 'admin', context } = {}) {
  const s = await newPage(browser, server.origin, context);
  try {
    if (as) {
      const u = server.users[as];
      await login(s.page, u.username, u.password);
    }
    await fn(s);
    assertSameOrigin(s.requests, server.origin);
    assert.deepEqual(s.errors, [], 'uncaught errors in the page');
  } catch (e) {
    const file = join(artifacts, `failed-${t.name.replace(/[^\w-]+/g, '_').slice(0, 60)}.png`);
    await s.page.screenshot({ path: file, timeout: 5_000 }).catch(() => {});
    throw e;
  } finally {
    await s.context.close().catch(() => {});
  }
}

const count = (fc) => fc.features.length;
const qs = (o) => new URLSearchParams(o).toString();

async function ledgerState(page) {
  return {
    total: Number(await page.locator('[data-testid=ledger-total]').getAttribute('data-total')),
    text: (await page.locator('[data-testid=ledger-total]').textContent()).trim(),
  };
}

/** Open the ledger with a query and wait until its total equals `expected` (or time runs out). */
async function openLedger(page, query, expected) {
  await page.goto(`/ledger?${qs(query)}`);
  await page.locator('[data-testid=ledger-table]').waitFor();
  const got = await settle(() => ledgerState(page), { total: expected, text: String(expected) });
  // The table has settled too (no loading mask).
  await page.locator('[data-testid=ledger-table] .el-loading-mask').waitFor({ state: 'hidden' });
  return got;
}

const ledgerRows = (page) => page.locator('[data-testid=ledger-table] .el-table__body tr.el-table__row');

describe('keyproj in the browser', { timeout: SUITE_TIMEOUT }, () => {
  before(async () => {
    dist = distStamp();
    server = await startServer();
    api = await apiClient(server.origin, server.users.admin);
    browser = await launchBrowser();
  }, { timeout: T.serverStart + 60_000 });

  after(async () => {
    clearTimeout(watchdog);
    if (distStamp() !== dist) {
      console.error('e2e: warning: web/dist was rebuilt during the run (a concurrent cargo build?); a debug keyproj serves it from disk, so failures with a "404" page may come from that');
    }
    writeFileSync(join(artifacts, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
    await browser?.close().catch(() => {});
    await server?.stop();
  }, { timeout: 30_000 });

  it('loads the map: 21 towns and every project of projects.geojson', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, async ({ page }) => {
      const [towns, points] = await Promise.all([api('/api/towns'), api('/api/projects.geojson')]);
      assert.equal(towns.items.length, 21, 'the county has 21 towns');
      assert.ok(count(points) > 100, `the demo year has its projects (${count(points)})`);
      await page.goto('/');
      await waitMapReady(page);
      assert.deepEqual(await mapCounts(page), { towns: 21, points: count(points) });
      // The HTML town labels are drawn too, one per town.
      assert.equal(await page.locator('.town-label').count(), 21);
      assert.equal(await page.evaluate(() => typeof window.__keyproj?.map?.getSource('projects')), 'object');
    });
  });

  it('filters the map by town and light through the UI; the ledger shows the same total', { timeout: TEST_TIMEOUT }, async (t) => {
    const all = await api('/api/projects.geojson');
    // The (town, light) pair with the most projects whose light is not the only one in its town,
    // so that each filter changes the count.
    const byTown = new Map();
    const byPair = new Map();
    for (const f of all.features) {
      const { town, light } = f.properties;
      byTown.set(town, (byTown.get(town) ?? 0) + 1);
      const k = `${town}|${light}`;
      byPair.set(k, (byPair.get(k) ?? 0) + 1);
    }
    const [pair] = [...byPair].filter(([k, n]) => n < byTown.get(k.split('|')[0])).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    assert.ok(pair, 'a town with projects of several lights');
    const [town, light] = pair[0].split('|');
    const townOnly = count(await api(`/api/projects.geojson?${qs({ town })}`));
    const both = count(await api(`/api/projects.geojson?${qs({ town, light })}`));
    const ledger = await api(`/api/projects?${qs({ town, light })}`);
    const townName = (await api('/api/towns')).items.find((x) => x.code === town).name;
    t.diagnostic(`town ${town} ${townName}: ${townOnly} projects, ${both} ${light}; all ${count(all)}`);

    await withPage(t, async ({ page }) => {
      await page.goto('/');
      await waitMapReady(page);
      const before = (await mapCounts(page)).points;
      assert.equal(before, count(all));

      await page.locator('[data-testid=filter-town]').selectOption(town);
      await waitMapReady(page, qs({ town }));
      const afterTown = (await mapCounts(page)).points;
      assert.equal(afterTown, townOnly, 'points after the town filter');
      assert.notEqual(afterTown, before);

      await page.locator('[data-testid=filter-light]').selectOption(light);
      await waitMapReady(page, qs({ town, light }));
      const afterLight = (await mapCounts(page)).points;
      assert.equal(afterLight, both, 'points after the town and light filters');
      assert.notEqual(afterLight, afterTown);

      const query = Object.fromEntries(new URL(page.url()).searchParams);
      assert.deepEqual(query, { town, light }, 'the URL query holds the filters');

      // The ledger with the same query: the same total as the API, the same filters selected.
      const got = await openLedger(page, query, ledger.total);
      assert.equal(got.total, ledger.total, 'ledger total');
      assert.equal(got.total, both, 'the ledger and the map count the same projects');
      assert.equal(await page.locator('[data-testid=filter-town]').inputValue(), town);
      assert.equal(await page.locator('[data-testid=filter-light]').inputValue(), light);
      const rows = ledgerRows(page);
      assert.equal(await rows.count(), Math.min(ledger.total, 50));
      const towns = await rows.locator('td:nth-child(4)').allTextContents();
      assert.deepEqual([...new Set(towns.map((s) => s.trim()))], [townName], 'every row is in the town');
      const names = (await rows.locator('.ledger-name').allTextContents()).map((s) => s.trim()).sort();
      assert.deepEqual(names, ledger.items.map((p) => p.name).sort());
    });
  });

  it('creates a project through the form; it appears on its page, in the API, the ledger and the map', { timeout: TEST_TIMEOUT }, async (t) => {
    const name = `E2E 新建测试项目 ${Date.now()}`;
    const company = '滕州市端到端测试有限公司';
    const { items: towns } = await api('/api/towns');
    const town = towns[5];
    const beforeFc = await api('/api/projects.geojson');

    await withPage(t, async ({ page }) => {
      await page.goto('/projects/new');
      await page.locator('[data-testid=form-name]').fill(name);
      await page.locator('[data-testid=form-company]').fill(company);
      await page.locator('[data-testid=form-town]').selectOption(town.code);
      await page.locator('[data-testid=form-chain]').selectOption('lithium');
      await page.locator('[data-testid=form-investment]').fill('2.35'); // 亿元, the default unit
      await page.locator('[data-testid=form-submit]').click();
      await page.waitForURL(/\/projects\/\d+$/, { timeout: T.navigation });
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      await settle(async () => (await page.locator('[data-testid=project-name]').textContent())?.trim(), name);
      assert.equal((await page.locator('[data-testid=project-name]').textContent()).trim(), name);

      const found = await api(`/api/projects?${qs({ q: name })}`);
      assert.equal(found.total, 1);
      const p = found.items[0];
      assert.equal(p.id, id);
      assert.equal(p.name, name);
      assert.equal(p.company, company);
      assert.equal(p.town.code, town.code);
      assert.equal(p.chain, 'lithium');
      assert.equal(p.total_investment_yuan, 235_000_000, '2.35 亿元');

      const got = await openLedger(page, { q: name }, 1);
      assert.equal(got.total, 1);
      assert.deepEqual((await ledgerRows(page).locator('.ledger-name').allTextContents()).map((s) => s.trim()), [name]);

      const afterFc = await api('/api/projects.geojson');
      assert.equal(count(afterFc), count(beforeFc) + 1);
      assert.ok(afterFc.features.some((f) => f.properties.id === id), 'the new project is in projects.geojson');
      await page.goto('/');
      await waitMapReady(page);
      assert.equal((await mapCounts(page)).points, count(beforeFc) + 1, 'one more point on the map');
    });
  });

  it('detects an edit conflict and overwrites nothing', { timeout: TEST_TIMEOUT }, async (t) => {
    const { items: [p] } = await api('/api/projects?limit=1&offset=20');
    const stamp = Date.now();
    const mine = `E2E 浏览器修改 ${stamp}`;
    const theirs = `E2E 接口修改 ${stamp}`;

    await withPage(t, async ({ page }) => {
      await page.goto(`/projects/${p.id}/edit`);
      const company = page.locator('[data-testid=form-company]');
      await company.waitFor();
      assert.equal(await company.inputValue(), p.company ?? '');
      await company.fill(mine);

      // Meanwhile, someone else saves the same project.
      const other = await api(`/api/projects/${p.id}`, { method: 'PATCH', body: { version: p.version, company: theirs } });
      assert.equal(other.version, p.version + 1);

      await page.locator('[data-testid=edit-save]').click();
      const dialog = page.locator('[data-testid=conflict-dialog]');
      await dialog.waitFor({ state: 'visible' });
      const rows = dialog.locator('[data-testid=conflict-row]');
      assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.field)), ['company'], 'only the field edited in the browser');
      assert.equal((await rows.locator('[data-testid=conflict-mine]').textContent()).trim(), mine);
      assert.equal((await rows.locator('[data-testid=conflict-current]').textContent()).trim(), theirs);
      // Changed on both sides: not ticked for re-applying by default.
      assert.equal(await dialog.locator('[data-testid=conflict-apply-company]').isChecked(), false);
      assert.match(page.url(), new RegExp(`/projects/${p.id}/edit$`), 'still on the edit page');

      const now = await api(`/api/projects/${p.id}`);
      assert.equal(now.company, theirs, 'the other change is kept');
      assert.equal(now.version, p.version + 1, 'nothing else was saved');
    });
  });

  it('downloads the weekly report as XLSX', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, async ({ page, requests }) => {
      await page.goto('/weekly');
      await page.locator('[data-testid=weekly-summary]').waitFor();
      const week = await page.locator('[data-testid=weekly-week]').inputValue();
      const report = await api(`/api/reports/weekly?${qs({ week })}`);
      const laggards = (await page.locator('[data-testid=weekly-summary] [data-key=laggards] .stat-value').textContent()).trim();
      assert.equal(Number(laggards), report.summary.laggards, 'the page shows the API summary');

      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: T.navigation }),
        page.locator('[data-testid=weekly-xlsx]').click(),
      ]);
      assert.match(download.suggestedFilename(), /\.xlsx$/);
      assert.equal(await download.failure(), null);
      const file = join(artifacts, 'weekly.xlsx');
      await download.saveAs(file);
      const bytes = readFileSync(file);
      t.diagnostic(`weekly ${week}: ${download.suggestedFilename()}, ${bytes.length} bytes`);
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a ZIP file');
      assert.ok(bytes.length > 5 * 1024, `larger than 5 KB (${bytes.length} bytes)`);
      assert.ok(bytes.includes('xl/workbook.xml'), 'an OOXML workbook');
      // A download is not a request event of the page: check its URL here.
      const url = new URL(download.url());
      assert.equal(url.origin, server.origin, 'downloaded from the server');
      assert.equal(url.pathname, '/api/reports/weekly');
      assert.deepEqual([url.searchParams.get('week'), url.searchParams.get('format')], [week, 'xlsx']);
      requests.push(download.url());
    });
  });

  it('sends no request to another host on any page (and the check notices one)', { timeout: TEST_TIMEOUT }, async (t) => {
    const { items: [p] } = await api('/api/projects?limit=1');
    await withPage(t, async ({ page, requests }) => {
      for (const path of ['/', '/dashboard', '/ledger', '/weekly', '/projects/new', `/projects/${p.id}`, `/projects/${p.id}/edit`]) {
        await page.goto(path);
        if (path === '/') await waitMapReady(page);
        await page.waitForLoadState('networkidle', { timeout: T.navigation });
      }
      assert.ok(requests.some((u) => u.endsWith('/api/county.geojson')));
      assert.ok(requests.some((u) => u.includes('/api/indicators')));
    });

    // The same check does flag a request elsewhere: an intranet basemap on another host set in
    // Settings makes the map request tiles from it (aborted here, before anything leaves the
    // browser). The server's Content-Security-Policy (img-src / connect-src 'self') makes the
    // browser refuse such tiles itself, so this part bypasses the CSP to exercise the recorder.
    const s = await newPage(browser, server.origin, { bypassCSP: true });
    try {
      await s.context.route((url) => url.origin !== server.origin, (route) => route.abort());
      await s.context.addInitScript(() => localStorage.setItem('keyproj.basemap', 'http://tiles.invalid/{z}/{x}/{y}.png'));
      await login(s.page, server.users.admin.username, server.users.admin.password);
      await s.page.goto('/');
      await settle(() => foreignRequests(s.requests, server.origin).length > 0, true, T.mapReady);
      const foreign = foreignRequests(s.requests, server.origin);
      assert.ok(foreign.length > 0 && foreign.every((u) => u.startsWith('http://tiles.invalid/')), `flagged: ${foreign.slice(0, 3)}`);
      assert.throws(() => assertSameOrigin(s.requests, server.origin));
    } finally {
      await s.context.close().catch(() => {});
    }

    // With the CSP in force, the browser refuses the tiles of another host: nothing is requested.
    const c = await newPage(browser, server.origin);
    try {
      await c.context.route((url) => url.origin !== server.origin, (route) => route.abort());
      await c.context.addInitScript(() => {
        localStorage.setItem('keyproj.basemap', 'http://tiles.invalid/{z}/{x}/{y}.png');
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.blockedURI));
      });
      const refused = [];
      c.page.on('console', (m) => { if (/tiles\.invalid/.test(m.text())) refused.push(m.text()); });
      await login(c.page, server.users.admin.username, server.users.admin.password);
      await c.page.goto('/');
      const blocked = await settle(async () => refused.length > 0
        || (await c.page.evaluate(() => window.__csp ?? [])).some((u) => u.startsWith('http://tiles.invalid/')), true, T.mapReady);
      t.diagnostic(`a basemap on another host with the CSP: ${refused[0] ?? (await c.page.evaluate(() => window.__csp.join(' ')))}`);
      assert.equal(blocked, true, 'the CSP refuses tiles from another host');
      assert.deepEqual(foreignRequests(c.requests, server.origin), [], 'no request left for the other host');
    } finally {
      await c.context.close().catch(() => {});
    }
  });

  it('shows script-like names, companies and addresses as text (page, ledger, map popup, weekly HTML report)', { timeout: TEST_TIMEOUT }, async (t) => {
    const stamp = Date.now();
    const IMG = '<img src=x onerror="window.__xss=1">';
    const SCRIPT = '<script>window.__xss=1</script>';
    const name = `${IMG}${SCRIPT}测试 ${stamp}`;
    const company = `${SCRIPT}${IMG}企业`;
    const address = `${IMG}地址${SCRIPT}`;
    // A laggard of the week the report covers (start overdue, on a list of that year), so that the
    // weekly report lists it.
    const weekly = await api('/api/reports/weekly?live=true');
    const asOf = new Date(`${weekly.as_of}T00:00:00Z`);
    const planned = new Date(asOf.getTime() - 75 * 86400_000).toISOString().slice(0, 10);
    const created = await api('/api/projects', {
      method: 'POST', expect: 201,
      body: {
        name, company, address, town: '西岗镇', chain: 'chemical', total_investment_yuan: 150000000,
        milestones: { start: { planned } },
        lists: [{ year: weekly.year, list: 'county', effective_from: `${weekly.year}-01-01` }],
      },
    });
    assert.deepEqual([created.name, created.company, created.address], [name, company, address], 'stored as sent');
    const noScript = async (page, where) => {
      assert.equal(await page.evaluate(() => typeof window.__xss), 'undefined', `${where}: a handler or script ran`);
      assert.equal(await page.locator('img[src="x"]').count(), 0, `${where}: an <img src=x> in the DOM`);
      const scripts = await page.evaluate(() => [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__xss')).length);
      assert.equal(scripts, 0, `${where}: a <script> with the payload in the DOM`);
    };

    await withPage(t, async ({ page }) => {
      await page.goto(`/projects/${created.id}`);
      await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });
      assert.equal((await page.locator('[data-testid=project-name]').textContent()).trim(), name);
      await page.getByText(company, { exact: true }).first().waitFor({ state: 'visible' });
      await page.getByText(address, { exact: true }).first().waitFor({ state: 'visible' });
      await noScript(page, 'project page');

      const found = await api(`/api/projects?${qs({ q: String(stamp) })}`);
      assert.equal(found.total, 1);
      await openLedger(page, { q: String(stamp) }, 1);
      await page.locator('[data-testid=ledger-table]').getByText(name, { exact: true }).waitFor({ state: 'visible' });
      await noScript(page, 'ledger');

      // The map filtered to it: one point; centre and zoom on it, click it, read the popup.
      const fc = await api(`/api/projects.geojson?${qs({ q: String(stamp) })}`);
      assert.equal(count(fc), 1);
      await page.goto(`/?${qs({ q: String(stamp) })}`);
      await waitMapReady(page);
      assert.equal((await mapCounts(page)).points, 1);
      await waitMapUnmasked(page);
      const [lon, lat] = fc.features[0].geometry.coordinates;
      await page.evaluate(([lon, lat]) => new Promise((ok) => {
        const map = window.__keyproj.map;
        map.once('idle', () => ok());
        map.jumpTo({ center: [lon, lat], zoom: 14 });
      }), [lon, lat]);
      const box = await page.locator('[data-testid=map] canvas').boundingBox();
      const pt = await page.evaluate(([lon, lat]) => window.__keyproj.map.project([lon, lat]), [lon, lat]);
      await page.mouse.click(box.x + pt.x, box.y + pt.y);
      const popup = page.locator('[data-testid=project-popup]');
      await popup.waitFor({ state: 'visible' });
      assert.equal(await popup.getAttribute('data-project-id'), String(created.id));
      await popup.getByText(name, { exact: true }).waitFor({ state: 'visible' });
      await popup.getByText(company, { exact: true }).waitFor({ state: 'visible' });
      await noScript(page, 'map popup');

      // The weekly report's HTML page (the print version), recomputed with the new project.
      const report = await api(`/api/reports/weekly?${qs({ week: weekly.week, live: 'true' })}`);
      assert.ok(report.laggards.some((l) => l.project_id === created.id), 'the project is a laggard of the week');
      const res = await page.goto(`/api/reports/weekly?${qs({ week: weekly.week, format: 'html', live: 'true' })}`);
      assert.equal(res.status(), 200);
      assert.ok((await page.locator('body').textContent()).includes(name), 'the report shows the name as text');
      await noScript(page, 'weekly HTML report');
    });
  });

  it('stays under the first-load size budget (compressed transfer of / until the map is ready)', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, async ({ page, context }) => {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const info = new Map();
      cdp.on('Network.responseReceived', (e) => {
        const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
        info.set(e.requestId, { url: e.response.url, type: e.type, encoding: h['content-encoding'] ?? '', bytes: 0, done: false });
      });
      cdp.on('Network.loadingFinished', (e) => {
        const r = info.get(e.requestId) ?? { url: '?', type: '?', encoding: '' };
        info.set(e.requestId, { ...r, bytes: e.encodedDataLength, done: true });
      });
      await page.goto('/');
      await waitMapReady(page);
      await page.waitForLoadState('networkidle', { timeout: T.navigation });
      // A request can finish without a recorded response (a worker's blob, or events out of
      // order): it has no URL to report, but its bytes still count.
      const done = [...info.values()].filter((r) => r.done && !r.url.startsWith('data:'));
      const pathOf = (u) => (URL.canParse(u) ? new URL(u).pathname : u);
      const total = done.reduce((s, r) => s + r.bytes, 0);
      const top = [...done].sort((a, b) => b.bytes - a.bytes).slice(0, 6)
        .map((r) => `${(r.bytes / 1024).toFixed(1)} KiB ${r.encoding || 'identity'} ${pathOf(r.url)}`);
      metrics.firstLoadBytes = total;
      metrics.firstLoadResponses = done.length;
      console.log(`first load of /: ${total} bytes (${(total / 1024).toFixed(1)} KiB) in ${done.length} responses`);
      t.diagnostic(`first load of /: ${total} bytes (${(total / 1024).toFixed(1)} KiB) in ${done.length} responses; largest: ${top.join('; ')}`);
      assert.ok(done.length >= 5, `responses recorded (${done.length})`);
      assert.ok(done.some((r) => r.url.endsWith('/api/projects.geojson')), 'the points are part of it');
      for (const r of done.filter((r) => /\.(js|css)$/.test(pathOf(r.url)) && r.bytes > 2048)) {
        assert.match(r.encoding, /gzip|br|zstd/, `${r.url} is compressed`);
      }
      assert.ok(total < SIZE_BUDGET, `first load ${total} bytes must be < ${SIZE_BUDGET}`);
    });
  });

  it('opens the town panel from a town label with that town and its projects', { timeout: TEST_TIMEOUT }, async (t) => {
    const towns = await api('/api/towns.geojson');
    // The busiest town: its label is placed first, so it is never hidden by a clash.
    const town = [...towns.features].map((f) => f.properties).sort((a, b) => b.project_count - a.project_count)[0];
    const fc = await api(`/api/projects.geojson?${qs({ town: town.code })}`);
    assert.ok(count(fc) > 0);
    await withPage(t, async ({ page }) => {
      await page.goto('/');
      await waitMapReady(page);
      await waitMapUnmasked(page);
      const label = page.locator(`.town-label[data-town="${town.code}"]`);
      assert.equal((await label.textContent()).trim(), town.name);
      await label.click();
      const panel = page.locator('[data-testid=town-panel]');
      await panel.waitFor({ state: 'visible' });
      assert.equal(await panel.getAttribute('data-town'), town.code);
      assert.equal((await panel.locator('h2').textContent()).trim(), town.name);
      assert.equal(Number(await panel.locator('[data-testid=town-panel-count]').textContent()), count(fc));
      const names = (await panel.locator('.tp-projects li a').allTextContents()).map((s) => s.trim()).sort();
      assert.deepEqual(names, fc.features.map((f) => f.properties.name).sort());
      assert.ok(await label.evaluate((el) => el.classList.contains('is-selected')), 'the label is highlighted');
      await panel.locator('[data-testid=town-panel-close]').click();
      await panel.waitFor({ state: 'detached' });
    });
  });

  it('imports a ledger spreadsheet: preview, then commit only the valid rows', { timeout: TEST_TIMEOUT }, async (t) => {
    const file = resolve(import.meta.dirname, '../../tests/fixtures/ledgers/county_title_note.csv');
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    // The same dry run straight through the API: the page must show these numbers.
    const fd = new FormData();
    fd.append('file', new Blob([readFileSync(file)], { type: 'text/csv' }), basename(file));
    const res = await fetch(`${server.origin}/api/imports?${qs({ dry_run: 'true', year })}`, {
      method: 'POST', body: fd, headers: api.headers('POST'), signal: AbortSignal.timeout(T.fetch),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `dry run: HTTP ${res.status} ${text.slice(0, 300)}`);
    const { plan } = JSON.parse(text);
    assert.equal(plan.create.length, 5, 'the fixture creates 5 projects');
    assert.equal(plan.errors.length, 2, 'the fixture has 2 errors');
    // The demo year already has two 锂电池正极 projects; the fixture's own name is not there yet.
    const query = `/api/projects?${qs({ q: '锂电池正极' })}`;
    const exact = `/api/projects?${qs({ q: '10万吨锂电池正极' })}`;
    const before = (await api(query)).total;
    assert.equal((await api(exact)).total, 0, 'not imported yet');

    await withPage(t, async ({ page }) => {
      await page.goto('/import');
      await page.locator('[data-testid=import-file]').setInputFiles(file);
      await page.locator('[data-testid=import-preview]').click();
      const summary = page.locator('[data-testid=import-summary]');
      await summary.waitFor();
      const attrs = async () => ({
        create: Number(await summary.getAttribute('data-create')),
        update: Number(await summary.getAttribute('data-update')),
        errors: Number(await summary.getAttribute('data-errors')),
      });
      assert.deepEqual(await attrs(), { create: plan.create.length, update: plan.update.length, errors: plan.errors.length });
      assert.deepEqual(await attrs(), { create: 5, update: plan.update.length, errors: 2 });
      const errorsBox = page.locator('[data-testid=import-errors]');
      assert.equal(await errorsBox.locator('li').count(), plan.errors.length, 'every error is listed');
      // Errors in the page's language (zh-CN here).
      assert.ok((await errorsBox.textContent()).includes(plan.errors[0].message_zh));
      await page.screenshot({ path: join(artifacts, 'import-preview.png'), fullPage: true });

      // Rows with errors: the commit asks to import the valid rows only.
      await page.locator('[data-testid=import-commit]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      await box.locator('.el-message-box__btns .el-button--primary').click();
      const result = page.locator('[data-testid=import-result]');
      await result.waitFor({ timeout: T.navigation });
      assert.equal(Number(await result.getAttribute('data-created')), plan.create.length);
      assert.equal(await page.locator('[data-testid=import-ledger-link]').getAttribute('href'), '/ledger');
    });

    assert.equal((await api(query)).total, before + 1, 'one more 锂电池正极 project');
    const after = await api(exact);
    assert.equal(after.total, 1, 'the imported project is in the ledger');
    assert.equal(after.items[0].name, plan.create.find((c) => c.name.includes('锂电池正极')).name);
  });

  it('renders the map, dashboard and weekly report (screenshots; time to interactive map)', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, async ({ page }) => {
      const t0 = performance.now();
      await page.goto('/');
      await waitMapReady(page);
      const tti = Math.round(performance.now() - t0);
      await waitMapUnmasked(page);
      const unmasked = Math.round(performance.now() - t0);
      metrics.timeToInteractiveMapMs = tti;
      metrics.timeToUnmaskedMapMs = unmasked;
      console.log(`time to interactive map: ${tti} ms (loading mask gone after ${unmasked} ms)`);
      t.diagnostic(`time to interactive map (goto / → mapReady): ${tti} ms; loading mask gone: ${unmasked} ms`);
      assert.equal((await mapCounts(page)).towns, 21);
      assert.equal(await page.locator('.town-label').count(), 21);
      await page.screenshot({ path: join(artifacts, 'map.png') });

      const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
      const ind = await api(`/api/indicators?year=${year}`);
      await page.goto('/dashboard');
      await page.locator('[data-testid=kpi-start]').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.echart canvas').length >= 3, null, { timeout: T.action });
      await page.locator('.db-body > .el-loading-mask').waitFor({ state: 'hidden' });
      assert.match(await page.locator('h1').first().textContent(), new RegExp(String(ind.year)));
      await page.waitForTimeout(1_500); // chart animations
      await page.screenshot({ path: join(artifacts, 'dashboard.png') });

      await page.goto('/weekly');
      await page.locator('[data-testid=weekly-summary]').waitFor();
      await page.locator('.wk-main > .el-loading-mask').waitFor({ state: 'hidden' });
      const week = await page.locator('[data-testid=weekly-week]').inputValue();
      const report = await api(`/api/reports/weekly?${qs({ week })}`);
      assert.equal(await page.locator('[data-testid=weekly-town]').count(), report.by_town.length);
      await page.screenshot({ path: join(artifacts, 'weekly.png') });
    });
  });

  // Accounts (docs/accounts.md): sign-in, roles in the UI, users, approvals, CSP.

  it('signs in: a wrong password shows the error; the right one returns to the page asked for; signs out', { timeout: TEST_TIMEOUT }, async (t) => {
    const admin = server.users.admin;
    await withPage(t, async ({ page }) => {
      await page.goto('/ledger?light=red');
      await page.waitForURL((u) => new URL(u).pathname === '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/ledger?light=red', 'the login page keeps the page asked for');
      assert.equal(await page.locator('[data-testid=nav-ledger]').count(), 0, 'no navigation before signing in');

      await page.locator('[data-testid=login-username]').fill(admin.username);
      await page.locator('[data-testid=login-password]').fill('not-the-password-42');
      await page.locator('[data-testid=login-submit]').click();
      const err = page.locator('[data-testid=login-error]');
      await err.waitFor({ state: 'visible' });
      const text = (await err.textContent()).trim();
      t.diagnostic(`wrong password: ${text}`);
      assert.match(text, /[\u4e00-\u9fff]/, 'the message in Chinese (the page language)');
      assert.equal(new URL(page.url()).pathname, '/login', 'still on the login page');
      assert.equal(await page.locator('[data-testid=login-password]').inputValue(), '', 'the password field is cleared');

      await page.locator('[data-testid=login-password]').fill(admin.password);
      await page.locator('[data-testid=login-submit]').click();
      await page.waitForURL((u) => new URL(u).pathname === '/ledger', { timeout: T.navigation });
      assert.equal(new URL(page.url()).search, '?light=red');
      await page.locator('[data-testid=ledger-table]').waitFor();
      const menu = page.locator('[data-testid=user-menu]');
      assert.equal(await menu.getAttribute('data-username'), admin.username);
      assert.equal(await menu.getAttribute('data-role'), 'admin');
      assert.equal((await page.locator('[data-testid=user-menu-role]').textContent()).trim(), '管理员');

      // Sign out: the pages ask for a sign-in again.
      await menu.click();
      await page.locator('[data-testid=user-logout]').click();
      await page.waitForURL((u) => new URL(u).pathname === '/login', { timeout: T.navigation });
      await page.goto('/weekly');
      await page.waitForURL((u) => new URL(u).pathname === '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/weekly');

      // `next` never leads to another site.
      await login(page, admin.username, admin.password, '//evil.example/x');
      assert.equal(new URL(page.url()).origin, server.origin);
      assert.equal(new URL(page.url()).pathname, '/');
    }, { as: null });
  });

  it('a viewer sees no edit, new-project, import or publish controls', { timeout: TEST_TIMEOUT }, async (t) => {
    const { items: [p] } = await api('/api/projects?limit=1&offset=7');
    await withPage(t, async ({ page }) => {
      await page.goto('/ledger');
      await page.locator('[data-testid=ledger-table]').waitFor();
      assert.equal(await page.locator('[data-testid=user-menu]').getAttribute('data-role'), 'viewer');
      for (const id of ['nav-new', 'nav-import', 'nav-admin', 'nav-approvals']) {
        assert.equal(await page.locator(`[data-testid=${id}]`).count(), 0, `${id} is hidden`);
      }
      for (const id of ['nav-map', 'nav-dashboard', 'nav-ledger', 'nav-weekly']) {
        assert.equal(await page.locator(`[data-testid=${id}]`).count(), 1, `${id} is shown`);
      }

      await page.goto(`/projects/${p.id}`);
      await page.locator('[data-testid=project-name]').waitFor();
      await page.locator('[data-testid=project-reasons]').waitFor();
      for (const sel of ['[data-testid=project-actions]', '[data-testid=project-edit]', '[data-testid=project-milestone]',
        '[data-testid=project-report]', '[data-testid=project-withdraw]', '[data-testid^=milestone-edit-]']) {
        assert.equal(await page.locator(sel).count(), 0, `${sel} is hidden`);
      }

      await page.goto('/weekly');
      await page.locator('[data-testid=weekly-summary]').waitFor();
      assert.equal(await page.locator('[data-testid=weekly-publish]').count(), 0, 'no publish button');
      assert.equal(await page.locator('[data-testid=weekly-xlsx]').count(), 1, 'downloads stay');

      // Pages it cannot use send it to the map.
      for (const path of ['/projects/new', '/import', `/projects/${p.id}/edit`, '/admin/users', '/admin/audit', '/approvals']) {
        await page.goto(path);
        await page.waitForURL((u) => new URL(u).pathname === '/', { timeout: T.navigation });
      }
      await waitMapReady(page);
    }, { as: 'viewer' });
  });

  it('a town editor edits only in its towns; a held change waits until an administrator approves it', { timeout: TEST_TIMEOUT }, async (t) => {
    const [town] = server.users.town.towns;
    const mine = (await api(`/api/projects?${qs({ town, limit: 1 })}`)).items[0];
    assert.ok(mine, `a project in ${town}`);
    const other = (await api('/api/projects?limit=50')).items.find((p) => p.town.code !== town);
    const wantYi = Math.floor(mine.total_investment_yuan / 1e8) + 3;
    const want = wantYi * 100_000_000;

    await withPage(t, async ({ page }) => {
      await page.goto(`/projects/${other.id}`);
      await page.locator('[data-testid=project-name]').waitFor();
      await page.locator('[data-testid=project-reasons]').waitFor();
      assert.equal(await page.locator('[data-testid=project-actions]').count(), 0, 'no edit controls outside its towns');
      assert.equal(await page.locator('[data-testid=nav-new]').count(), 0);
      assert.equal(await page.locator('[data-testid=nav-import]').count(), 0);

      await page.goto(`/projects/${mine.id}`);
      await page.locator('[data-testid=project-actions]').waitFor();
      await page.locator('[data-testid=project-edit]').click();
      await page.waitForURL(new RegExp(`/projects/${mine.id}/edit$`));
      const inv = page.locator('[data-testid=form-investment]');
      await inv.waitFor();
      await inv.fill(String(wantYi));
      await page.locator('[data-testid=edit-save]').click();
      await page.waitForURL(new RegExp(`/projects/${mine.id}$`), { timeout: T.navigation });
      const pending = page.locator('[data-testid=project-pending]');
      await pending.waitFor();
      assert.equal(await pending.getAttribute('data-count'), '1');
      assert.equal(await pending.locator(`[data-testid=approval-change][data-field=total_investment_yuan]`).count(), 1);
      // Told that it waits for approval.
      await page.locator('.el-message').filter({ hasText: '审批' }).first().waitFor();

      const held = await api(`/api/projects/${mine.id}`);
      assert.equal(held.total_investment_yuan, mine.total_investment_yuan, 'not applied before approval');
      assert.equal(held.pending_approvals.length, 1);

      // Its own requests, read-only.
      await page.goto('/approvals');
      await page.locator('[data-testid=approvals-readonly]').waitFor();
      await page.locator(`[data-testid=approval][data-project-id="${mine.id}"]`).waitFor();
      assert.equal(await page.locator('[data-testid=approval-approve]').count(), 0);
    }, { as: 'town' });

    await withPage(t, async ({ page }) => {
      await page.locator('[data-testid=nav-approvals]').click();
      const card = page.locator(`[data-testid=approval][data-project-id="${mine.id}"][data-status=pending]`);
      await card.waitFor();
      assert.equal((await card.locator('[data-testid=approval-project]').textContent()).trim(), mine.name);
      await card.locator('[data-testid=approval-approve]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      await box.locator('.el-message-box__input input').fill('端到端测试批准');
      await box.locator('.el-message-box__btns .el-button--primary').click();
      await card.waitFor({ state: 'detached', timeout: T.navigation });
    });
    const after = await api(`/api/projects/${mine.id}`);
    assert.equal(after.total_investment_yuan, want, 'applied once approved');
    assert.deepEqual(after.pending_approvals ?? [], []);
  });

  it('an administrator adds a user, who signs in and changes the password', { timeout: TEST_TIMEOUT }, async (t) => {
    const username = `e2e-new-${Date.now()}`;
    let password;
    await withPage(t, async ({ page }) => {
      await page.locator('[data-testid=nav-admin]').click();
      await page.waitForURL((u) => new URL(u).pathname === '/admin/users');
      await page.locator('[data-testid=users-table]').getByText(server.users.viewer.username, { exact: true }).waitFor();
      await page.locator('[data-testid=user-add]').click();
      const dialog = page.locator('[data-testid=user-dialog]');
      await dialog.waitFor({ state: 'visible' });
      await page.locator('[data-testid=user-username]').fill(username);
      await page.locator('[data-testid=user-display-name]').fill('端到端 新同事');
      await page.locator('[data-testid=user-role]').selectOption('editor');
      await page.locator('[data-testid=user-save]').click();
      const secret = page.locator('[data-testid=secret-dialog]');
      await secret.waitFor({ state: 'visible' });
      password = await page.locator('[data-testid=secret-value]').inputValue();
      assert.ok(password.length >= 10, 'a generated password of at least 10 characters');
      await page.locator('[data-testid=secret-close]').click();
      await secret.waitFor({ state: 'hidden' });
      await page.locator('[data-testid=users-table]').getByText(username, { exact: true }).waitFor();
    });
    const listed = (await api('/api/users')).items.find((u) => u.username === username);
    assert.ok(listed, 'the user is listed');
    assert.equal(listed.role, 'editor');
    assert.equal(listed.display_name, '端到端 新同事');

    const newPassword = `changed-${Date.now()}`;
    await withPage(t, async ({ page }) => {
      await login(page, username, password);
      const menu = page.locator('[data-testid=user-menu]');
      assert.equal(await menu.getAttribute('data-role'), 'editor');
      assert.equal((await page.locator('[data-testid=user-menu-name]').textContent()).trim(), '端到端 新同事');
      assert.equal(await page.locator('[data-testid=nav-new]').count(), 1, 'an editor creates projects');
      assert.equal(await page.locator('[data-testid=nav-admin]').count(), 0, 'but does not administer');

      await menu.click();
      await page.locator('[data-testid=user-change-password]').click();
      await page.locator('[data-testid=password-dialog]').waitFor({ state: 'visible' });
      await page.locator('[data-testid=password-current]').fill(password);
      await page.locator('[data-testid=password-new]').fill(newPassword);
      await page.locator('[data-testid=password-again]').fill(newPassword);
      await page.locator('[data-testid=password-save]').click();
      await page.locator('[data-testid=password-dialog]').waitFor({ state: 'hidden' });

      await menu.click();
      await page.locator('[data-testid=user-logout]').click();
      await page.waitForURL((u) => new URL(u).pathname === '/login');
      await login(page, username, newPassword);
      assert.equal(await page.locator('[data-testid=user-menu]').getAttribute('data-username'), username);
    }, { as: null });
  });

  it('breaks no Content-Security-Policy rule on the map (and dashboard, project page)', { timeout: TEST_TIMEOUT }, async (t) => {
    const { items: [p] } = await api('/api/projects?limit=1');
    await withPage(t, async ({ page, context }) => {
      const messages = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text()); });
      await context.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
      });
      const res = await page.goto('/');
      const csp = res.headers()['content-security-policy'] ?? '';
      t.diagnostic(`Content-Security-Policy: ${csp}`);
      assert.match(csp, /default-src 'self'/, 'the page is served with a strict CSP');
      await waitMapReady(page);
      await waitMapUnmasked(page);
      // A town panel, for the HTML overlays too.
      await page.locator('.town-label').first().click();
      await page.locator('[data-testid=town-panel]').waitFor();
      await page.waitForLoadState('networkidle', { timeout: T.navigation });
      assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations on the map');

      for (const path of ['/dashboard', `/projects/${p.id}`]) {
        await page.goto(path);
        await page.waitForLoadState('networkidle', { timeout: T.navigation });
        assert.deepEqual(await page.evaluate(() => window.__csp), [], `CSP violations on ${path}`);
      }
      assert.deepEqual(messages.filter((m) => /Content Security Policy|Refused to/i.test(m)), [], 'CSP errors in the console');
    });
  });
});
