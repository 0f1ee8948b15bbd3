// Benchmark page: starts the playground's conversion worker with ?threads=N and exposes
// `window.hclconvBench.run(examples)` for scripts/bench-browser.mjs. Times come from the worker's
// BatchResult (one clock shared by all workers) and from this page's clock for the round trip.
const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') || navigator.hardwareConcurrency || 1);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const status = document.getElementById('status');

let nextBatch = 1;
const pending = new Map();

const ready = new Promise((resolve, reject) => {
  worker.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg.type === 'ready') {
      // Time from navigation start to a usable pool, on this page's clock.
      resolve({ ...msg, readyAtMs: performance.now() });
    } else if (msg.type === 'fatal') {
      reject(new Error(msg.message));
    } else if (msg.type === 'result' || msg.type === 'error') {
      const done = pending.get(msg.batch);
      if (done) {
        pending.delete(msg.batch);
        done(msg);
      }
    }
  });
});
worker.postMessage({ type: 'init', threads });

window.hclconvBench = {
  ready,
  async run(examples) {
    await ready;
    const batch = nextBatch++;
    const t0 = performance.now();
    const msg = await new Promise((resolve) => {
      pending.set(batch, resolve);
      worker.postMessage({ type: 'convert', batch, examples });
    });
    if (msg.type === 'error') throw new Error(msg.message);
    const { result } = msg;
    const workers = new Set(result.results.map((r) => r.worker));
    return {
      roundTripMs: performance.now() - t0,
      totalMs: result.totalMs,
      threads: result.threads,
      examples: result.results.length,
      workers: workers.size,
    };
  },
};
ready.then((r) => { status.textContent = `ready: ${r.threads} thread(s), pool=${r.pool}`; },
  (e) => { status.textContent = `failed: ${e.message}`; });
