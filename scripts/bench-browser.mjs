// Browser benchmark: converts the provider-docs snippets of ../shared/corpus in the playground's worker
// in headless Chromium, on a 1-thread and on a 2-thread pool, in one run, and reports the ratio, the time
// from navigation to a ready pool, and the wasm size. Not a test: nothing here asserts a time.
//
//   node scripts/bench-browser.mjs [--limit N] [--runs R]      (needs www/pkg: scripts/build-wasm.sh)
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, launchBrowser, startDevServer, requireWasmPackage } from '../tests/e2e/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const limit = arg('limit', Infinity);
const runs = arg('runs', 3);
const corpus = join(ROOT, '../shared/corpus');

const snippets = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .filter((cols) => cols[2] === 'snippet')
  .slice(0, limit)
  .map((cols, i) => ({ id: String(i), files: { 'main.tf': readFileSync(join(corpus, cols[3]), 'utf8') } }));
const bytes = snippets.reduce((n, e) => n + Buffer.byteLength(e.files['main.tf']), 0);

await requireWasmPackage();
const wasmPath = join(ROOT, 'www/pkg/hclconv_bg.wasm');
const wasmRaw = statSync(wasmPath).size;
const wasmGzip = gzipSync(readFileSync(wasmPath), { level: 9 }).length;

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
