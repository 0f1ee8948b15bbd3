// The playground page. It never touches wasm: everything runs in ./worker.js (see the message protocol
// documented there). This file only manages the examples, talks to the worker and renders what it says.
// User data and converter output are always rendered as text (textContent), never as HTML.
import { SAMPLES, NEW_EXAMPLE_TEXT } from './samples.js';

const SNAPSHOT_INTERVAL_MS = 100;

// URL parameters: ?threads=N chooses the pool size (capped by hardwareConcurrency);
// ?latch=N is a TEST-ONLY rendezvous forwarded with every batch (see worker.js). Neither is on by default.
const params = new URLSearchParams(location.search);
const requestedThreads = positiveInt(params.get('threads'));
const latch = positiveInt(params.get('latch'));

function positiveInt(value) {
  if (value == null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

const byTestId = (id, root = document) => root.querySelector(`[data-testid="${id}"]`);
const body = document.body;
const ui = {
  state: byTestId('status-state'),
  isolated: byTestId('status-isolated'),
  threads: byTestId('status-threads'),
  readyMs: byTestId('status-ready-ms'),
  version: byTestId('status-version'),
  notice: byTestId('isolation-notice'),
  fatal: byTestId('fatal-error'),
  examples: byTestId('examples'),
  addExample: byTestId('add-example'),
  clearExamples: byTestId('clear-examples'),
  convert: byTestId('convert'),
  cancel: byTestId('cancel'),
  batchStatus: byTestId('batch-status'),
  batchSummary: byTestId('batch-summary'),
  results: byTestId('results'),
  resetCache: byTestId('reset-cache'),
  cacheRows: byTestId('cache-rows'),
  cacheMode: byTestId('cache-mode'),
  cachePartial: byTestId('cache-partial'),
  snapshotCount: byTestId('snapshot-count'),
  counters: {
    hits: byTestId('counter-hits'),
    misses: byTestId('counter-misses'),
    loads: byTestId('counter-loads'),
    duplicateLoads: byTestId('counter-duplicate-loads'),
    waits: byTestId('counter-waits'),
    waitMs: byTestId('counter-wait-ms'),
  },
};
const templates = {
  example: document.getElementById('example-template'),
  file: document.getElementById('file-template'),
  result: document.getElementById('result-template'),
};

// ---------------------------------------------------------------------------------------------------
// State

let info = null; // the worker's 'ready' message
let readyMs = null; // page load (navigation start) -> pool ready
let batchSeq = 0;
let current = null; // { batch, ids } while a batch runs
let lastBatch = null; // { batch, result, wallMs } of the last finished batch
let batchesDone = 0;
let pollTimer = null;
let snapshotSeq = 0;
let snapshotInFlight = false;
let snapshotCount = 0;
let finalSnapshotTries = 0;

function setState(state) {
  body.dataset.state = state;
  ui.state.textContent = state;
}

// A small read-only view for tests and benchmarks (plain data; no way to reach wasm from here).
window.hclconvPlayground = Object.freeze({
  get info() {
    return info;
  },
  get readyMs() {
    return readyMs;
  },
  get lastBatch() {
    return lastBatch;
  },
  get batchesDone() {
    return batchesDone;
  },
});

// ---------------------------------------------------------------------------------------------------
// The worker

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

worker.addEventListener('message', ({ data }) => {
  switch (data.type) {
    case 'ready':
      onReady(data);
      break;
    case 'result':
      onResult(data);
      break;
    case 'snapshot':
      onSnapshot(data);
      break;
    case 'cacheReset':
      requestSnapshot();
      break;
    case 'error':
      onWorkerError(data);
      break;
    case 'fatal':
      showFatal(`The converter could not be loaded: ${data.message}`);
      break;
    default:
      console.warn('unknown message from the worker', data);
  }
});
worker.addEventListener('error', (event) => {
  showFatal(`The conversion worker failed: ${event.message || 'could not load worker.js'}`);
});

worker.postMessage({ type: 'init', threads: requestedThreads });

function onReady(msg) {
  info = msg;
  readyMs = performance.now();
  ui.isolated.textContent = String(msg.isolated);
  body.dataset.isolated = String(msg.isolated);
  body.dataset.pool = String(msg.pool);
  ui.threads.textContent = msg.pool
    ? `${msg.threads} (of ${msg.hardwareConcurrency} cores)`
    : `1 (no pool; ${msg.hardwareConcurrency} cores)`;
  ui.threads.dataset.threads = String(msg.threads);
  ui.readyMs.textContent = msg.pool ? `${Math.round(readyMs)} ms` : `${Math.round(readyMs)} ms (no pool)`;
  ui.readyMs.title = `wasm init ${msg.initMs.toFixed(1)} ms, thread pool ${msg.poolMs.toFixed(1)} ms`;
  ui.version.textContent = msg.version;
  if (msg.notice) {
    ui.notice.textContent = msg.notice;
    ui.notice.hidden = false;
  }
  setState('ready');
  ui.convert.disabled = false;
  ui.resetCache.disabled = false;
  console.info(
    `hclconv ${msg.version}: ready after ${readyMs.toFixed(0)} ms, ` +
      `${msg.pool ? `${msg.threads} threads` : 'no thread pool'}, crossOriginIsolated=${msg.isolated}`,
  );
  requestSnapshot();
}

function showFatal(text) {
  ui.fatal.textContent = text;
  ui.fatal.hidden = false;
  setState('failed');
  ui.convert.disabled = true;
  ui.cancel.disabled = true;
  stopPolling();
}

function onWorkerError(msg) {
  if (current && msg.batch === current.batch) {
    finishBatch();
    ui.batchStatus.textContent = `Batch failed: ${msg.message}`;
    setState('ready');
  } else {
    ui.batchStatus.textContent = msg.message;
  }
}

// ---------------------------------------------------------------------------------------------------
// Examples editor

function uniqueExampleId(base) {
  const taken = new Set(exampleElements().map((el) => byTestId('example-id', el).value.trim()));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function exampleElements() {
  return [...ui.examples.querySelectorAll('[data-testid="example"]')];
}

function addExample({ id, files }) {
  const el = templates.example.content.firstElementChild.cloneNode(true);
  byTestId('example-id', el).value = uniqueExampleId(id);
  for (const [path, text] of Object.entries(files)) addFile(el, path, text);
  byTestId('add-file', el).addEventListener('click', () => {
    const taken = new Set(fileElements(el).map((f) => byTestId('file-name', f).value.trim()));
    let name = 'main.tf';
    for (let i = 2; taken.has(name); i++) name = `file${i}.tf`;
    addFile(el, name, '').querySelector('textarea').focus();
  });
  byTestId('remove-example', el).addEventListener('click', () => el.remove());
  ui.examples.append(el);
  return el;
}

function fileElements(exampleEl) {
  return [...exampleEl.querySelectorAll('[data-testid="file"]')];
}

function addFile(exampleEl, path, text) {
  const el = templates.file.content.firstElementChild.cloneNode(true);
  byTestId('file-name', el).value = path;
  const textarea = byTestId('file-text', el);
  textarea.value = text;
  fitRows(textarea);
  textarea.addEventListener('input', () => fitRows(textarea));
  byTestId('remove-file', el).addEventListener('click', () => el.remove());
  exampleEl.querySelector('.files').append(el);
  return el;
}

// Grows a textarea with its text, between 6 and 24 rows (it scrolls beyond that).
function fitRows(textarea) {
  textarea.rows = Math.min(24, Math.max(6, textarea.value.split('\n').length + 1));
}

// Reads the editor into request examples; throws an Error with a readable message when invalid.
function collectExamples() {
  const examples = [];
  const ids = new Set();
  for (const el of exampleElements()) {
    const id = byTestId('example-id', el).value.trim();
    if (!id) throw new Error('every example needs an id');
    if (ids.has(id)) throw new Error(`two examples have the id “${id}”`);
    ids.add(id);
    const files = {};
    for (const f of fileElements(el)) {
      const path = byTestId('file-name', f).value.trim();
      if (!path) throw new Error(`example “${id}”: every file needs a name`);
      if (Object.hasOwn(files, path)) throw new Error(`example “${id}”: two files are named “${path}”`);
      files[path] = byTestId('file-text', f).value;
    }
    examples.push({ id, files });
  }
  return examples;
}

ui.addExample.addEventListener('click', () => {
  const el = addExample({ id: 'example', files: { 'main.tf': NEW_EXAMPLE_TEXT } });
  el.scrollIntoView({ block: 'nearest' });
  byTestId('example-id', el).select();
});
ui.clearExamples.addEventListener('click', () => {
  for (const el of exampleElements()) el.remove();
});

// ---------------------------------------------------------------------------------------------------
// Batches

function convertAll() {
  if (!info || current) return;
  let examples;
  try {
    examples = collectExamples();
  } catch (e) {
    ui.batchStatus.textContent = e.message;
    return;
  }
  if (examples.length === 0) {
    ui.batchStatus.textContent = 'Add an example first.';
    return;
  }
  const batch = ++batchSeq;
  current = { batch, ids: examples.map((e) => e.id) };
  body.dataset.batch = String(batch);
  setState('converting');
  ui.convert.disabled = true;
  ui.cancel.disabled = !info.pool; // the fallback converts synchronously: nothing to cancel
  ui.resetCache.disabled = true;
  ui.batchStatus.textContent = `Converting ${examples.length} example${examples.length === 1 ? '' : 's'}…`;
  renderPending(examples);
  const msg = { type: 'convert', batch, examples };
  if (latch) msg.latch = latch;
  worker.postMessage(msg);
  startPolling();
}

function finishBatch() {
  current = null;
  stopPolling();
  ui.convert.disabled = false;
  ui.cancel.disabled = true;
  ui.resetCache.disabled = false;
}

function onResult({ batch, result, wallMs }) {
  if (!current || batch !== current.batch) return;
  finishBatch();
  lastBatch = { batch, result, wallMs };
  renderResults(result);
  const workers = [...new Set(result.results.map((r) => workerLabel(r.worker)))];
  const errors = result.results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
  ui.batchSummary.textContent =
    `${result.results.length} examples · ${result.threads} thread${result.threads === 1 ? '' : 's'} · ` +
    `${result.totalMs.toFixed(1)} ms in the converter, ${wallMs.toFixed(1)} ms round trip · ` +
    `workers used: ${workers.join(', ')}`;
  const skipped = result.results.filter(isCancelled).length;
  const parts = [];
  if (errors) parts.push(`${errors} example${errors === 1 ? '' : 's'} with errors`);
  if (skipped) parts.push(`${skipped} cancelled`);
  ui.batchStatus.textContent = parts.length ? `Done: ${parts.join(', ')}.` : 'Done.';
  batchesDone++;
  body.dataset.batchesDone = String(batchesDone);
  setState('ready');
  finalSnapshotTries = 0;
  requestSnapshot();
}

ui.convert.addEventListener('click', convertAll);
ui.cancel.addEventListener('click', () => {
  if (!current) return;
  worker.postMessage({ type: 'cancel' });
  ui.batchStatus.textContent = 'Cancelling…';
  ui.cancel.disabled = true;
});
ui.resetCache.addEventListener('click', () => {
  if (!current) worker.postMessage({ type: 'resetCache' });
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    convertAll();
  }
});

// ---------------------------------------------------------------------------------------------------
// Rendering results (text only)

function isCancelled(r) {
  return r.diagnostics.some((d) => d.code === 'cancelled');
}

function workerLabel(worker) {
  return worker === null || worker === undefined ? 'no pool' : `worker ${worker}`;
}

function renderPending(examples) {
  ui.results.replaceChildren(
    ...examples.map((ex) => {
      const el = templates.result.content.firstElementChild.cloneNode(true);
      el.dataset.exampleId = ex.id;
      el.classList.add('pending');
      byTestId('result-id', el).textContent = ex.id;
      byTestId('result-status', el).textContent = 'converting…';
      return el;
    }),
  );
}

function renderResults(result) {
  ui.results.replaceChildren(...result.results.map(renderResult));
}

function renderResult(r) {
  const el = templates.result.content.firstElementChild.cloneNode(true);
  el.dataset.exampleId = r.id;
  byTestId('result-id', el).textContent = r.id;

  const w = byTestId('result-worker', el);
  w.textContent = workerLabel(r.worker);
  w.dataset.worker = r.worker === null || r.worker === undefined ? 'none' : String(r.worker);
  w.title = `started ${new Date(r.startMs).toISOString()}, ended ${new Date(r.endMs).toISOString()}`;

  const d = byTestId('result-duration', el);
  d.textContent = `${r.durationMs.toFixed(1)} ms`;
  d.dataset.ms = String(r.durationMs);

  const counts = { error: 0, warning: 0, info: 0 };
  for (const diag of r.diagnostics) counts[diag.severity] = (counts[diag.severity] || 0) + 1;
  const status = byTestId('result-status', el);
  if (counts.error) {
    status.textContent = `${counts.error} error${counts.error === 1 ? '' : 's'}`;
    el.classList.add('has-errors');
  } else if (isCancelled(r)) {
    status.textContent = 'cancelled';
  } else if (counts.warning) {
    status.textContent = `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`;
  } else {
    status.textContent = 'ok';
  }
  status.dataset.status = counts.error ? 'error' : isCancelled(r) ? 'cancelled' : 'ok';

  const list = byTestId('diagnostics', el);
  for (const diag of r.diagnostics) list.append(renderDiagnostic(diag));
  list.hidden = r.diagnostics.length === 0;

  const out = byTestId('result-output', el);
  const text = r.output && typeof r.output.text === 'string' ? r.output.text : '';
  out.textContent = text;
  out.hidden = text === '';
  if (r.output && r.output.path) out.dataset.path = r.output.path;
  return el;
}

function renderDiagnostic(diag) {
  const li = document.createElement('li');
  li.dataset.testid = 'diagnostic';
  li.dataset.severity = diag.severity;
  li.className = `diagnostic ${diag.severity}`;
  const sev = document.createElement('span');
  sev.className = 'severity';
  sev.textContent = diag.severity;
  const code = document.createElement('code');
  code.className = 'code';
  code.textContent = diag.code;
  const loc = document.createElement('span');
  loc.className = 'location';
  loc.dataset.testid = 'diagnostic-location';
  loc.textContent = diag.file ? `${diag.file}:${diag.line}:${diag.column}` : '(batch)';
  const message = document.createElement('span');
  message.className = 'message';
  message.dataset.testid = 'diagnostic-message';
  message.textContent = diag.message;
  li.append(sev, ' ', code, ' ', loc, ' ', message);
  return li;
}

// ---------------------------------------------------------------------------------------------------
// Cache snapshots: polled every SNAPSHOT_INTERVAL_MS while a batch runs, and once after it.

function startPolling() {
  stopPolling();
  pollTimer = setInterval(requestSnapshot, SNAPSHOT_INTERVAL_MS);
  requestSnapshot();
}

function stopPolling() {
  if (pollTimer !== null) clearInterval(pollTimer);
  pollTimer = null;
}

function requestSnapshot() {
  if (snapshotInFlight || !info) return;
  snapshotInFlight = true;
  worker.postMessage({ type: 'snapshot', seq: ++snapshotSeq });
}

function onSnapshot({ snapshot, progress }) {
  snapshotInFlight = false;
  snapshotCount++;
  ui.snapshotCount.textContent = String(snapshotCount);
  renderSnapshot(snapshot);
  if (current && progress && progress.batch === current.batch && info.pool) {
    ui.batchStatus.textContent = `Converting… ${progress.completed}/${progress.total}`;
  }
  // A partial snapshot after the batch: ask again (a few times) so the table settles on a full one.
  if (!current && snapshot.partial && finalSnapshotTries < 20) {
    finalSnapshotTries++;
    setTimeout(requestSnapshot, 25);
  }
}

function renderSnapshot(s) {
  for (const [key, el] of Object.entries(ui.counters)) {
    const v = s[key];
    el.textContent = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : '–';
  }
  ui.cacheMode.textContent = s.mode;
  ui.cachePartial.textContent = s.partial ? 'partial' : 'complete';
  ui.cachePartial.dataset.partial = String(Boolean(s.partial));
  // A partial snapshot may lack entries: keep the rows we have rather than blanking the table.
  if (s.partial && s.entries.length === 0) return;
  const entries = [...s.entries].sort((a, b) => a.key.localeCompare(b.key));
  ui.cacheRows.replaceChildren(
    ...entries.map((e) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = 'cache-row';
      tr.dataset.key = e.key;
      tr.dataset.state = e.state;
      const cells = [
        e.key,
        e.loadedBy === null || e.loadedBy === undefined ? 'no pool' : `worker ${e.loadedBy}`,
        e.state === 'loading' ? '…' : e.loadMs.toFixed(1),
        String(e.hits),
        e.state,
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Start

for (const sample of SAMPLES) addExample(sample);
