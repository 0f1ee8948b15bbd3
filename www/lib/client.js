// The page's side of the conversion worker (see ../worker.js for the message protocol). Owns the Worker
// object: starts it, replaces it with a fresh one (new thread count, or after a crash), and turns its
// messages into promises. Nothing here blocks: every call posts a message and returns.

export class WorkerCrashed extends Error {
  constructor(message) {
    super(message);
    this.name = 'WorkerCrashed';
  }
}

export class ConverterClient {
  /**
   * @param {object} handlers  onReady(info), onCrash({ message, generation }), onFatal(message),
   *                           onError(message) — messages not tied to a request.
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.worker = null;
    this.info = null;
    this.generation = 0;
    this.nextBatch = 1;
    this.pending = new Map(); // batch -> { resolve, reject }
    this.snapshotWaiters = [];
    this.snapshotSeq = 0;
    this.simple = null; // { type, resolve, reject } for cacheReset / cacheMode
    this.readyWaiters = [];
  }

  /** Starts a new worker (terminating the current one) with `threads` threads; resolves with its info. */
  start(threads) {
    this.stopWorker(new WorkerCrashed('the worker was replaced'));
    const generation = ++this.generation;
    this.info = null;
    const worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module', name: `hclconv-${generation}` });
    this.worker = worker;
    worker.addEventListener('message', ({ data }) => {
      if (this.worker === worker) this.onMessage(data, generation);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (this.worker !== worker) return;
      const message = event.message || 'the conversion worker could not be loaded';
      if (this.info) this.crash(message, generation);
      else this.handlers.onFatal(`The conversion worker failed: ${message}`);
    });
    worker.postMessage({ type: 'init', threads });
    return this.whenReady();
  }

  whenReady() {
    if (this.info) return Promise.resolve(this.info);
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  stopWorker(reason) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(reason);
    this.pending.clear();
    for (const w of this.snapshotWaiters) w.reject(reason);
    this.snapshotWaiters = [];
    if (this.simple) this.simple.reject(reason);
    this.simple = null;
  }

  crash(message, generation) {
    if (generation !== this.generation) return;
    this.stopWorker(new WorkerCrashed(message));
    this.info = null;
    this.handlers.onCrash({ message, generation });
  }

  onMessage(msg, generation) {
    switch (msg.type) {
      case 'ready':
        this.info = msg;
        this.handlers.onReady(msg);
        for (const w of this.readyWaiters) w.resolve(msg);
        this.readyWaiters = [];
        break;
      case 'result': {
        const p = this.pending.get(msg.batch);
        if (p) {
          this.pending.delete(msg.batch);
          p.resolve({ result: msg.result, wallMs: msg.wallMs });
        }
        break;
      }
      case 'snapshot': {
        const waiters = this.snapshotWaiters;
        this.snapshotWaiters = [];
        for (const w of waiters) w.resolve({ snapshot: msg.snapshot, progress: msg.progress });
        break;
      }
      case 'cacheReset':
      case 'cacheMode':
      case 'cacheTtl':
        if (this.simple) {
          this.simple.resolve(msg);
          this.simple = null;
        }
        break;
      case 'error': {
        const p = msg.batch !== undefined ? this.pending.get(msg.batch) : null;
        if (p) {
          this.pending.delete(msg.batch);
          p.reject(new Error(msg.message));
        } else if (this.simple) {
          this.simple.reject(new Error(msg.message));
          this.simple = null;
        } else {
          this.handlers.onError(msg.message);
        }
        break;
      }
      case 'crashed':
        if (!this.info) {
          // Dying before it was ever ready is no crash to recover from: restarting would loop.
          this.stopWorker(new Error(msg.message));
          for (const w of this.readyWaiters) w.reject(new Error(msg.message));
          this.readyWaiters = [];
          this.handlers.onFatal(`The converter could not start: ${msg.message}`);
        } else {
          this.crash(msg.message, generation);
        }
        break;
      case 'fatal':
        for (const w of this.readyWaiters) w.reject(new Error(msg.message));
        this.readyWaiters = [];
        this.handlers.onFatal(`The converter could not be loaded: ${msg.message}`);
        break;
      default:
        console.warn('unknown message from the worker', msg);
    }
  }

  /** Converts a batch: resolves { result, wallMs }; rejects WorkerCrashed when the worker dies meanwhile. */
  convert(request) {
    if (!this.worker || !this.info) return Promise.reject(new Error('the converter is not ready'));
    const batch = this.nextBatch++;
    return new Promise((resolve, reject) => {
      this.pending.set(batch, { resolve, reject });
      this.worker.postMessage({ type: 'convert', batch, ...request });
    });
  }

  cancel() {
    if (this.worker) this.worker.postMessage({ type: 'cancel' });
  }

  /** The cache snapshot and batch progress; concurrent calls share one request. */
  snapshot() {
    if (!this.worker || !this.info) return Promise.reject(new Error('the converter is not ready'));
    return new Promise((resolve, reject) => {
      this.snapshotWaiters.push({ resolve, reject });
      if (this.snapshotWaiters.length === 1) this.worker.postMessage({ type: 'snapshot', seq: ++this.snapshotSeq });
    });
  }

  /** A cache request (reset, mode, time to live); they are answered in order, one at a time. */
  request(message) {
    const send = () => {
      if (!this.worker || !this.info) return Promise.reject(new Error('the converter is not ready'));
      return new Promise((resolve, reject) => {
        this.simple = { resolve, reject };
        this.worker.postMessage(message);
      });
    };
    const result = (this.requestChain ?? Promise.resolve()).then(send, send);
    this.requestChain = result.catch(() => {});
    return result;
  }

  resetCache() {
    return this.request({ type: 'resetCache' });
  }

  setCacheMode(mode) {
    return this.request({ type: 'setCacheMode', mode });
  }

  setCacheTtl(ms) {
    return this.request({ type: 'setCacheTtl', ms });
  }
}
