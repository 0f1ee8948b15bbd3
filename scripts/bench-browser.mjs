// Browser benchmark, in headless Chromium. Not a test: nothing here asserts a time.
//
// 1. Threads: converts the provider-docs snippets of ../shared/corpus in the playground's worker on a
//    1-thread and on a 2-thread pool, and reports the ratio, the time from navigation to a ready pool and
//    the wasm size. Then the native build converts the same files the same way (`cargo bench --bench
//    corpus` on those snippets, warm cache, 1 and 2 threads), for the wasm/native time ratio.
// 2. The page (a production build served by `vite preview`): bundle sizes; during a long batch (every
//    gallery example many times over) the cache panel's refresh rate and the latency of keystrokes typed
//    into the editor meanwhile (input event → the next frame), next to the same typing with no batch.
//
//   node scripts/bench-browser.mjs [--limit N] [--runs R] [--copies C] [--tabs T] [--ui-threads N] [--skip-threads]
//                                  [--skip-native] [--skip-page]
//   (needs www/pkg: scripts/build-wasm.sh)
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  ROOT,
  launchBrowser,
  permalinkUrl,
  startDevServer,
  startPreviewServer,
  requireWasmPackage,
  waitForReady,
} from '../tests/e2e/helpers.mjs';
import { SAMPLES } from '../www/samples.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const limit = arg('limit', Infinity);
const runs = arg('runs', 3);
const copies = arg('copies', 500);
const tabs = arg('tabs', 2); // the gallery's examples this many times over, as separate tabs
const uiThreads = arg('ui-threads', 0); // pool size for the page part (0: hardwareConcurrency)
const skipThreads = process.argv.includes('--skip-threads');
const skipNative = process.argv.includes('--skip-native');
const skipPage = process.argv.includes('--skip-page');
const corpus = join(ROOT, '../shared/corpus');

const snippets = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .filter((cols) => cols[2] === 'snippet')
  .slice(0, limit)
  // Ids as the native corpus benchmark names them (the id becomes the project name in the output).
  .map((cols) => ({ id: cols[3], files: { 'main.tf': readFileSync(join(corpus, cols[3]), 'utf8') } }));
const bytes = snippets.reduce((n, e) => n + Buffer.byteLength(e.files['main.tf']), 0);

await requireWasmPackage();
const wasmPath = join(ROOT, 'www/pkg/hclconv_bg.wasm');
const wasmRaw = statSync(wasmPath).size;
const wasmGzip = gzipSync(readFileSync(wasmPath), { level: 9 }).length;

