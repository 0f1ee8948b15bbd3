// The parallel run: a long batch (every example many times over) during which the cache panel changes
// while the page keeps rendering; Stop with Esc and with the button cancels between examples; the
// thread-count control starts a new worker and says the cache starts cold.
//
// "Long" is made of work, not of waiting: the batch holds thousands of conversions, and the test acts as
// soon as the page has shown progress. With `?snapshotLockstep=1` (TEST-ONLY, honoured by converters that
// have it) each example also waits until the page took a cache snapshot after the previous one, so the
// panel sees every step and the batch cannot outrun the test, however fast the machine. Nothing here
// measures or asserts a duration.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SAMPLES } from '../../www/samples.js';
import { counter, gotoReady, launchBrowser, openPage, permalinkUrl, requireWasmPackage, startDevServer } from './helpers.mjs';

const EXAMPLES = SAMPLES.filter((s) => s.id !== 'deliberate-errors');
const COPIES = 500;

/** Starts a batch and waits until the page has rendered `n` distinct hit counts while it runs. */
async function startAndWatch(page, n, start) {
  await page.evaluate(() => {
    window.__seen = [];
    window.__onSnap = () => {
      const running = window.hclconvPlayground.running;
      if (!running) return;
      const hits = document.querySelector('[data-testid="counter-hits"]').textContent;
      const progress = document.querySelector('[data-testid="progress"]').value;
      const rows = document.querySelectorAll('[data-testid="cache-row"]').length;
      if (!window.__seen.some((s) => s.hits === hits)) window.__seen.push({ hits, progress, rows });
    };
    window.addEventListener('hclconv:snapshot', window.__onSnap);
  });
  await start();
  await page.waitForFunction((k) => window.__seen.length >= k, n, { timeout: 120_000 });
  return page.evaluate(() => {
    window.removeEventListener('hclconv:snapshot', window.__onSnap);
    return window.__seen;
  });
}

const waitBatch = (page, before) => page.waitForFunction((k) => window.hclconvPlayground.batchesDone > k, before, { timeout: 300_000 });

describe('parallel run: live cache panel, Stop, thread count', { timeout: 600_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;

  before(async () => {
    await requireWasmPackage();
    server = await startDevServer();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { copies: COPIES, query: '?snapshotLockstep=1' }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('during a batch the cache panel changes; Esc stops it between examples', async () => {
    const total = EXAMPLES.length * COPIES;
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    const seen = await startAndWatch(page, 3, () => page.click('[data-testid="convert"]'));
    // Three different hit counts were on screen while the batch ran, with progress below the total.
    assert.ok(seen.length >= 3, JSON.stringify(seen));
    for (const s of seen) assert.ok(s.progress < total, JSON.stringify(s));
    assert.ok(seen.at(-1).rows >= 1, 'cache entries appear during the batch');
    assert.equal(await page.isEnabled('[data-testid="stop"]'), true);
    assert.match(await page.textContent('[data-testid="batch-status"]'), /^Converting… \d+ \/ \d+$/);
    const points = await page.getAttribute('[data-testid="sparkline"] polyline', 'points');
    assert.ok(points.split(' ').length >= 2, 'the hit-rate sparkline is drawn');

    await page.keyboard.press('Escape');
    await waitBatch(page, before);
    const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch);
    const results = batch.result.results;
    assert.equal(results.length, total);
    const cancelled = results.filter((r) => r.diagnostics.some((d) => d.code === 'cancelled'));
    const converted = results.filter((r) => !r.diagnostics.some((d) => d.code === 'cancelled'));
    assert.ok(cancelled.length > 0, 'Stop skipped the examples not started yet');
    assert.ok(converted.length > 0, 'the examples started before Stop were converted');
    // Between examples: an example is either converted completely or not at all.
    for (const r of cancelled) assert.ok(r.output.text === '' && !r.outputBytes, r.id);
    for (const r of converted) assert.ok(r.output.text.length > 0 || r.outputBytes > 0, r.id);
    // Only the first copy of each example comes back in full; the copies carry their timing.
    for (const r of results) assert.equal(Boolean(r.stripped), r.id.includes('#'), r.id);
    assert.match(await page.textContent('[data-testid="batch-status"]'), new RegExp(`${cancelled.length} skipped by Stop`));
    assert.equal(await page.evaluate(() => document.body.dataset.batchOutcome), 'cancelled');
    assert.match(await page.textContent('[data-testid="batch-total"]'), /in the converter/);
    assert.equal(typeof batch.refreshHz, 'number', 'the refresh rate is measured (a figure, not asserted)');
    assert.ok(batch.renders >= 3);
  });

  test('the Stop button stops a batch too', async () => {
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await startAndWatch(page, 2, () => page.click('[data-testid="convert"]'));
    await page.click('[data-testid="stop"]');
    assert.equal(await page.isDisabled('[data-testid="stop"]'), true, 'Stop is pressed once');
    await waitBatch(page, before);
    const results = await page.evaluate(() => window.hclconvPlayground.lastBatch.result.results);
    assert.ok(results.some((r) => r.diagnostics.some((d) => d.code === 'cancelled')));
    assert.equal(await page.isEnabled('[data-testid="convert"]'), true);
  });

  test('a new thread count starts a new worker with a cold cache, and says so', async () => {
    const info = await page.evaluate(() => window.hclconvPlayground.info);
    assert.ok((await counter(page, 'loads')) > 0, 'the cache is warm before');
    await page.selectOption('[data-testid="threads"]', '1');
    await page.waitForFunction(() => window.hclconvPlayground.info?.threads === 1 && document.body.dataset.state === 'ready');
    assert.match(await page.textContent('[data-testid="notice-text"]'), /new pool of 1 thread: the provider cache starts cold/);
    assert.match(await page.textContent('[data-testid="status-threads"]'), new RegExp(`^1 of ${info.hardwareConcurrency}$`));
    await page.waitForFunction(() => document.querySelector('[data-testid="counter-loads"]').textContent === '0');
    assert.equal(await page.locator('[data-testid="cache-row"]').count(), 0);

    // One thread: one lane.
    await page.fill('[data-testid="copies"]', '1');
    await page.press('[data-testid="copies"]', 'Tab');
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await page.click('[data-testid="convert"]');
    await waitBatch(page, before);
    const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch.result);
    assert.equal(batch.threads, 1);
    assert.deepEqual([...new Set(batch.results.map((r) => r.worker))], [0]);
    assert.deepEqual(await page.$$eval('[data-testid="timeline-lane"]', (ls) => ls.map((l) => l.dataset.worker)), ['0']);
    // The choice is remembered, and can be undone.
    assert.equal((await page.evaluate(() => window.hclconvPlayground.document)).threads, 1);
    await page.selectOption('[data-testid="threads"]', String(info.hardwareConcurrency));
    await page.waitForFunction((n) => window.hclconvPlayground.info?.threads === n, info.hardwareConcurrency);
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
