// The playground without cross-origin isolation: a production build served WITHOUT COOP/COEP
// (`vite preview --mode no-isolation`). There is no thread pool; the worker converts on its own thread,
// and the page shows a notice saying why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GOOD_EXAMPLES } from './examples.mjs';
import {
  convertAll,
  launchBrowser,
  requireWasmPackage,
  setExamples,
  startPreviewServer,
  waitForReady,
  watchForProblems,
} from './helpers.mjs';

const EXAMPLES = [GOOD_EXAMPLES[0], GOOD_EXAMPLES[2], GOOD_EXAMPLES[3]];

describe('playground without COOP/COEP (single-thread fallback)', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;
  let headers;

  before(async () => {
    await requireWasmPackage();
    server = await startPreviewServer({ mode: 'no-isolation' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    problems = await watchForProblems(page);
    const response = await page.goto(server.url);
    headers = response.headers();
    await waitForReady(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page is not cross-origin isolated and says so', async () => {
    assert.equal(headers['cross-origin-opener-policy'], undefined);
    assert.equal(headers['cross-origin-embedder-policy'], undefined);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
    assert.equal(await page.textContent('[data-testid="status-isolated"]'), 'false');
    const notice = page.locator('[data-testid="isolation-notice"]');
    assert.equal(await notice.isVisible(), true, 'the notice banner is visible');
    assert.match(await notice.textContent(), /Cross-Origin-Opener-Policy/);
    const info = await page.evaluate(() => window.hclconvPlayground.info);
    assert.equal(info.pool, false);
    assert.equal(info.threads, 1);
  });

  test('three examples still convert, outside any pool', async () => {
    await setExamples(page, EXAMPLES);
    const results = await convertAll(page);
    assert.deepEqual(results.map((r) => r.id), EXAMPLES.map((e) => e.id));
    for (const example of EXAMPLES) {
      const r = results.find((x) => x.id === example.id);
      assert.equal(r.status, 'ok', `${r.id}: ${JSON.stringify(r.diagnostics)}`);
      for (const s of example.expect) assert.ok(r.output.includes(s), `${r.id}: expected ${JSON.stringify(s)} in:\n${r.output}`);
      assert.equal(r.worker, 'none');
      assert.equal(r.workerText, 'no pool');
    }
    const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch.result);
    assert.equal(batch.threads, 1);
    for (const r of batch.results) assert.equal(r.worker, null);
    // The cache panel is refreshed after the batch.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="cache-row"]').length >= 3);
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
