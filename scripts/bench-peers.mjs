// Peers benchmark, in Node: hclconv against HashiCorp's tools on the same files, in the same process.
// Not a test: nothing here asserts a time.
//
// 1. Parse: our parser (the page's wasm build, `parseFile`: text → syntax tree, returns counts) against
//    HashiCorp's HCL parser compiled to wasm (`@cdktf/hcl2json` `parse`: text → JSON object), one call
//    per file, on every provider-docs snippet of ../shared/corpus (the browser benchmark's files).
// 2. Convert: our convert to TypeScript (the same wasm, `convertBatchSync` with one example, warm mapping
//    cache) against `@cdktf/hcl2cdk` `convert` to TypeScript, on an evenly spaced sample of those snippets
//    (hcl2cdk takes tens of ms a file; --cdk-files, default 150). hcl2cdk runs offline only with an empty
//    provider schema, so its figure is labelled as such: it then skips the per-attribute type coercions a
//    real schema enables.
//
// Both sides run on one thread of the same V8; each time is one call, taken with performance.now(), and
// each file's figure is its median over --runs passes (default 3), which keeps a descheduled call on a
// busy machine from counting. Totals are sums of those medians over the files both sides handled.
//
//   node scripts/bench-peers.mjs [--limit N] [--runs R] [--cdk-files K]
//   (needs www/pkg: scripts/build-wasm.sh; and benches/peers/node_modules: scripts/setup.sh)
// hcl2json's Go runtime prints a warning about a missing ~/.terraformrc when it starts; it is harmless.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url).pathname;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const limit = arg('limit', Infinity);
const runs = arg('runs', 3);
const cdkFiles = arg('cdk-files', 150);

