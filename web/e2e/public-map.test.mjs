// The public map (`keyproj serve --public-map`): anonymous visitors see the map with names,
// towns, chains, tiers and statuses only, and nothing else of the app.
//
//   cd web && KEYPROJ_BIN=$PWD/../target/debug/keyproj npm run e2e
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  T, artifacts, assertSameOrigin, launchBrowser, login, mapCounts, newPage, startServer, waitMapReady, waitMapUnmasked,
} from './harness.mjs';

const TEST_TIMEOUT = 120_000;
let server;
let browser;

describe('the public map', { timeout: 6 * 60_000 }, () => {
  before(async () => {
    server = await startServer({ args: ['--public-map'] });
    browser = await launchBrowser();
  }, { timeout: T.serverStart + 60_000 });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  }, { timeout: 30_000 });

  it('shows anonymous visitors the map with public fields only, and sends them to sign in elsewhere', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(`${server.origin}/api/projects.geojson`, { signal: AbortSignal.timeout(T.fetch) });
    assert.equal(res.status, 200, 'the points are public');
    const fc = await res.json();
    const keys = [...new Set(fc.features.flatMap((f) => Object.keys(f.properties)))].sort();
    assert.ok(!keys.includes('total_investment_yuan') && !keys.includes('light') && !keys.includes('company'), `public properties: ${keys}`);

    const s = await newPage(browser, server.origin);
    try {
      const { page } = s;
      await page.goto('/');
      await waitMapReady(page);
      assert.equal(new URL(page.url()).pathname, '/', 'the map is open without signing in');
      assert.equal((await mapCounts(page)).points, fc.features.length);
      assert.deepEqual(await page.locator('.mainnav a').evaluateAll((as) => as.map((a) => a.dataset.testid)), ['nav-map']);
      assert.equal(await page.locator('[data-testid=nav-login]').count(), 1, 'a sign-in link');
      assert.equal(await page.locator('[data-testid=filter-light]').count(), 0, 'no light filter');
      await waitMapUnmasked(page);

      // A project's popup: name, town, chain, tier, status; no amount, light or link.
      const [lon, lat] = fc.features[0].geometry.coordinates;
      await page.evaluate(([lon, lat]) => new Promise((ok) => {
        const map = window.__keyproj.map;
        map.once('idle', () => ok());
        map.jumpTo({ center: [lon, lat], zoom: 15 });
      }), [lon, lat]);
      const box = await page.locator('[data-testid=map] canvas').boundingBox();
      const pt = await page.evaluate(([lon, lat]) => window.__keyproj.map.project([lon, lat]), [lon, lat]);
      await page.mouse.click(box.x + pt.x, box.y + pt.y);
      const popup = page.locator('[data-testid=project-popup]');
      await popup.waitFor({ state: 'visible' });
      const id = Number(await popup.getAttribute('data-project-id'));
      const p = fc.features.find((f) => f.properties.id === id).properties;
      await popup.getByText(p.name, { exact: true }).waitFor();
      assert.equal(await popup.locator('a').count(), 0, 'no link to the project page');
      assert.equal(await popup.locator('.light-tag').count(), 0, 'no light');
      const rows = await popup.locator('.pp-table th').allTextContents();
      assert.deepEqual(rows.map((r) => r.trim()), ['镇街', '产业链', '投资档次', '状态']);
      await page.screenshot({ path: join(artifacts, 'public-map.png') });

      // Everything else asks for a sign-in.
      for (const path of ['/ledger', '/dashboard', `/projects/${id}`]) {
        await page.goto(path);
        await page.waitForURL((u) => new URL(u).pathname === '/login', { timeout: T.navigation });
        assert.equal(new URL(page.url()).searchParams.get('next'), path);
      }
      // Signed in, the same map shows everything.
      await login(page, server.users.viewer.username, server.users.viewer.password);
      await page.goto('/');
      await waitMapReady(page);
      assert.equal(await page.locator('[data-testid=filter-light]').count(), 1);
      assertSameOrigin(s.requests, server.origin);
      assert.deepEqual(s.errors, [], 'uncaught errors in the page');
    } finally {
      await s.context.close().catch(() => {});
    }
  });
});
