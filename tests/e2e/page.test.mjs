// The playground with threads: served with COOP/COEP, the worker starts a rayon pool and converts a batch
// of 8 examples (one of them invalid HCL) in parallel. Runs against the Vite dev server (what `npm start`
// serves) and against a production build served by `vite preview`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_PROVIDERS, BAD_EXAMPLE, GOOD_EXAMPLES } from './examples.mjs';
import {
  convertAll,
  launchBrowser,
  readCacheRows,
  requireWasmPackage,
  setExamples,
  startDevServer,
  startPreviewServer,
  waitForReady,
  watchForProblems,
} from './helpers.mjs';

// The bad example sits in the middle of the batch.
const EXAMPLES = [...GOOD_EXAMPLES.slice(0, 4), BAD_EXAMPLE, ...GOOD_EXAMPLES.slice(4)];

for (const [name, startServer] of [
  ['vite dev server', startDevServer],
  ['vite preview of a production build', startPreviewServer],
]) {
  describe(`playground with threads (${name})`, { timeout: 300_000 }, () => {
    let server;
    let browser;
    let page;
    let problems;

    before(async () => {
      await requireWasmPackage();
      server = await startServer();
      browser = await launchBrowser();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      problems = await watchForProblems(page);
      // latch=2: the first example each pool thread picks up waits until two threads have started one,
      // so at least two workers take part in the batch (test-only; off by default).
      await page.goto(`${server.url}?latch=2`);
      await waitForReady(page);
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
      const readyMs = await page.evaluate(() => window.hclconvPlayground.readyMs);
      assert.ok(readyMs > 0, 'the time to pool ready is shown');
      assert.match(await page.textContent('[data-testid="status-ready-ms"]'), /^\d+ ms$/);
    });

    test('the three preloaded samples convert', async () => {
      assert.equal(await page.locator('[data-testid="example"]').count(), 3);
      const results = await convertAll(page);
      assert.equal(results.length, 3);
      for (const r of results) {
        assert.equal(r.status, 'ok', `${r.id}: ${JSON.stringify(r.diagnostics)}`);
        assert.match(r.output, /import \* as \w+ from "@pulumi\/\w+"/, r.id);
      }
    });

    test('a batch of 8 examples converts in parallel; the bad one alone fails', async () => {
      await page.click('[data-testid="reset-cache"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="cache-row"]').length === 0);
      await setExamples(page, EXAMPLES);
      assert.equal(await page.locator('[data-testid="example"]').count(), 8);

      const results = await convertAll(page);
      assert.deepEqual(
        results.map((r) => r.id),
        EXAMPLES.map((e) => e.id),
        'one result per example, in request order',
      );

      for (const example of GOOD_EXAMPLES) {
        const r = results.find((x) => x.id === example.id);
        assert.equal(r.status, 'ok', `${r.id}: ${JSON.stringify(r.diagnostics)}`);
        assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], r.id);
        for (const s of example.expect) assert.ok(r.output.includes(s), `${r.id}: expected ${JSON.stringify(s)} in:\n${r.output}`);
        assert.match(r.duration, /^\d+(\.\d+)? ms$/);
      }

      const bad = results.find((r) => r.id === BAD_EXAMPLE.id);
      assert.equal(bad.status, 'error');
      const errors = bad.diagnostics.filter((d) => d.severity === 'error');
      assert.ok(errors.length >= 1, 'the invalid example reports an error');
      const [, file, line, column] = errors[0].location.match(/^(.+):(\d+):(\d+)$/) ?? [];
      assert.equal(file, BAD_EXAMPLE.errorFile, errors[0].location);
      assert.equal(Number(line), BAD_EXAMPLE.errorLine, errors[0].location);
      assert.ok(Number(column) >= 1, errors[0].location);
      assert.ok(errors[0].message.length > 0);

      const workers = new Set(results.map((r) => r.worker));
      assert.ok(!workers.has('none'), 'every example ran on a pool thread');
      assert.ok(workers.size >= 2, `at least two distinct workers, got ${[...workers]}`);
      const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch.result);
      assert.ok(batch.threads >= 2);
      for (const r of batch.results) {
        assert.equal(typeof r.worker, 'number');
        assert.ok(r.endMs >= r.startMs && r.startMs > 1.5e12, 'epoch milliseconds');
      }

      // The final snapshot (requested after the batch) lists each provider exactly once.
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
      assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'no provider listed twice');
      for (const row of rows) assert.equal(row.state, 'ready', JSON.stringify(row));
      const loads = Number(await page.textContent('[data-testid="counter-loads"]'));
      const hits = Number(await page.textContent('[data-testid="counter-hits"]'));
      assert.ok(loads >= ALL_PROVIDERS.length, `loads ${loads}`);
      assert.ok(hits >= 1, `hits ${hits}: aws and random are used by more than one example`);
    });

    test('no page error, console error, failed request or CSP violation', () => {
      assert.deepEqual(problems, []);
    });
  });
}
