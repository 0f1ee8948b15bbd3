// The conversion worker: the only place where the hclconv wasm module runs.
//
// The page's main thread never calls wasm. This module Worker loads it, starts the rayon thread pool
// (wasm-bindgen-rayon spawns its own nested Workers from here) and converts batches of examples. It stays
// responsive while a batch runs on the pool: it waits for the batch with `Atomics.waitAsync`, so it can
// answer cache snapshot requests in the meantime.
//
// A pool thread that dies (a wasm trap, a stack overflow) cannot be recovered: the shared memory may hold
// locks it never released. This worker reports it (`crashed`) and the page replaces the whole worker.
//
// Message protocol (every message is a plain object with a `type`):
//
//   page -> worker
//     { type: 'init', threads?: number }
//         Load the wasm and start the pool with min(hardwareConcurrency, threads) threads (default:
//         hardwareConcurrency). Without cross-origin isolation there is no pool: batches then run on this
//         worker's own thread (fallback). Must be sent once, first.
//     { type: 'convert', batch: number, examples: [{ id, files: { path: text } }], language?: string,
//       cacheMode?: string, keep?: [id], latch?: number, raceLatch?: number, snapshotLockstep?: true,
//       crashOn?: string }
//         Convert a batch (one at a time). With `keep`, only those examples' results come back in full (see
//         strip()). `latch`, `raceLatch`, `snapshotLockstep` and `crashOn` are TEST-ONLY and forwarded to the
//         wasm request; leave them out normally (see README, "Test-only URL switches").
//     { type: 'snapshot', seq: number }      Ask for the cache counters and the batch progress.
//     { type: 'cancel' }                     Skip the remaining examples of the running batch.
//     { type: 'resetCache' }                 Empty the provider cache (not while a batch runs).
//     { type: 'setCacheMode', mode: string } Switch the cache implementation (empties it; not while a batch runs).
//     { type: 'setCacheTtl', ms: number|null } Entries expire ms after their load (null: never).
//
//   worker -> page
//     { type: 'ready', version, isolated, pool, threads, hardwareConcurrency, initMs, poolMs, notice?,
//       languages: [{ id, name, mainFile }], cacheModes: [{ id, title, explanation }] | null,
//       cacheMode: string | null, features: { languages, cacheModes, project, crashHook } }
//         `pool` is false in fallback mode; `notice` then says why. `cacheModes` is null when this build
//         of the wasm has a single cache implementation.
//     { type: 'result', batch, result, wallMs }   `result` is the wasm BatchResult (results in request order).
//     { type: 'snapshot', seq, snapshot | null, error?, progress: { batch, completed, total } | null }
//     { type: 'cacheReset' } / { type: 'cacheMode', mode } / { type: 'cacheTtl', ms }
//     { type: 'error', batch?, message }          A failed batch or request; the worker stays usable.
//     { type: 'crashed', batch?, message }        A pool thread (or this worker) died: replace the worker.
//     { type: 'fatal', message }                  The wasm could not be loaded at all.
import * as hclconv from './pkg/hclconv.js';

const POOL_START_TIMEOUT_MS = 30_000;
const DEFAULT_LANGUAGES = [{ id: 'typescript', name: 'TypeScript', mainFile: 'index.ts' }];

let wasm = null; // InitOutput: `.memory` is the shared WebAssembly.Memory
let pool = false; // true once initThreadPool succeeded
let running = null; // { batch, handle|null, total } while a batch runs
let initStarted = false;
let crashed = false;

const post = (msg) => self.postMessage(msg);
const errorText = (e) => (e && e.message ? e.message : String(e));
// Exports that newer builds of the wasm add are looked up by name, so that this file works with older
// and newer builds alike (a static import of a missing export would fail to link).
const optional = (name) => (typeof hclconv[name] === 'function' ? hclconv[name] : null);
const has = (name) => optional(name) !== null;

