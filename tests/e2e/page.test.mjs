// The playground with threads: served with COOP/COEP and the CSP header, the worker starts a rayon pool and
// converts a batch of 8 examples (one of them invalid HCL) in parallel; the results, the diagnostics, the
// per-worker timeline and the cache table show it. Runs against the Vite dev server (what `npm start`
// serves) and against a production build served by `vite preview`; the latter also saves the light and
// dark screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CSP, staticHeadersFile } from '../../vite.config.js';
import { ALL_PROVIDERS, BAD_EXAMPLE, GOOD_EXAMPLES } from './examples.mjs';
import {
  COEP,
  COOP,
  convertAll,
  gotoReady,
  launchBrowser,
  openPage,
  outputText,
  permalinkUrl,
  readCacheRows,
  readDiagnostics,
  requireWasmPackage,
  saveScreenshot,
  selectExample,
  startDevServer,
  startPreviewServer,
} from './helpers.mjs';

// The bad example sits in the middle of the batch.
const EXAMPLES = [...GOOD_EXAMPLES.slice(0, 4), BAD_EXAMPLE, ...GOOD_EXAMPLES.slice(4)];

for (const [name, startServer, screenshots] of [
  ['vite dev server', startDevServer, false],
  ['vite preview of a production build', startPreviewServer, true],
]) {
  describe(`playground with threads (${name})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let problems;
    const responses = [];

    before(async () => {
      await requireWasmPackage();
      server = await startServer();
      browser = await launchBrowser();
      ({ page, problems } = await openPage(browser));
      page.on('response', (r) => responses.push({ url: r.url(), headers: r.headers() }));
      // latch=2: the first example each pool thread picks up waits until two threads have started one,
      // so at least two workers take part in the batch (test-only; off by default).
      await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { query: '?latch=2' }));
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('the page is cross-origin isolated and the pool has at least 2 threads', async () => {
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
      assert.equal(await page.textContent('[data-testid="status-isolated"]'), 'true');
      assert.equal(await page.isVisible('[data-testid="isolation-notice"]'), false);
      const info = await page.evaluate(() => window.hclconvPlayground.info);
      assert.equal(info.isolated, true);
      assert.equal(info.pool, true);
      assert.ok(info.hardwareConcurrency >= 2, `this test needs 2 cores, the browser reports ${info.hardwareConcurrency}`);
      assert.ok(info.threads >= 2, `pool of ${info.threads} threads`);
      assert.match(await page.textContent('[data-testid="status-ready-ms"]'), /^\d+ ms$/);
      // The thread-count control offers 1 … hardwareConcurrency.
      const options = await page.$$eval('[data-testid="threads"] option', (os) => os.map((o) => Number(o.value)));
      assert.deepEqual(options, Array.from({ length: info.hardwareConcurrency }, (_, i) => i + 1));
    });

    test('page, scripts, workers and wasm carry COOP, COEP and the CSP header', () => {
      const isPage = (u) => new URL(u).pathname.endsWith('/');
      const doc = responses.find((r) => isPage(r.url));
      assert.ok(doc, 'the page response');
      const workers = responses.filter((r) => /worker|pool-shim/i.test(new URL(r.url).pathname) && /\.js(\?|$)/.test(r.url));
      assert.ok(workers.length >= 3, `the conversion worker, the pool shim and the pool helper: ${workers.map((w) => w.url)}`);
      assert.ok(workers.some((w) => /pool-shim/.test(w.url)), 'the pool threads start through the shim');
      const wasm = responses.find((r) => r.url.endsWith('.wasm'));
      assert.ok(wasm, 'the wasm response');
      for (const r of [doc, ...workers, wasm]) {
        assert.equal(r.headers['content-security-policy'], CSP, r.url);
        assert.equal(r.headers['cross-origin-opener-policy'], COOP, r.url);
        assert.equal(r.headers['cross-origin-embedder-policy'], COEP, r.url);
      }
      assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'/);
      assert.match(CSP, /worker-src 'self'/);
    });

    test('the permalink opened exactly the 8 examples, as tabs', async () => {
      const names = await page.$$eval('[data-testid="example-tab"]', (ts) => ts.map((t) => t.dataset.name));
      assert.deepEqual(names, EXAMPLES.map((e) => e.id));
    });

    test('a batch of 8 examples converts in parallel; the bad one alone fails', async () => {
      const batch = await convertAll(page);
      const results = batch.result.results;
      assert.deepEqual(results.map((r) => r.id), EXAMPLES.map((e) => e.id), 'one result per example, in request order');
      for (const example of GOOD_EXAMPLES) {
        const r = results.find((x) => x.id === example.id);
        assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], r.id);
        for (const s of example.expect) assert.ok(r.output.text.includes(s), `${r.id}: expected ${JSON.stringify(s)} in:\n${r.output.text}`);
      }
      const workers = new Set(results.map((r) => r.worker));
      assert.ok(!workers.has(null), 'every example ran on a pool thread');
      assert.ok(workers.size >= 2, `at least two distinct workers, got ${[...workers]}`);
      assert.ok(batch.result.threads >= 2);
      for (const r of results) assert.ok(r.endMs >= r.startMs && r.startMs > 1.5e12, 'epoch milliseconds');

      // The tabs show each example's outcome.
      const statuses = await page.$$eval('[data-testid="example-tab"]', (ts) => Object.fromEntries(ts.map((t) => [t.dataset.name, t.dataset.status])));
      assert.equal(statuses[BAD_EXAMPLE.id], 'error');
      for (const e of GOOD_EXAMPLES) assert.notEqual(statuses[e.id], 'error', e.id);

      // The bad example's diagnostics, rendered with file, line and column.
      await selectExample(page, BAD_EXAMPLE.id);
      const errors = (await readDiagnostics(page)).filter((d) => d.severity === 'error');
      assert.ok(errors.length >= 1, 'the invalid example reports an error');
      assert.equal(errors[0].file, BAD_EXAMPLE.errorFile);
      assert.equal(errors[0].line, BAD_EXAMPLE.errorLine);
      assert.match(errors[0].location, new RegExp(`^${BAD_EXAMPLE.errorFile}:${BAD_EXAMPLE.errorLine}:\\d+$`));

      // A good example's program is in the output viewer.
      await selectExample(page, GOOD_EXAMPLES[0].id);
      assert.ok((await outputText(page)).includes(GOOD_EXAMPLES[0].expect[1]));
    });

    test('the timeline has a lane per worker and a bar per converted example, on one clock', async () => {
      const lanes = await page.$$eval('[data-testid="timeline-lane"]', (ls) => ls.map((l) => l.dataset.worker));
      const threads = await page.evaluate(() => window.hclconvPlayground.lastBatch.result.threads);
      assert.equal(lanes.length, threads);
      const bars = await page.$$eval('[data-testid="timeline-bar"]', (bs) =>
        bs.map((b) => ({ example: b.dataset.example, worker: b.dataset.worker, lane: b.closest('[data-testid="timeline-lane"]').dataset.worker })),
      );
      assert.deepEqual(bars.map((b) => b.example).sort(), EXAMPLES.map((e) => e.id).sort());
      const results = await page.evaluate(() => window.hclconvPlayground.lastBatch.result.results);
      for (const b of bars) {
        assert.equal(b.worker, b.lane, 'each bar sits in its worker\'s lane');
        assert.equal(b.worker, String(results.find((r) => r.id === b.example).worker));
      }
      assert.ok(new Set(bars.map((b) => b.worker)).size >= 2);
    });

    test('the cache table lists each provider once, loaded and hit', async () => {
      await page.waitForFunction(
        (n) =>
          document.querySelector('[data-testid="cache-partial"]').dataset.partial === 'false' &&
          new Set([...document.querySelectorAll('[data-testid="cache-row"]')].map((r) => r.dataset.key)).size >= n,
        ALL_PROVIDERS.length,
      );
      const rows = await readCacheRows(page);
      for (const provider of ALL_PROVIDERS) {
        assert.equal(rows.filter((r) => r.key === provider).length, 1, `${provider} in ${JSON.stringify(rows)}`);
      }
      for (const row of rows) assert.equal(row.state, 'ready', JSON.stringify(row));
      assert.ok(Number(await page.textContent('[data-testid="counter-loads"]')) >= ALL_PROVIDERS.length);
      assert.ok(Number(await page.textContent('[data-testid="counter-hits"]')) >= 1, 'aws and random are used by more than one example');
    });

    if (screenshots) {
      test('the _headers file for static hosting is in the build and matches the served headers', async () => {
        const res = await fetch(new URL('_headers', server.url));
        assert.equal(res.status, 200);
        assert.equal(await res.text(), staticHeadersFile());
        assert.ok(staticHeadersFile().includes(`Content-Security-Policy: ${CSP}`));
      });

      test('screenshots: light and dark', async () => {
        await selectExample(page, BAD_EXAMPLE.id);
        await page.emulateMedia({ colorScheme: 'light' });
        await saveScreenshot(page, 'light');
        await selectExample(page, GOOD_EXAMPLES[0].id);
        await page.emulateMedia({ colorScheme: 'dark' });
        await saveScreenshot(page, 'dark');
        await page.emulateMedia({ colorScheme: 'light' });
      });
    }

    test('no page error, console error, failed request or CSP violation', () => {
      assert.deepEqual(problems, []);
    });
  });
}
