// Workshop mode: the cache-mode switcher, the stampede (many copies of examples needing cold providers,
// converted at once), what each mode visibly does, and the presenter toggle. `?raceLatch=2` is the
// converter's TEST-ONLY rendezvous: the first two loaders meet inside the critical window, so the race a
// mode has (or does not have) shows on every run instead of by chance. No sleeps, no timing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SAMPLES } from '../../www/samples.js';
import { counter, gotoReady, launchBrowser, openPage, permalinkUrl, requireWasmPackage, saveScreenshot, startPreviewServer } from './helpers.mjs';

const EXAMPLES = ['aws-vpc', 'k8s-deployment', 'random-pet'].map((id) => SAMPLES.find((s) => s.id === id));

describe('workshop: cache modes, stampede, presenter', { timeout: 600_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;
  let modes;

  before(async () => {
    await requireWasmPackage();
    server = await startPreviewServer();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { query: '?raceLatch=2' }));
    modes = await page.evaluate(() => window.hclconvPlayground.info.cacheModes);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Selects a mode (or, when it is selected already, empties the cache): either way the cache is cold. */
  async function selectMode(id) {
    if (await page.isChecked(`[data-testid="mode-${id}"]`)) {
      await page.click('[data-testid="reset-cache"]');
    } else {
      await page.check(`[data-testid="mode-${id}"]`);
      await page.waitForFunction((m) => document.querySelector('[data-testid="notice-text"]').textContent.startsWith(`Cache mode: ${m}.`), id);
      assert.match(await page.textContent('[data-testid="notice-text"]'), new RegExp(`^Cache mode: ${id}\\. The cache was emptied`));
    }
    await page.waitForFunction((m) => document.querySelector('[data-testid="cache-mode"]').textContent === m, id);
    await page.waitForFunction(() => document.querySelector('[data-testid="counter-loads"]').textContent === '0');
  }

  async function stampede() {
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await page.click('[data-testid="stampede"]');
    await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before, { timeout: 300_000 });
    // The outcome is written from the snapshot taken after the batch.
    await page.waitForFunction(() => document.querySelector('[data-testid="workshop-outcome"]').dataset.mode !== undefined && document.querySelector('[data-testid="workshop-outcome"]').textContent.startsWith('Stampede'));
    return page.evaluate(() => window.hclconvPlayground.lastBatch);
  }

  test('the switcher lists every cache mode with its explanation', async (t) => {
    const ids = await page.$$eval('[data-testid="cache-modes"] input', (is) => is.map((i) => i.value));
    if (!modes) {
      assert.deepEqual(ids, ['dashmap']);
      t.skip('this build of the converter has a single cache mode (cacheModes() not exported yet)');
      return;
    }
    assert.deepEqual(ids, modes.map((m) => m.id));
    for (const id of ['dashmap', 'mutex', 'check-then-insert', 'go-racy']) assert.ok(ids.includes(id), id);
    for (const m of modes) {
      await selectMode(m.id);
      assert.equal(await page.textContent('[data-testid="mode-explanation-text"]'), m.explanation);
      assert.equal(await page.getAttribute(`[data-mode="${m.id}"]`, 'title'), m.title);
    }
  });

  test('dashmap: a stampede loads each provider once (0 duplicate loads)', async () => {
    if (modes) await selectMode('dashmap');
    const batch = await stampede();
    assert.equal(batch.kind, 'stampede');
    assert.ok(batch.result.results.length >= 20, `${batch.result.results.length} examples`);
    assert.ok(new Set(batch.result.results.map((r) => r.worker)).size >= 2, 'on several workers');
    assert.equal(await counter(page, 'duplicate-loads'), 0);
    const providers = await page.locator('[data-testid="cache-row"]').count();
    assert.equal(await counter(page, 'loads'), providers, 'one load per provider');
    assert.match(await page.textContent('[data-testid="workshop-outcome"]'), /each provider was loaded once/);
    await saveScreenshot(page, 'workshop');
    // The same on the projector.
    await page.click('[data-testid="presenter-toggle"]');
    assert.equal(await page.evaluate(() => document.body.classList.contains('presenter')), true);
    await saveScreenshot(page, 'workshop-presenter');
    await page.click('[data-testid="presenter-toggle"]');
  });

  test('mutex: no duplicate loads either; the outcome talks about the lock', async (t) => {
    if (!modes) return t.skip('needs cacheModes() from the converter');
    await selectMode('mutex');
    await stampede();
    assert.equal(await counter(page, 'duplicate-loads'), 0);
    assert.match(await page.textContent('[data-testid="workshop-outcome"]'), /One lock around the whole map/);
  });

  test('check-then-insert: a stampede shows duplicate loads > 0', async (t) => {
    if (!modes) return t.skip('needs cacheModes() from the converter');
    await selectMode('check-then-insert');
    await stampede();
    const duplicates = await counter(page, 'duplicate-loads');
    assert.ok(duplicates > 0, `duplicate loads: ${duplicates}`);
    assert.equal(await page.locator('.counter.alert [data-testid="counter-duplicate-loads"]').count(), 1, 'highlighted');
    assert.match(await page.textContent('[data-testid="workshop-outcome"]'), /loaded the provider again/);
    // The table shows which provider was loaded more than once.
    const loads = await page.$$eval('[data-testid="cache-row"]', (rows) => rows.map((r) => Number(r.cells[3].textContent)));
    assert.ok(loads.some((n) => n > 1), `loads per provider: ${loads}`);
    await page.click('[data-testid="presenter-toggle"]');
    await saveScreenshot(page, 'workshop-check-then-insert');
    await page.click('[data-testid="presenter-toggle"]');
  });

  test('go-racy: the stampede crashes, and the page reports the crash message', async (t) => {
    if (!modes) return t.skip('needs cacheModes() from the converter');
    await selectMode('go-racy');
    const batch = await stampede();
    const fatal = batch.result.fatal;
    assert.ok(fatal && fatal.message, JSON.stringify(batch.result.fatal));
    assert.equal(await page.evaluate(() => document.body.dataset.batchOutcome), 'fatal');
    assert.equal(await page.textContent('[data-testid="batch-status"]'), `Batch failed: ${fatal.message}`);
    assert.equal(await page.isVisible('[data-testid="cache-fatal"]'), true);
    assert.match(await page.textContent('[data-testid="cache-fatal"]'), new RegExp(fatal.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await page.getAttribute('[data-testid="workshop-outcome"]', 'data-fatal'), 'true');
    await saveScreenshot(page, 'workshop-go-racy');
    // The page goes on: back to a safe mode, the next batch converts.
    await selectMode('dashmap');
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await page.click('[data-testid="convert"]');
    await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before);
    assert.equal(await page.evaluate(() => document.body.dataset.batchOutcome), 'done');
    assert.equal(await page.isVisible('[data-testid="cache-fatal"]'), false);
  });

  test('time to live: entries that expire at once are loaded again, and the panel counts evictions', async (t) => {
    const features = await page.evaluate(() => window.hclconvPlayground.info.features);
    if (!features.cacheTtl) return t.skip('needs setCacheTtl() from the converter');
    assert.equal(await page.isVisible('[data-testid="ttl"]'), true);
    await selectMode('dashmap');
    await page.fill('[data-testid="ttl"]', '0');
    await page.press('[data-testid="ttl"]', 'Tab');
    await page.waitForFunction(() => /expire 0 ms after their load/.test(document.querySelector('[data-testid="notice-text"]').textContent));
    // The stampede asks for each provider many times: every lookup after the first finds it expired.
    await stampede();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="counter-evictions"]').textContent) > 0);
    assert.ok((await counter(page, 'loads')) > (await page.locator('[data-testid="cache-row"]').count()), 'providers are loaded again');
    // Back to entries that never expire (remembered, like every option).
    await page.fill('[data-testid="ttl"]', '');
    await page.press('[data-testid="ttl"]', 'Tab');
    await page.waitForFunction(() => /no longer expire/.test(document.querySelector('[data-testid="notice-text"]').textContent));
    assert.equal((await page.evaluate(() => window.hclconvPlayground.document)).cacheTtl, null);
  });

  test('presenter mode is remembered', async () => {
    await page.click('[data-testid="presenter-toggle"]');
    await page.waitForFunction(() => (localStorage.getItem('hclconv.playground.v1') || '').includes('"presenter":true'));
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    assert.equal(await page.evaluate(() => document.body.classList.contains('presenter')), true);
    assert.equal(await page.getAttribute('[data-testid="presenter-toggle"]', 'aria-pressed'), 'true');
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