const corpus = join(ROOT, '../shared/corpus');
const files = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t'))
  .filter((cols) => cols[2] === 'snippet')
  .slice(0, limit)
  .map((cols) => ({ path: cols[3], text: readFileSync(join(corpus, cols[3]), 'utf8') }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

// --- the contenders --------------------------------------------------------------------------------

const peers = createRequire(join(ROOT, 'benches/peers/package.json'));
let hcl2json, hcl2cdk;
try {
  hcl2json = peers('@cdktf/hcl2json');
  hcl2cdk = peers('@cdktf/hcl2cdk');
  // hcl2cdk logs every expression it cannot resolve to the console (log4js, @cdktf/commons' logger);
  // ours returns diagnostics instead. Quiet, so that neither side is timed writing to a terminal.
  peers('@cdktf/commons').logger.setLevel('OFF');
} catch (e) {
  console.error(`cannot load the peers (${e.message}): run \`bash scripts/setup.sh\` (installs benches/peers)`);
  process.exit(1);
}
const EMPTY_SCHEMA = { format_version: '1.0', provider_schemas: {} };

// The page's wasm build, loaded in Node. wasm-bindgen-rayon's worker helper listens for messages on
// `self` as soon as it is imported, and js-sys looks the global object up as `self` first: give Node a
// `self` (the global object) that can hold listeners. No thread pool is started: everything runs here.
const events = new EventTarget();
globalThis.addEventListener ??= events.addEventListener.bind(events);
globalThis.removeEventListener ??= events.removeEventListener.bind(events);
globalThis.self ??= globalThis;
let hclconv;
try {
  hclconv = await import(pathToFileURL(join(ROOT, 'www/pkg/hclconv.js')).href);
} catch {
  console.error('www/pkg/hclconv.js is missing: run `bash scripts/build-wasm.sh` first');
  process.exit(1);
}
await hclconv.default({ module_or_path: readFileSync(join(ROOT, 'www/pkg/hclconv_bg.wasm')) });
if (typeof hclconv.parseFile !== 'function') {
  console.error('www/pkg predates the parseFile export: rebuild it with `bash scripts/build-wasm.sh`');
  process.exit(1);
}

const ours = {
  parse: (f) => {
    const { errors } = hclconv.parseFile('main.tf', f.text);
    return errors === 0;
  },
  convert: (f) => {
    const { results } = hclconv.convertBatchSync({
      examples: [{ id: f.path, files: { 'main.tf': f.text } }],
      language: 'typescript',
    });
    return results.length === 1 && results[0].output.text.length > 0;
  },
};
const theirs = {
  parse: async (f) => {
    try {
      await hcl2json.parse('main.tf', f.text);
      return true;
    } catch {
      return false;
    }
  },
  convert: async (f) => {
    try {
      const out = await hcl2cdk.convert(f.text, { language: 'typescript', providerSchema: EMPTY_SCHEMA });
      return out.all.length > 0;
    } catch {
      return false;
    }
  },
};

// --- measuring ---------------------------------------------------------------------------------------

/** Times `fn` on every file, `passes` times; per file the median time (ms) and whether it succeeded. */
async function timePerFile(fn, list, passes) {
  const times = list.map(() => []);
  const ok = list.map(() => true);
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < list.length; i++) {
      const t0 = performance.now();
      const good = await fn(list[i]);
      times[i].push(performance.now() - t0);
      ok[i] &&= good;
    }
  }
  return { ms: times.map(median), ok };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** One row per contender, over the files both handled; then their ratio. */
function report(title, ourName, a, theirName, b) {
  const both = a.ms.map((_, i) => i).filter((i) => a.ok[i] && b.ok[i]);
  const pick = (r) => both.map((i) => r.ms[i]);
  const [oursMs, theirsMs] = [pick(a), pick(b)];
  const row = (ms, ok) => ({
    'total ms': +fmt(sum(ms)),
    'per file p50 ms': +fmt(median(ms)),
    'per file p95 ms': +fmt(pct(ms, 95)),
    'files/s': Math.round(ms.length / (sum(ms) / 1000)),
    'failed files': ok.filter((x) => !x).length,
  });
  console.log(`\n${title}: ${both.length} files that both handled`);
  if (both.length === 0) {
    // Nothing to compare: an API of the peers changed, or ours broke. Fail, so the CI smoke notices.
    console.error(`no file was handled by both ${ourName} and ${theirName}`);
    process.exitCode = 1;
    return;
  }
  console.table({ [ourName]: row(oursMs, a.ok), [theirName]: row(theirsMs, b.ok) });
  const perFile = both.map((i) => b.ms[i] / a.ms[i]);
  console.log(`  ${theirName} / ours: total ${(sum(theirsMs) / sum(oursMs)).toFixed(1)}x, per file median ${median(perFile).toFixed(1)}x`);
}

console.log(`peers benchmark: ${files.length} doc snippets (${(bytes / 1e6).toFixed(2)} MB), Node ${process.version}, one thread`);

// Parse. One untimed pass each compiles and warms both (hcl2json's first call also starts its Go runtime).
await timePerFile(ours.parse, files, 1);
await timePerFile(theirs.parse, files, 1);
const parseOurs = await timePerFile(ours.parse, files, runs);
const parseTheirs = await timePerFile(theirs.parse, files, runs);
report(`parse, median of ${runs} passes per file`, 'hclconv parse (wasm)', parseOurs, '@cdktf/hcl2json parse (Go→wasm)', parseTheirs);

// Convert, on an evenly spaced sample.
const step = Math.max(1, Math.floor(files.length / cdkFiles));
const sample = files.filter((_, i) => i % step === 0).slice(0, cdkFiles);
const warmup = sample.slice(0, Math.min(5, sample.length));
await timePerFile(ours.convert, sample, 1); // also fills the mapping cache
await timePerFile(theirs.convert, warmup, 1);
const convertOurs = await timePerFile(ours.convert, sample, runs);
const convertTheirs = await timePerFile(theirs.convert, sample, runs);
report(
  `convert to TypeScript, every ${step}${step === 1 ? '' : 'th'} snippet, median of ${runs} passes per file`,
  'hclconv convert (wasm, warm cache)',
  convertOurs,
  '@cdktf/hcl2cdk with an empty provider schema',
  convertTheirs,
);