if (!skipThreads) {
const server = await startDevServer();
  const browser = await launchBrowser();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = [];
  try {
    for (const threads of [1, 2]) {
      const page = await browser.context.newPage();
      await page.goto(new URL(`bench.html?threads=${threads}`, server.url).href);
      const ready = await page.evaluate(() =>
        window.hclconvBench.ready.then((r) => ({ readyAtMs: r.readyAtMs, threads: r.threads, pool: r.pool })));
      await page.evaluate((examples) => { window.examples = examples; }, snippets);
      // The first batch loads the provider mappings (cold cache); the measured ones run warm.
      const cold = await page.evaluate(() => window.hclconvBench.run(window.examples));
      const warm = [];
      for (let i = 0; i < runs; i++) warm.push(await page.evaluate(() => window.hclconvBench.run(window.examples)));
      rows.push({
        threads: ready.threads,
        pool: ready.pool,
        readyMs: Math.round(ready.readyAtMs),
        coldMs: Math.round(cold.totalMs),
        medianMs: Math.round(median(warm.map((r) => r.totalMs))),
        workers: Math.max(...warm.map((r) => r.workers)),
      });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const [one, two] = rows;
  console.log(`browser benchmark: ${snippets.length} doc snippets (${(bytes / 1e6).toFixed(2)} MB), ${runs} warm runs each`);
  console.table(rows.map((r) => ({
    threads: r.threads,
    'navigation → pool ready (ms)': r.readyMs,
    'cold batch (ms)': r.coldMs,
    'warm batch, median (ms)': r.medianMs,
    'examples/s': Math.round(snippets.length / (r.medianMs / 1000)),
    'workers used': r.workers,
  })));
  console.log(`2 threads vs 1: ${(one.medianMs / two.medianMs).toFixed(2)}x faster`);
  console.log(`wasm: ${wasmRaw} bytes raw, ${wasmGzip} bytes gzip`);
  if (!skipNative) {
    const native = nativeSeconds();
    console.log(`\nnative, the same ${native.examples} snippets (cargo bench --bench corpus, warm cache, median of ${runs}):`);
    console.table(rows.map((r) => {
      const nativeMs = native.seconds[r.threads] * 1000;
      return {
        threads: r.threads,
        'browser (ms)': r.medianMs,
        'native (ms)': Math.round(nativeMs),
        'wasm / native': +(r.medianMs / nativeMs).toFixed(2),
      };
    }));
    console.log(`native 2 threads vs 1: ${(native.seconds[1] / native.seconds[2]).toFixed(2)}x faster`);
  }
}

/**
 * The native corpus benchmark on exactly the snippets converted above: convert time only (no process
 * start, no file reading), on a cache one untimed batch filled, as in the page. Builds it if needed.
 */
function nativeSeconds() {
  const env = {
    ...process.env,
    HCLCONV_BENCH_KIND: 'snippet',
    HCLCONV_BENCH_CACHE: 'warm',
    HCLCONV_BENCH_JSON: '1',
    HCLCONV_BENCH_RUNS: String(runs),
    HCLCONV_BENCH_THREADS: '1,2',
    HCLCONV_BENCH_LANGUAGE: 'typescript',
  };
  if (Number.isFinite(limit)) env.HCLCONV_BENCH_LIMIT = String(limit);
  const run = spawnSync('cargo', ['bench', '--bench', 'corpus'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = run.status === 0 && run.stdout.split('\n').find((l) => l.startsWith('json '));
  if (!line) throw new Error(`cargo bench --bench corpus failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const native = JSON.parse(line.slice('json '.length));
  if (native.examples !== snippets.length || native.bytes !== bytes) {
    throw new Error(`the native benchmark read ${native.examples} files (${native.bytes} B), the page ${snippets.length} (${bytes} B)`);
  }
  return native;
}

// ---------------------------------------------------------------------------------------------------
// 2. The page: bundle sizes, refresh rate and typing latency during a long batch.

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Types `text` into the source editor and returns per-keystroke latencies (ms, input → next frame). */
async function typeAndMeasure(page, text) {
  await page.evaluate(() => {
    window.__lat = [];
    if (window.__latInstalled) return;
    window.__latInstalled = true;
    const root = document.getElementById('source-editor').shadowRoot;
    root.addEventListener('input', (ev) => {
      const t0 = ev.timeStamp;
      requestAnimationFrame(() => window.__lat.push(performance.now() - t0));
    }, true);
  });
  await page.click('[data-testid="source-editor"] .cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 20 });
  return page.evaluate(() => ({ latencies: window.__lat }));
}

if (skipPage) process.exit(0);
const build = await startPreviewServer();
const uiBrowser = await launchBrowser();
try {
  const assets = join(build.outDir, 'assets');
  const sizes = {};
  for (const f of readdirSync(assets)) {
    const ext = f.endsWith('.wasm') ? 'wasm' : f.endsWith('.css') ? 'css' : f.endsWith('.js') ? 'js' : 'other';
    const buf = readFileSync(join(assets, f));
    sizes[ext] ??= { files: 0, raw: 0, gzip: 0 };
    sizes[ext].files++;
    sizes[ext].raw += buf.length;
    sizes[ext].gzip += gzipSync(buf, { level: 9 }).length;
  }
  console.log('\nplayground bundle (vite build):');
  console.table(Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, { files: v.files, 'raw KB': Math.round(v.raw / 1024), 'gzip KB': Math.round(v.gzip / 1024) }])));

  const gallery = SAMPLES.filter((s) => s.id !== 'deliberate-errors');
  const examples = Array.from({ length: tabs }, (_, k) => gallery.map((e) => ({ ...e, id: k ? `${e.id}-${k + 1}` : e.id }))).flat();
  const page = await uiBrowser.context.newPage();
  await page.goto(permalinkUrl(build.url, examples, { copies, query: uiThreads ? `?threads=${uiThreads}&live=0` : '?live=0' }));
  await waitForReady(page);
  const typed = '# typed while the batch runs\n';

  const idle = await typeAndMeasure(page, typed);

  const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
  await page.click('[data-testid="convert"]');
  await page.waitForFunction(() => (window.hclconvPlayground.running?.renders ?? 0) >= 2);
  const during = await typeAndMeasure(page, typed);
  const stillRunning = await page.evaluate(() => Boolean(window.hclconvPlayground.running));
  await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before, { timeout: 600_000 });
  const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch);

  const row = (name, m) => ({
    keystrokes: m.latencies.length,
    'p50 ms': +pct(m.latencies, 50).toFixed(1),
    'p95 ms': +pct(m.latencies, 95).toFixed(1),
    'max ms': +Math.max(...m.latencies).toFixed(1),
  });
  console.log(`\nduring a batch of ${batch.result.results.length} conversions (${examples.length} examples × ${copies}) on ${batch.result.threads} thread${batch.result.threads === 1 ? "" : "s"}:`);
  console.log(`  batch: ${Math.round(batch.result.totalMs)} ms in the converter, ${Math.round(batch.elapsedMs)} ms on the page`);
  console.log(`  cache panel refresh while the batch ran: ${batch.refreshHz.toFixed(1)} renders/s (${batch.renders} renders, longest gap ${Math.round(batch.maxGapMs)} ms; polled every 50 ms)`);
  console.log(`  typing latency (input event → the next frame; one frame is 16.7 ms)${stillRunning ? '' : ' — note: the batch ended before the typing did'}:`);
  console.table({ 'no batch': row('idle', idle), 'during the batch': row('busy', during) });
} finally {
  await uiBrowser.close();
  await build.close();
}
