// The playground without cross-origin isolation: a production build served WITHOUT COOP/COEP
// (`vite preview --mode no-isolation`; the CSP header stays). There is no thread pool; the worker converts
// on its own thread, and a banner explains COOP/COEP and how to serve the page correctly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CSP } from '../../vite.config.js';
import { GOOD_EXAMPLES } from './examples.mjs';
import {
  convertAll,
  launchBrowser,
  openPage,
  outputText,
  permalinkUrl,
  requireWasmPackage,
  saveScreenshot,
  selectExample,
  startPreviewServer,
  waitForReady,
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
    ({ page, problems } = await openPage(browser));
    const response = await page.goto(permalinkUrl(server.url, EXAMPLES));
    headers = response.headers();
    await waitForReady(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page is not cross-origin isolated and a banner explains COOP/COEP and how to serve it', async () => {
    assert.equal(headers['cross-origin-opener-policy'], undefined);
    assert.equal(headers['cross-origin-embedder-policy'], undefined);
    assert.equal(headers['content-security-policy'], CSP, 'the CSP does not depend on isolation');
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
    assert.equal(await page.textContent('[data-testid="status-isolated"]'), 'false');
    const notice = page.locator('[data-testid="isolation-notice"]');
    assert.equal(await notice.isVisible(), true, 'the banner is visible');
    const text = await notice.textContent();
    assert.match(text, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(text, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(text, /npm start/);
    assert.match(text, /_headers/);
    const info = await page.evaluate(() => window.hclconvPlayground.info);
    assert.equal(info.pool, false);
    assert.equal(info.threads, 1);
    // One thread, and the control says so.
    assert.deepEqual(await page.$$eval('[data-testid="threads"] option', (os) => os.map((o) => o.value)), ['1']);
    assert.equal(await page.isDisabled('[data-testid="threads"]'), true);
  });

  test('three examples still convert, outside any pool', async () => {
    const batch = await convertAll(page, { keyboard: true });
    const results = batch.result.results;
    assert.deepEqual(results.map((r) => r.id), EXAMPLES.map((e) => e.id));
    assert.equal(batch.result.threads, 1);
    for (const example of EXAMPLES) {
      const r = results.find((x) => x.id === example.id);
      assert.equal(r.worker, null);
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], r.id);
      for (const s of example.expect) assert.ok(r.output.text.includes(s), `${r.id}: expected ${JSON.stringify(s)}`);
    }
    await selectExample(page, EXAMPLES[1].id);
    assert.ok((await outputText(page)).includes(EXAMPLES[1].expect[1]));
    // One lane, named for what it is; the cache panel is refreshed after the batch.
    assert.deepEqual(await page.$$eval('[data-testid="timeline-lane"]', (ls) => ls.map((l) => l.dataset.worker)), ['none']);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="cache-row"]').length >= 3);
    await saveScreenshot(page, 'fallback');
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