// ---------------------------------------------------------------------------------------------------
// Crash detection. An uncaught error in a pool thread's Worker is reported on its Worker object here and,
// unhandled, again on this worker's global scope; either way the batch can never finish.

function reportCrash(message) {
  if (crashed) return;
  crashed = true;
  post({ type: 'crashed', batch: running ? running.batch : undefined, message });
}

self.addEventListener('error', (event) => {
  event.preventDefault();
  reportCrash(event.message || errorText(event.error) || 'a worker failed');
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  reportCrash(`unhandled rejection: ${errorText(event.reason)}`);
});

// Watch the pool's Workers. wasm-bindgen-rayon creates them through the global constructor with its
// workerHelpers.js; each is started through ./pool-shim.js instead, which loads that same script and tells
// us when the thread dies (see there: a trap is an unhandled rejection, which no parent would see).
const POOL_SHIM = new URL('./pool-shim.js', import.meta.url);
const NativeWorker = self.Worker;
if (typeof NativeWorker === 'function') {
  self.Worker = class PoolWorker extends NativeWorker {
    constructor(url, options) {
      const pool = /workerHelpers/.test(String(url)) && options && options.type === 'module';
      let target = url;
      if (pool) {
        target = new URL(POOL_SHIM);
        target.searchParams.set('helper', new URL(String(url), self.location.href).href);
      }
      super(target, options);
      this.addEventListener('error', (event) => {
        event.preventDefault();
        reportCrash(`a pool thread died: ${event.message || 'unknown error'}`);
      });
      if (pool) {
        this.addEventListener('message', ({ data }) => {
          if (data && data.type === 'hclconv-pool-thread-died') reportCrash(`a pool thread died: ${data.message}`);
        });
      }
    }
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function languages() {
  if (!has('languages')) return DEFAULT_LANGUAGES;
  const list = optional('languages')();
  return Array.isArray(list) && list.length ? list : DEFAULT_LANGUAGES;
}

/**
 * The modes when the converter has the four-mode cache (its snapshots count `evictions`) but not yet
 * the `cacheModes()` / `setCacheMode()` exports: the batch option `cacheMode` switches it then.
 */
const BATCH_ONLY_MODES = [
  { id: 'dashmap', title: 'DashMap with single-flight loads', explanation: 'A sharded concurrent map: the first worker that misses a provider loads it, the others wait for that load. Loads equal the providers, duplicate loads stay at 0.' },
  { id: 'mutex', title: 'Mutex<HashMap>, locked during the load', explanation: 'One lock around the map, held while a provider loads: correct, but every lookup queues behind it. Waits climb; loads stay at one per provider.' },
  { id: 'check-then-insert', title: 'Check, then insert', explanation: 'Look up, and on a miss load and insert: each step is safe, the pair is not. Workers that miss the same provider at once all load it: duplicate loads.' },
  { id: 'go-racy', title: 'Go map without a lock (simulated)', explanation: "What Go does with a plain map shared by goroutines: overlapping writes are detected and the run dies with 'fatal error: concurrent map writes'." },
];

function batchCacheMode() {
  try {
    return 'evictions' in hclconv.cacheSnapshot();
  } catch {
    return false;
  }
}

function cacheModes() {
  if (has('cacheModes')) {
    const list = optional('cacheModes')();
    if (Array.isArray(list) && list.length) return list;
  }
  return batchCacheMode() ? BATCH_ONLY_MODES : null;
}

/** Switches the cache mode and empties the cache. */
function switchCacheMode(mode) {
  if (has('setCacheMode')) {
    optional('setCacheMode')(mode);
  } else {
    // An empty batch with the option switches the mode (emptying the cache when it changes) …
    hclconv.convertBatchSync({ examples: [], language: 'typescript', cacheMode: mode });
    // … and a switch to the same mode empties it too, as setCacheMode does.
    hclconv.resetCache();
  }
}

function crashHook() {
  return has('testHooks') && [...optional('testHooks')()].includes('crashOn');
}

async function start(requested) {
  const t0 = performance.now();
  wasm = await hclconv.default();
  const initMs = performance.now() - t0;

  const hc = Math.max(1, navigator.hardwareConcurrency || 1);
  const wanted = Number.isInteger(requested) && requested > 0 ? requested : hc;
  const threads = Math.max(1, Math.min(hc, wanted));
  let poolMs = 0;
  let notice = null;
  if (!self.crossOriginIsolated) {
    notice = 'not-isolated';
  } else {
    const t1 = performance.now();
    try {
      await withTimeout(hclconv.initThreadPool(threads), POOL_START_TIMEOUT_MS, 'initThreadPool');
      pool = true;
    } catch (e) {
      notice = `The thread pool could not start (${errorText(e)}): conversions run on a single thread.`;
    }
    poolMs = performance.now() - t1;
  }
  let cacheMode = null;
  try {
    cacheMode = hclconv.cacheSnapshot().mode ?? null;
  } catch {
    // reported by the first snapshot
  }
  post({
    type: 'ready',
    version: hclconv.version(),
    isolated: self.crossOriginIsolated,
    pool,
    threads: pool ? threads : 1,
    hardwareConcurrency: hc,
    initMs,
    poolMs,
    notice,
    languages: languages(),
    cacheModes: cacheModes(),
    cacheMode,
    features: {
      cacheTtl: has('setCacheTtl'),
      languages: has('languages'),
      cacheModes: (has('cacheModes') && has('setCacheMode')) || batchCacheMode(),
      crashHook: crashHook(),
    },
  });
}

// Resolves once the batch's completion flag (an i32 in shared wasm memory) turns 1.
async function waitDone(handle) {
  while (!handle.done()) {
    // Recreate the view each time: the memory can grow and detach the old buffer's length.
    const view = new Int32Array(wasm.memory.buffer);
    if (typeof Atomics.waitAsync === 'function') {
      const r = Atomics.waitAsync(view, handle.flagIndex(), 0);
      if (r.async) await r.value;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const positive = (n) => Number.isInteger(n) && n > 0;

/**
 * The page shows the full result (program, project files, diagnostics) of the examples in `keep` only;
 * for the others (copies of an example, a stampede) it needs the timing. Stripping them here keeps the
 * message small, so the page's main thread does not spend a frame or ten deserialising outputs it would
 * never show. A stripped result keeps its id, worker and times, `outputBytes`, the counts of its
 * diagnostics by severity, and the `cancelled` / `fatal-error` diagnostic when it has one.
 */
function strip(result, keep) {
  if (!Array.isArray(keep)) return result;
  const full = new Set(keep);
  const results = result.results.map((r) => {
    if (full.has(r.id)) return r;
    const counts = { error: 0, warning: 0, info: 0 };
    for (const d of r.diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
    return {
      id: r.id,
      worker: r.worker,
      startMs: r.startMs,
      endMs: r.endMs,
      durationMs: r.durationMs,
      stripped: true,
      outputBytes: r.output ? r.output.text.length : 0,
      counts,
      output: r.output ? { language: r.output.language, path: r.output.path, text: '' } : null,
      diagnostics: r.diagnostics.filter((d) => d.code === 'cancelled' || d.code === 'fatal-error'),
    };
  });
  return { ...result, results };
}

async function convert({ batch, examples, language, cacheMode, latch, raceLatch, snapshotLockstep, crashOn, keep }) {
  if (running) {
    post({ type: 'error', batch, message: 'a batch is already running' });
    return;
  }
  const request = { examples, language: typeof language === 'string' ? language : 'typescript' };
  if (positive(latch)) request.latch = latch;
  if (positive(raceLatch)) request.raceLatch = raceLatch;
  if (snapshotLockstep === true) request.snapshotLockstep = true;
  if (typeof cacheMode === 'string') request.cacheMode = cacheMode;
  const crashTarget = typeof crashOn === 'string' && examples.some((e) => e.id === crashOn) ? crashOn : null;
  if (crashTarget && crashHook()) request.crashOn = crashTarget;
  const t0 = performance.now();
  running = { batch, handle: null, total: examples.length };
  try {
    let result;
    if (pool) {
      const handle = hclconv.startBatch(request);
      running.handle = handle;
      if (crashTarget && !crashHook()) {
        // TEST-ONLY stand-in until the wasm has its `crashOn` hook: die the way a trapped pool thread
        // makes this worker die (an uncaught error), while the batch holding that example runs.
        setTimeout(() => {
          throw new Error(`RuntimeError: unreachable (simulated trap while converting “${crashTarget}”)`);
        }, 0);
        return;
      }
      try {
        await waitDone(handle);
        result = handle.take();
      } finally {
        running.handle = null;
        try {
          handle.free();
        } catch {
          // already consumed by take()
        }
      }
    } else {
      if (crashTarget && !crashHook()) {
        setTimeout(() => {
          throw new Error(`RuntimeError: unreachable (simulated trap while converting “${crashTarget}”)`);
        }, 0);
        return;
      }
      result = hclconv.convertBatchSync(request);
    }
    post({ type: 'result', batch, result: strip(result, keep), wallMs: performance.now() - t0 });
  } catch (e) {
    post({ type: 'error', batch, message: errorText(e) });
  } finally {
    if (!crashTarget || crashHook()) running = null;
  }
}

function snapshot({ seq }) {
  let progress = null;
  if (running) {
    const h = running.handle;
    progress = { batch: running.batch, completed: h ? h.completed() : 0, total: running.total };
  }
  try {
    post({ type: 'snapshot', seq, snapshot: hclconv.cacheSnapshot(), progress });
  } catch (e) {
    post({ type: 'snapshot', seq, snapshot: null, error: `cacheSnapshot: ${errorText(e)}`, progress });
  }
}

self.addEventListener('message', ({ data }) => {
  if (!data || typeof data.type !== 'string' || crashed) return;
  if (data.type === 'init') {
    if (initStarted) return;
    initStarted = true;
    start(data.threads).catch((e) => post({ type: 'fatal', message: errorText(e) }));
    return;
  }
  if (!wasm) {
    post({ type: 'error', batch: data.batch, message: `'${data.type}' before the wasm module is ready` });
    return;
  }
  switch (data.type) {
    case 'convert':
      convert(data);
      break;
    case 'snapshot':
      snapshot(data);
      break;
    case 'cancel':
      if (running && running.handle) running.handle.cancel();
      break;
    case 'resetCache':
      if (running) {
        post({ type: 'error', message: 'cannot reset the cache while a batch runs' });
      } else {
        hclconv.resetCache();
        post({ type: 'cacheReset' });
      }
      break;
    case 'setCacheMode':
      if (running) {
        post({ type: 'error', message: 'cannot switch the cache mode while a batch runs' });
      } else if (!has('setCacheMode') && !batchCacheMode()) {
        post({ type: 'error', message: 'this build of the converter has a single cache mode' });
      } else {
        try {
          switchCacheMode(data.mode);
          post({ type: 'cacheMode', mode: hclconv.cacheSnapshot().mode ?? data.mode });
        } catch (e) {
          post({ type: 'error', message: `setCacheMode: ${errorText(e)}` });
        }
      }
      break;
    case 'setCacheTtl':
      if (running) {
        post({ type: 'error', message: 'cannot change the time to live while a batch runs' });
      } else if (!has('setCacheTtl')) {
        post({ type: 'error', message: 'this build of the converter has no time to live' });
      } else {
        try {
          optional('setCacheTtl')(data.ms ?? undefined);
          post({ type: 'cacheTtl', ms: data.ms ?? null });
        } catch (e) {
          post({ type: 'error', message: `setCacheTtl: ${errorText(e)}` });
        }
      }
      break;
    default:
      post({ type: 'error', message: `unknown message type '${data.type}'` });
  }
});
