// Worker-crash recovery: when a pool thread dies during a batch (a wasm trap, a stack overflow), the page
// notices, starts a new pool, marks the batch failed naming the example that caused it (found by
// converting the batch's examples one at a time), converts the others, loses none of the user's text,
// and keeps working.
//
// `?crashOn=<example id>` is a TEST-ONLY switch: with a converter that has the `crashOn` hook
// (`testHooks()` lists it), the pool thread converting that example traps for real; with one that does
// not yet, the conversion worker dies with an uncaught error while that example's batch runs (the same
// signal a trap gives it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SAMPLES } from '../../www/samples.js';
import { gotoReady, launchBrowser, openPage, permalinkUrl, readDiagnostics, readTabs, requireWasmPackage, selectExample, startDevServer } from './helpers.mjs';

const EXAMPLES = ['random-pet', 's3-static-site', 'k8s-deployment', 'aws-vpc'].map((id) => SAMPLES.find((s) => s.id === id));
const CULPRIT = 's3-static-site';

describe('worker crash: restart, blame, carry on', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;

  before(async () => {
    await requireWasmPackage();
    server = await startDevServer();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { query: `?crashOn=${CULPRIT}&latch=2` }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a crash fails the batch, names the example that caused it and restarts the pool', async () => {
    const docBefore = await page.evaluate(() => window.hclconvPlayground.document);
    const hook = await page.evaluate(() => window.hclconvPlayground.info.features.crashHook);
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await page.click('[data-testid="convert"]');
    await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before, { timeout: 120_000 });

    assert.equal(await page.evaluate(() => document.body.dataset.batchOutcome), 'crashed');
    assert.equal(await page.evaluate(() => document.body.dataset.crashCulprit), CULPRIT);
    const status = await page.textContent('[data-testid="batch-status"]');
    assert.match(status, new RegExp(`^Batch failed: a worker crashed while converting “${CULPRIT}”`));
    if (!hook) assert.match(status, /simulated trap/);
    assert.match(await page.textContent('[data-testid="notice-text"]'), /The pool was restarted/);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
    const info = await page.evaluate(() => window.hclconvPlayground.info);
    assert.equal(info.pool, true, 'a new pool is running');

    // The culprit is marked; the others were converted.
    const tabs = Object.fromEntries((await readTabs(page)).map((t) => [t.name, t.status]));
    assert.equal(tabs[CULPRIT], 'crashed');
    for (const e of EXAMPLES.filter((x) => x.id !== CULPRIT)) assert.notEqual(tabs[e.id], 'crashed', e.id);
    await selectExample(page, CULPRIT);
    const diags = await readDiagnostics(page);
    assert.equal(diags[0].severity, 'error');
    assert.match(diags[0].message, /the worker crashed while converting this example/);
    await selectExample(page, 'random-pet');
    assert.match(await page.evaluate(() => window.hclconvPlayground.outputText), /new random\.RandomPet/);

    // Nothing the user typed was lost.
    assert.deepEqual((await page.evaluate(() => window.hclconvPlayground.document)).examples, docBefore.examples);
  });

  test('the page keeps going: without the culprit, the next batch converts', async () => {
    await page.click(`[data-testid="example-tab"][data-name="${CULPRIT}"] [data-testid="close-example-tab"]`);
    const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before, { timeout: 120_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.batchOutcome), 'done');
    const results = await page.evaluate(() => window.hclconvPlayground.lastBatch.result.results);
    assert.deepEqual(results.map((r) => r.id), EXAMPLES.filter((e) => e.id !== CULPRIT).map((e) => e.id));
    assert.ok(new Set(results.map((r) => r.worker)).size >= 2, 'on the new pool');
  });

  test('pool-shim.js reports a pool thread that traps or overflows its stack inside its async loop', async () => {
    // The real helper's structure with a thread that dies: the shim must pass the early init message on
    // and turn the unhandled rejection into a message (a parent never sees a rejection on its own).
    const helper = new URL('/@fs' + new URL('./fixtures/crashing-pool-helper.js', import.meta.url).pathname, server.url).href;
    for (const crash of ['trap', 'stack-overflow']) {
      const messages = await page.evaluate(({ helper, crash }) => new Promise((resolve) => {
        const got = [];
        const url = new URL('/pool-shim.js', location.href);
        url.searchParams.set('helper', helper);
        const worker = new Worker(url, { type: 'module' });
        worker.addEventListener('message', ({ data }) => {
          got.push(data);
          if (data.type === 'hclconv-pool-thread-died') {
            worker.terminate();
            resolve(got);
          }
        });
        worker.postMessage({ type: 'wasm_bindgen_worker_init', crash }); // before the helper has loaded
      }), { helper, crash });
      assert.deepEqual(messages.map((m) => m.type), ['wasm_bindgen_worker_ready', 'hclconv-pool-thread-died'], crash);
      assert.match(messages[1].message, crash === 'trap' ? /^RuntimeError: unreachable$/ : /^RangeError: Maximum call stack size exceeded$/);
    }
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
