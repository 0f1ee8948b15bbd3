// The conversion worker: the only place where the hclconv wasm module runs.
//
// The page's main thread never calls wasm. This module Worker loads it, starts the rayon thread pool
// (wasm-bindgen-rayon spawns its own nested Workers from here) and converts batches of examples. It stays
// responsive while a batch runs on the pool: it waits for the batch with `Atomics.waitAsync`, so it can
// answer cache snapshot requests in the meantime.
//
// Message protocol (every message is a plain object with a `type`):
//
//   page -> worker
//     { type: 'init', threads?: number }
//         Load the wasm and start the pool with min(hardwareConcurrency, threads) threads (default:
//         hardwareConcurrency, so at least 2 on a machine with 2 cores or more; an explicit smaller
//         `threads`, e.g. 1 for a benchmark baseline, is honoured). Without cross-origin isolation there
//         is no pool: batches then run on this worker's own thread (fallback). Must be sent once, first.
//     { type: 'convert', batch: number, examples: [{ id, files: { path: text } }], latch?: number }
//         Convert a batch. `latch` is a TEST-ONLY rendezvous forwarded to the wasm request (see
//         startBatch); leave it out normally. One batch at a time.
//     { type: 'snapshot', seq: number }      Ask for the cache counters and the batch progress.
//     { type: 'cancel' }                     Skip the remaining examples of the running batch.
//     { type: 'resetCache' }                 Empty the provider cache (not while a batch runs).
//
//   worker -> page
//     { type: 'ready', version, isolated, pool, threads, hardwareConcurrency, initMs, poolMs, notice? }
//         `pool` is false in fallback mode; `notice` then says why.
//     { type: 'result', batch, result, wallMs }   `result` is the wasm BatchResult (results in request order).
//     { type: 'snapshot', seq, snapshot, progress: { batch, completed, total } | null }
//     { type: 'cacheReset' }
//     { type: 'error', batch?, message }          A failed batch or request; the worker stays usable.
//     { type: 'fatal', message }                  The wasm could not be loaded at all.
import init, {
  initThreadPool,
  startBatch,
  convertBatchSync,
  cacheSnapshot,
  resetCache,
  version,
} from './pkg/hclconv.js';

const POOL_START_TIMEOUT_MS = 30_000;

let wasm = null; // InitOutput: `.memory` is the shared WebAssembly.Memory
let pool = false; // true once initThreadPool succeeded
let running = null; // { batch, handle|null, total } while a batch runs
let initStarted = false;

const post = (msg) => self.postMessage(msg);
const errorText = (e) => (e && e.message ? e.message : String(e));

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function start(requested) {
  const t0 = performance.now();
  wasm = await init();
  const initMs = performance.now() - t0;

  const hc = Math.max(1, navigator.hardwareConcurrency || 1);
  const wanted = Number.isInteger(requested) && requested > 0 ? requested : hc;
  const threads = Math.max(1, Math.min(hc, wanted));
  let poolMs = 0;
  let notice = null;
  if (!self.crossOriginIsolated) {
    notice =
      'This page is not cross-origin isolated (the server did not send the ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp headers), ' +
      'so WebAssembly threads are unavailable: conversions run on a single thread.';
  } else {
    const t1 = performance.now();
    try {
      await withTimeout(initThreadPool(threads), POOL_START_TIMEOUT_MS, 'initThreadPool');
      pool = true;
    } catch (e) {
      notice = `The thread pool could not start (${errorText(e)}): conversions run on a single thread.`;
    }
    poolMs = performance.now() - t1;
  }
  post({
    type: 'ready',
    version: version(),
    isolated: self.crossOriginIsolated,
    pool,
    threads: pool ? threads : 1,
    hardwareConcurrency: hc,
    initMs,
    poolMs,
    notice,
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
      // Browsers without Atomics.waitAsync: poll.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

async function convert({ batch, examples, latch }) {
  if (running) {
    post({ type: 'error', batch, message: 'a batch is already running' });
    return;
  }
  const request = { examples, language: 'typescript' };
  if (Number.isInteger(latch) && latch > 0) request.latch = latch;
  const t0 = performance.now();
  running = { batch, handle: null, total: examples.length };
  try {
    let result;
    if (pool) {
      const handle = startBatch(request);
      running.handle = handle;
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
      result = convertBatchSync(request);
    }
    post({ type: 'result', batch, result, wallMs: performance.now() - t0 });
  } catch (e) {
    post({ type: 'error', batch, message: errorText(e) });
  } finally {
    running = null;
  }
}

function snapshot({ seq }) {
  let progress = null;
  if (running) {
    const h = running.handle;
    progress = { batch: running.batch, completed: h ? h.completed() : 0, total: running.total };
  }
  try {
    post({ type: 'snapshot', seq, snapshot: cacheSnapshot(), progress });
  } catch (e) {
    post({ type: 'error', message: `cacheSnapshot: ${errorText(e)}` });
  }
}

self.addEventListener('message', ({ data }) => {
  if (!data || typeof data.type !== 'string') return;
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
        resetCache();
        post({ type: 'cacheReset' });
      }
      break;
    default:
      post({ type: 'error', message: `unknown message type '${data.type}'` });
  }
});
