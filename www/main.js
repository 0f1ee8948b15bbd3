// The playground page. It never touches wasm: everything runs in ./worker.js, driven through
// lib/client.js. This file keeps the document (the examples the user edits, saved to localStorage on every
// change), renders the editors, outputs, diagnostics and live panels, and runs batches.
// User text and converter output only ever reach the DOM as text (CodeMirror documents, textContent).
import { GALLERY, DEFAULT_IDS, NEW_EXAMPLE_TEXT, STAMPEDE_IDS } from './samples.js';
import { LIMITS, decodePermalink, encodePermalink, sanitizeName, sanitizePath, uniqueName, validateDocument } from './lib/document.js';
import { ConverterClient, WorkerCrashed } from './lib/client.js';
import { createSourceEditor, createOutputViewer } from './lib/editors.js';
import { CacheCounters, CacheTable, Sparkline, ThreadTable, Timeline } from './lib/panels.js';
import { buildZip, projectFiles } from './lib/zip.js';
import { examplesFromFiles, filesFromDataTransfer, filesFromInput } from './lib/files.js';
import { h, byTestId, setText, plural, formatMs } from './lib/dom.js';

const STORAGE_KEY = 'hclconv.playground.v1';
const SNAPSHOT_INTERVAL_MS = 50; // 20 Hz while a batch runs
const SAVE_DELAY_MS = 150;
const LIVE_DELAY_MS = 350; // convert the shown example this long after the last keystroke
const body = document.body;

// URL switches. ?threads=N and ?presenter=1 are conveniences; ?latch=N, ?raceLatch=N and ?crashOn=ID are
// TEST-ONLY (see worker.js and the README) and off unless given.
const params = new URLSearchParams(location.search);
const positiveInt = (v) => (v != null && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
const liveParam = params.get('live'); // ?live=0 / ?live=1 overrides the saved choice
const testSwitches = {
  latch: positiveInt(params.get('latch')),
  raceLatch: positiveInt(params.get('raceLatch')),
  snapshotLockstep: params.get('snapshotLockstep') === '1' || undefined,
  crashOn: params.get('crashOn') || undefined,
};

const ui = {
  state: byTestId('status-state'),
  isolated: byTestId('status-isolated'),
  threadsStatus: byTestId('status-threads'),
  readyMs: byTestId('status-ready-ms'),
  version: byTestId('status-version'),
  isolationNotice: byTestId('isolation-notice'),
  isolationReason: byTestId('isolation-reason'),
  fatal: byTestId('fatal-error'),
  notice: byTestId('notice'),
  noticeText: byTestId('notice-text'),
  noticeClose: byTestId('notice-close'),
  shareUrl: byTestId('share-url'),
  share: byTestId('share'),
  presenter: byTestId('presenter-toggle'),
  dropZone: byTestId('drop-zone'),
  dropOverlay: byTestId('drop-overlay'),
  exampleTabs: byTestId('example-tabs'),
  fileTabs: byTestId('file-tabs'),
  addExample: byTestId('add-example'),
  addFile: byTestId('add-file'),
  openGallery: byTestId('open-gallery'),
  openFiles: byTestId('open-files'),
  openFolder: byTestId('open-folder'),
  noExamples: byTestId('no-examples'),
  sourceHost: byTestId('source-editor'),
  outputHost: byTestId('output-editor'),
  outputTitle: document.getElementById('output-title'),
  outputFiles: byTestId('output-files'),
  outputState: byTestId('output-state'),
  language: byTestId('language'),
  copy: byTestId('copy-output'),
  live: byTestId('live'),
  downloadAll: byTestId('download-all'),
  diagnostics: byTestId('diagnostics'),
  diagnosticCounts: byTestId('diagnostic-counts'),
  convert: byTestId('convert'),
  stop: byTestId('stop'),
  threads: byTestId('threads'),
  copies: byTestId('copies'),
  progress: byTestId('progress'),
  batchStatus: byTestId('batch-status'),
  batchTotal: byTestId('batch-total'),
  timeline: byTestId('timeline'),
  timelineSummary: byTestId('timeline-summary'),
  cacheMode: byTestId('cache-mode'),
  cacheFatal: byTestId('cache-fatal'),
  refreshRate: byTestId('refresh-rate'),
  resetCache: byTestId('reset-cache'),
  hitRate: byTestId('hit-rate'),
  snapshotCount: byTestId('snapshot-count'),
  cachePartial: byTestId('cache-partial'),
  modes: byTestId('cache-modes'),
  modeExplanation: byTestId('mode-explanation'),
  stampede: byTestId('stampede'),
  ttlControl: byTestId('ttl-control'),
  ttl: byTestId('ttl'),
  stampedeSize: byTestId('stampede-size'),
  outcome: byTestId('workshop-outcome'),
  gallery: byTestId('gallery-dialog'),
  galleryList: byTestId('gallery-list'),
  galleryOpenAll: byTestId('gallery-open-all'),
  galleryClose: byTestId('gallery-close'),
};

const counters = new CacheCounters(byTestId('cache-counters'));
const cacheTable = new CacheTable(byTestId('cache-rows'));
const threadTable = new ThreadTable(byTestId('thread-table'));
const sparkline = new Sparkline(byTestId('sparkline'), ui.hitRate);
const timeline = new Timeline(ui.timeline, ui.timelineSummary);
timeline.clear();

// ---------------------------------------------------------------------------------------------------
// The document

let keySeq = 0;
const newKey = () => `ex${++keySeq}`;

/** Runtime example: { key, name, files: [{ path, text, state? }], activeFile, revision }. */
function makeExample(name, files, activeFile) {
  const list = files.map((f) => ({ path: f.path, text: f.text, state: null }));
  return {
    key: newKey(),
    name,
    files: list,
    activeFile: list.some((f) => f.path === activeFile) ? activeFile : list[0]?.path,
    revision: 0,
  };
}

const doc = {
  examples: [],
  activeKey: null,
  language: 'typescript',
  threads: undefined,
  cacheMode: undefined,
  copies: 1,
  presenter: false,
  live: true,
};

/** Converted results: example key -> { result, language, revision, name }. */
const results = new Map();

function galleryExample(id) {
  const g = GALLERY.find((x) => x.id === id);
  return g ? { name: g.id, files: Object.entries(g.files).map(([path, text]) => ({ path, text })) } : null;
}

function serialize() {
  return {
    examples: doc.examples.map((e) => ({ name: e.name, files: e.files.map((f) => ({ path: f.path, text: f.text })), activeFile: e.activeFile })),
    active: activeExample()?.name,
    language: doc.language,
    threads: doc.threads,
    cacheMode: doc.cacheMode,
    copies: doc.copies,
    presenter: doc.presenter,
    live: doc.live,
    cacheTtl: doc.cacheTtl ?? null,
  };
}

let saveRevision = 0;
let saveTimer = null;
/** Saves shortly after the last change (and at once when the page is hidden or unloaded). */
function scheduleSave() {
  saveRevision++;
  if (saveTimer !== null) clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
}
function saveNow() {
  if (saveTimer !== null) clearTimeout(saveTimer);
  saveTimer = null;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(serialize()));
    body.dataset.saved = String(saveRevision);
  } catch (e) {
    showNotice(`Your examples could not be saved in this browser (${e.message}).`);
  }
}
addEventListener('pagehide', saveNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') saveNow();
});

function applyDocument(d, extra = {}) {
  doc.examples = d.examples.map((e, i) => makeExample(e.name, e.files, extra.activeFiles?.[i]));
  doc.activeKey = doc.examples.find((e) => e.name === extra.active)?.key ?? doc.examples[0]?.key ?? null;
  if (d.language) doc.language = d.language;
  if (d.threads) doc.threads = d.threads;
  if (d.cacheMode) doc.cacheMode = d.cacheMode;
  if (d.copies) doc.copies = d.copies;
  results.clear();
}

function loadInitialDocument() {
  // 1. A permalink wins (and is then dropped from the address bar: localStorage carries on from it).
  const linked = decodePermalink(location.hash);
  if (linked) {
    history.replaceState(null, '', location.pathname + location.search);
    if (linked.doc) {
      applyDocument(linked.doc);
      scheduleSave();
      showNotice(`Opened ${plural(linked.doc.examples.length, 'example')} from the link.`);
      return 'permalink';
    }
    showNotice(`The link could not be opened: ${linked.error}.`);
  }
  // 2. What the user had.
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const saved = JSON.parse(raw);
      const { doc: d } = validateDocument(saved);
      if (d) {
        applyDocument(d, { active: saved.active, activeFiles: saved.examples.map((e) => e && e.activeFile) });
        doc.presenter = saved.presenter === true;
        doc.live = saved.live !== false;
        if (typeof saved.cacheTtl === 'number' && saved.cacheTtl >= 0) doc.cacheTtl = saved.cacheTtl;
        return 'storage';
      }
    }
  } catch {
    // fall through to the defaults
  }
  // 3. A first visit.
  applyDocument({ examples: DEFAULT_IDS.map(galleryExample).filter(Boolean) });
  return 'defaults';
}

const activeExample = () => doc.examples.find((e) => e.key === doc.activeKey) ?? null;
const activeFile = (ex = activeExample()) => ex?.files.find((f) => f.path === ex.activeFile) ?? ex?.files[0] ?? null;

// ---------------------------------------------------------------------------------------------------
// Editors

const source = createSourceEditor(ui.sourceHost, {
  label: 'Terraform source',
  onChange(text) {
    const ex = activeExample();
    const file = activeFile(ex);
    if (!file) return;
    file.text = text;
    file.state = source.view.state;
    ex.revision++;
    scheduleSave();
    scheduleLive();
    // Typing must stay cheap: the output side is refreshed once per frame, and only what changed.
    if (!outputFrame) outputFrame = requestAnimationFrame(() => {
      outputFrame = 0;
      renderOutput();
    });
  },
});
let outputFrame = 0;
const output = createOutputViewer(ui.outputHost, { label: 'Converted program (read only)' });
let outputFile = null; // path of the project file shown

function showActiveFile() {
  const ex = activeExample();
  const file = activeFile(ex);
  ui.sourceHost.hidden = !file;
  ui.noExamples.hidden = Boolean(ex);
  if (!file) return;
  if (!file.state) file.state = source.stateFor(file.path, file.text);
  source.show(file.state);
  applyEditorDiagnostics();
}

function saveEditorState() {
  const file = activeFile();
  if (file) file.state = source.view.state;
}

// ---------------------------------------------------------------------------------------------------
// Tabs: examples and their files

function selectExample(key, { focus = false } = {}) {
  saveEditorState();
  doc.activeKey = key;
  outputFile = null;
  renderTabs();
  showActiveFile();
  renderOutput();
  scheduleSave();
  if (focus) ui.exampleTabs.querySelector('[aria-selected="true"]')?.focus();
}

function selectFile(path, { focus = false } = {}) {
  const ex = activeExample();
  if (!ex) return;
  saveEditorState();
  ex.activeFile = path;
  renderFileTabs();
  showActiveFile();
  scheduleSave();
  if (focus) ui.fileTabs.querySelector('[aria-selected="true"]')?.focus();
}

function addExamples(list, { select = true } = {}) {
  const taken = new Set(doc.examples.map((e) => e.name));
  const added = [];
  for (const e of list) {
    if (doc.examples.length >= LIMITS.examples) {
      showNotice(`At most ${LIMITS.examples} examples.`);
      break;
    }
    const name = uniqueName(e.name, taken);
    taken.add(name);
    const ex = makeExample(name, e.files.length ? e.files : [{ path: 'main.tf', text: '' }]);
    doc.examples.push(ex);
    added.push(ex);
  }
  if (added.length && select) selectExample(added[0].key);
  else renderTabs();
  scheduleSave();
  return added;
}

function closeExample(key) {
  const i = doc.examples.findIndex((e) => e.key === key);
  if (i < 0) return;
  const [gone] = doc.examples.splice(i, 1);
  results.delete(gone.key);
  if (doc.activeKey === key) {
    const next = doc.examples[Math.min(i, doc.examples.length - 1)];
    doc.activeKey = next ? next.key : null;
  }
  selectExample(doc.activeKey, { focus: true });
  showNotice(`Closed “${gone.name}”.`);
}

function renameExample(key, name) {
  const ex = doc.examples.find((e) => e.key === key);
  if (!ex) return;
  const clean = sanitizeName(name);
  if (!clean || clean === ex.name) return;
  ex.name = uniqueName(clean, new Set(doc.examples.filter((e) => e !== ex).map((e) => e.name)));
  ex.revision++;
  scheduleSave();
}

function renameFile(ex, file, path) {
  const clean = sanitizePath(path);
  if (!clean || clean === file.path) return;
  if (ex.files.some((f) => f !== file && f.path === clean)) {
    showNotice(`“${ex.name}” already has a file named “${clean}”.`);
    return;
  }
  if (ex.activeFile === file.path) ex.activeFile = clean;
  file.path = clean;
  file.state = null; // the highlighter depends on the name
  ex.revision++;
  scheduleSave();
}

/**
 * A tab strip (role=tablist) with rename (double-click / F2), close (× / Delete) and arrow keys.
 * Tab elements are kept across renders (keyed), so a double-click survives the first click's re-render.
 * Handlers read the strip's current items and options at event time.
 */
function renderTabStrip(root, items, options) {
  root.tabStrip = { items, options };
  const existing = new Map([...root.children].map((el) => [el.dataset.key, el]));
  const tabs = items.map((item) => {
    let tab = existing.get(item.key);
    if (tab && tab.querySelector('.tab-rename')) return tab; // being renamed: leave it alone
    if (!tab || tab.dataset.closable !== String(options.canClose)) tab = createTab(root, item.key, options);
    if (tab.dataset.name !== item.label) {
      tab.dataset.name = item.label;
      tab.querySelector('.tab-name').textContent = item.label;
      tab.title = `${item.label} (double-click or F2 to rename)`;
      const close = tab.querySelector('.tab-close');
      if (close) close.setAttribute('aria-label', `Close ${item.label}`);
    }
    tab.setAttribute('aria-selected', String(item.selected));
    tab.tabIndex = item.selected ? 0 : -1;
    return tab;
  });
  const current = [...root.children];
  if (current.length !== tabs.length || current.some((el, i) => el !== tabs[i])) root.replaceChildren(...tabs);
  if (root.contains(document.activeElement) === false) root.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function createTab(root, key, { testid, canClose }) {
  const strip = () => root.tabStrip;
  const itemOf = () => strip().items.find((i) => i.key === key);
  const name = h('span', { class: 'tab-name' });
  const tab = h('div', { class: 'tab', testid, dataset: { key, closable: String(canClose) }, attrs: { role: 'tab' } }, name);
  if (canClose) {
    tab.append(h('button', {
      class: 'tab-close',
      testid: `close-${testid}`,
      text: '×',
      attrs: { type: 'button', tabindex: '-1' },
      on: { click: (ev) => { ev.stopPropagation(); strip().options.onClose(key); } },
    }));
  }
  const startRename = () => {
    const item = itemOf();
    if (!item) return;
    const input = h('input', { class: 'tab-rename', testid: 'rename-input', attrs: { type: 'text', 'aria-label': `New name for ${item.label}`, spellcheck: 'false' } });
    input.value = item.label;
    let done = false;
    const finish = (commit) => {
      if (done) return;
      done = true;
      if (commit) strip().options.onRename(key, input.value);
      input.replaceWith(name);
      renderTabs();
      root.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
    };
    input.addEventListener('keydown', (ev) => {
      ev.stopPropagation();
      if (ev.key === 'Enter') finish(true);
      else if (ev.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    input.addEventListener('click', (ev) => ev.stopPropagation());
    input.addEventListener('dblclick', (ev) => ev.stopPropagation());
    name.replaceWith(input);
    input.select();
    input.focus();
  };
  tab.addEventListener('click', () => {
    if (!itemOf()?.selected) strip().options.onSelect(key);
  });
  tab.addEventListener('auxclick', (ev) => {
    if (ev.button === 1 && canClose) strip().options.onClose(key);
  });
  tab.addEventListener('dblclick', startRename);
  tab.addEventListener('keydown', (ev) => {
    if (ev.target !== tab) return;
    const { items, options } = strip();
    const i = items.findIndex((x) => x.key === key);
    const go = (j) => options.onSelect(items[(j + items.length) % items.length].key, { focus: true });
    if (ev.key === 'ArrowRight') go(i + 1);
    else if (ev.key === 'ArrowLeft') go(i - 1);
    else if (ev.key === 'Home') go(0);
    else if (ev.key === 'End') go(items.length - 1);
    else if (ev.key === 'F2') startRename();
    else if (ev.key === 'Delete' && canClose) options.onClose(key);
    else if (ev.key === 'Enter' || ev.key === ' ') options.onSelect(key);
    else return;
    ev.preventDefault();
  });
  return tab;
}

function renderTabs() {
  renderTabStrip(ui.exampleTabs, doc.examples.map((e) => ({
    key: e.key,
    label: e.name,
    selected: e.key === doc.activeKey,
  })), {
    testid: 'example-tab',
    canClose: true,
    onSelect: (key, opts) => selectExample(key, opts),
    onClose: closeExample,
    onRename: (key, name) => {
      renameExample(key, name);
      renderOutput();
    },
  });
  for (const tab of ui.exampleTabs.children) {
    const r = results.get(tab.dataset.key);
    const status = r ? resultStatus(r.result) : null;
    if (status) tab.dataset.status = status;
  }
  renderFileTabs();
  ui.noExamples.hidden = doc.examples.length > 0;
  ui.addFile.disabled = !activeExample();
}

function renderFileTabs() {
  const ex = activeExample();
  if (!ex) {
    ui.fileTabs.replaceChildren();
    return;
  }
  renderTabStrip(ui.fileTabs, ex.files.map((f) => ({ key: f.path, label: f.path, selected: f.path === ex.activeFile })), {
    testid: 'file-tab',
    canClose: ex.files.length > 1,
    onSelect: (path, opts) => selectFile(path, opts),
    onClose: (path) => {
      ex.files = ex.files.filter((f) => f.path !== path);
      if (ex.activeFile === path) ex.activeFile = ex.files[0]?.path;
      ex.revision++;
      scheduleSave();
      renderFileTabs();
      showActiveFile();
      renderOutput();
    },
    onRename: (path, name) => {
      const file = ex.files.find((f) => f.path === path);
      if (file) renameFile(ex, file, name);
      showActiveFile();
    },
  });
}

ui.addExample.addEventListener('click', () => {
  addExamples([{ name: 'example', files: [{ path: 'main.tf', text: NEW_EXAMPLE_TEXT }] }]);
  source.view.focus();
});
ui.addFile.addEventListener('click', () => {
  const ex = activeExample();
  if (!ex) return;
  const taken = new Set(ex.files.map((f) => f.path));
  let path = 'variables.tf';
  for (let i = 2; taken.has(path); i++) path = `file${i}.tf`;
  saveEditorState();
  ex.files.push({ path, text: '', state: null });
  ex.activeFile = path;
  ex.revision++;
  scheduleSave();
  renderFileTabs();
  showActiveFile();
  source.view.focus();
});

// Paste into the page (outside an editor): a new example from the clipboard text.
document.addEventListener('paste', (ev) => {
  // Editors live in shadow roots: look at the composed path, not the retargeted target.
  const inField = ev.composedPath().some((n) => n instanceof Element && (n.classList.contains('cm-editor') || n.matches('input, textarea, select')));
  if (inField || ev.defaultPrevented) return;
  const text = ev.clipboardData?.getData('text/plain');
  if (!text) return;
  ev.preventDefault();
  addExamples([{ name: 'pasted', files: [{ path: 'main.tf', text }] }]);
  showNotice('Pasted as a new example.');
});

// Drag and drop of files and folders onto the input pane.
let dragDepth = 0;
ui.dropZone.addEventListener('dragenter', (ev) => {
  if (![...(ev.dataTransfer?.types || [])].includes('Files')) return;
  ev.preventDefault();
  dragDepth++;
  ui.dropOverlay.hidden = false;
});
ui.dropZone.addEventListener('dragover', (ev) => {
  if (![...(ev.dataTransfer?.types || [])].includes('Files')) return;
  ev.preventDefault();
  ev.dataTransfer.dropEffect = 'copy';
});
ui.dropZone.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) ui.dropOverlay.hidden = true;
});
ui.dropZone.addEventListener('drop', (ev) => {
  dragDepth = 0;
  ui.dropOverlay.hidden = true;
  if (!ev.dataTransfer || ![...ev.dataTransfer.types].includes('Files')) return;
  ev.preventDefault();
  // Entries must be taken synchronously, before the event returns.
  importFiles(filesFromDataTransfer(ev.dataTransfer));
});
ui.openFiles.addEventListener('change', () => {
  importFiles(Promise.resolve(filesFromInput(ui.openFiles)));
  ui.openFiles.value = '';
});
ui.openFolder.addEventListener('change', () => {
  importFiles(Promise.resolve(filesFromInput(ui.openFolder)));
  ui.openFolder.value = '';
});

async function importFiles(listPromise) {
  try {
    const { examples, skipped } = await examplesFromFiles(await listPromise);
    if (examples.length === 0) {
      showNotice('No Terraform files found in what was dropped.');
      return;
    }
    const added = addExamples(examples);
    const names = added.map((e) => `“${e.name}”`).join(', ');
    showNotice(`Opened ${plural(added.length, 'example')}: ${names}.${skipped.length ? ` Skipped ${plural(skipped.length, 'file')}.` : ''}`);
  } catch (e) {
    showNotice(`The files could not be read: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Gallery

function renderGallery() {
  ui.galleryList.replaceChildren(
    ...GALLERY.map((g) =>
      h('li', {},
        h('button', {
          class: 'gallery-item',
          testid: 'gallery-item',
          dataset: { id: g.id },
          attrs: { type: 'button' },
          on: {
            click: () => {
              addExamples([galleryExample(g.id)]);
              ui.gallery.close();
            },
          },
        },
        h('strong', { text: g.title }),
        h('span', { class: 'muted', text: g.description }),
        h('code', { class: 'small', text: Object.keys(g.files).join(' · ') })),
      ),
    ),
  );
}
ui.openGallery.addEventListener('click', () => ui.gallery.showModal());
ui.galleryClose.addEventListener('click', () => ui.gallery.close());
ui.galleryOpenAll.addEventListener('click', () => {
  addExamples(GALLERY.map((g) => galleryExample(g.id)));
  ui.gallery.close();
});
ui.gallery.addEventListener('click', (ev) => {
  if (ev.target === ui.gallery) ui.gallery.close(); // a click on the backdrop
});

// ---------------------------------------------------------------------------------------------------
// Output and diagnostics

const isCancelled = (r) => r.diagnostics.some((d) => d.code === 'cancelled');
const spanOf = (d) => d.span ?? d;

function resultStatus(r) {
  if (!r) return null;
  if (r.crashed) return 'crashed';
  if (isCancelled(r)) return 'cancelled';
  if (r.diagnostics.some((d) => d.severity === 'error')) return 'error';
  if (r.diagnostics.some((d) => d.severity === 'warning')) return 'warning';
  return 'ok';
}

function languageInfo(id = doc.language) {
  return (client.info?.languages ?? []).find((l) => l.id === id) ?? { id, name: id, mainFile: '' };
}

function renderOutput() {
  const ex = activeExample();
  const entry = ex ? results.get(ex.key) : null;
  const r = entry?.result;
  const lang = languageInfo();
  setText(ui.outputTitle, `Pulumi ${lang.name}`);
  let state = '';
  let stateKind = 'none';
  if (!ex) {
    state = '';
  } else if (!entry) {
    state = 'not converted yet';
    stateKind = 'pending';
  } else if (entry.language !== doc.language) {
    state = `converted to ${languageInfo(entry.language).name}`;
    stateKind = 'stale';
  } else if (entry.revision !== ex.revision) {
    state = 'edited since';
    stateKind = 'stale';
  } else {
    state = resultStatus(r);
    stateKind = state;
  }
  setText(ui.outputState, state);
  ui.outputState.dataset.state = stateKind;
  const key = [ex?.key, entry?.result, stateKind, doc.language, outputFile, ex?.name].map(String).join('|') + (entry ? '' : 'none');
  if (renderOutput.last && renderOutput.last.key === key && renderOutput.last.entry === entry) return;
  renderOutput.last = { key, entry };

  const files = r ? projectFiles(r) : [];
  const main = r?.output?.path;
  if (!files.some((f) => f.path === outputFile)) outputFile = files.some((f) => f.path === main) ? main : files[0]?.path ?? null;
  renderTabStrip(ui.outputFiles, files.length > 1 ? files.map((f) => ({ key: f.path, label: f.path, selected: f.path === outputFile })) : [], {
    testid: 'output-file-tab',
    canClose: false,
    onSelect: (path, opts) => {
      outputFile = path;
      renderOutput();
      if (opts?.focus) ui.outputFiles.querySelector('[aria-selected="true"]')?.focus();
    },
    onRename: () => {},
    onClose: () => {},
  });
  const file = files.find((f) => f.path === outputFile);
  const text = file ? file.text : r?.crashed ? `// ${r.crashed}` : '';
  const langId = file && file.path !== main ? languageForPath(file.path) : entry?.language ?? doc.language;
  output.set(text, langId);
  ui.outputHost.dataset.path = file?.path ?? '';
  ui.copy.disabled = text === '';
  renderDiagnostics(ex, r);
  const anyResult = doc.examples.some((e) => results.get(e.key)?.language === doc.language);
  ui.downloadAll.disabled = !anyResult;
}

function languageForPath(path) {
  if (/\.ts$/.test(path)) return 'typescript';
  if (/\.py$/.test(path)) return 'python';
  if (/\.ya?ml$/.test(path)) return 'yaml';
  if (/\.json$/.test(path)) return 'javascript';
  if (/\.pp$/.test(path)) return 'pcl';
  return 'text';
}

function renderDiagnostics(ex, r) {
  const list = r ? r.diagnostics.filter((d) => d.code !== 'cancelled') : [];
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of list) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
  setText(ui.diagnosticCounts, r ? `${plural(counts.error, 'error')} · ${plural(counts.warning, 'warning')} · ${counts.info} info` : '');
  const items = list.map((d) => {
    const sp = spanOf(d);
    const where = sp.file ? `${sp.file}:${sp.line}:${sp.column}` : '(example)';
    const button = h('button', {
      class: `diagnostic ${d.severity}`,
      testid: 'diagnostic',
      dataset: { severity: d.severity, file: sp.file ?? '', line: String(sp.line ?? ''), column: String(sp.column ?? '') },
      attrs: { type: 'button', title: sp.file ? `Go to ${where}` : undefined },
      on: { click: () => revealDiagnostic(ex, sp) },
    },
    h('span', { class: 'severity', text: d.severity }),
    h('span', { class: 'location', testid: 'diagnostic-location', text: where }),
    h('span', { class: 'message', testid: 'diagnostic-message', text: d.message }),
    h('code', { class: 'code', text: d.code }));
    return h('li', {}, button);
  });
  if (items.length === 0) {
    items.push(h('li', { class: 'muted', text: r ? 'No diagnostics.' : 'Diagnostics appear here after a conversion.' }));
  }
  ui.diagnostics.replaceChildren(...items);
  applyEditorDiagnostics();
}

/** Underlines the diagnostics of the shown file (only when the text is the one that was converted). */
function applyEditorDiagnostics() {
  const ex = activeExample();
  const file = activeFile(ex);
  const entry = ex ? results.get(ex.key) : null;
  if (!file || !entry || entry.revision !== ex.revision) {
    source.setDiagnostics([]);
    return;
  }
  const list = entry.result.diagnostics
    .filter((d) => d.code !== 'cancelled')
    .map((d) => ({ ...spanOf(d), severity: d.severity, message: d.message, code: d.code }))
    .filter((d) => d.file === file.path && d.line > 0);
  source.setDiagnostics(list);
}

function revealDiagnostic(ex, sp) {
  if (!ex || !sp.file) return;
  if (ex.key !== doc.activeKey) selectExample(ex.key);
  if (ex.activeFile !== sp.file && ex.files.some((f) => f.path === sp.file)) selectFile(sp.file);
  source.reveal(sp.line, sp.column, sp.endLine, sp.endColumn);
}

ui.copy.addEventListener('click', async () => {
  const text = output.text();
  try {
    await navigator.clipboard.writeText(text);
    showNotice('Copied the output to the clipboard.');
  } catch (e) {
    showNotice(`The clipboard is not available here (${e.message}); select the text and copy it instead.`);
  }
});

ui.downloadAll.addEventListener('click', () => {
  const converted = doc.examples
    .map((e) => ({ name: e.name, entry: results.get(e.key) }))
    .filter(({ entry }) => entry && entry.language === doc.language && !isCancelled(entry.result) && !entry.result.crashed);
  // Only examples without errors make ready projects.
  const items = converted.filter(({ entry }) => resultStatus(entry.result) !== 'error').map(({ name, entry }) => ({ name, result: entry.result }));
  const withErrors = converted.length - items.length;
  if (items.length === 0) {
    showNotice('Nothing to download: every converted example has errors.');
    return;
  }
  const bytes = buildZip(items);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/zip' }));
  const a = h('a', { attrs: { href: url, download: `hclconv-${doc.language}.zip` } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  showNotice(`Downloaded ${plural(items.length, 'Pulumi project')} as hclconv-${doc.language}.zip.${withErrors ? ` Left out ${plural(withErrors, 'example')} with errors.` : ''}`);
});

ui.language.addEventListener('change', () => {
  doc.language = ui.language.value;
  scheduleSave();
  renderOutput();
  // Convert again in the new language when there is something converted to show.
  if (results.size > 0 && !running) convertAll();
  else scheduleLive();
});

// ---------------------------------------------------------------------------------------------------
// Notices

function showNotice(text, { url } = {}) {
  setText(ui.noticeText, text);
  ui.shareUrl.hidden = !url;
  if (url) ui.shareUrl.value = url;
  ui.notice.hidden = false;
}
ui.noticeClose.addEventListener('click', () => {
  ui.notice.hidden = true;
});

ui.share.addEventListener('click', async () => {
  const hash = encodePermalink({
    examples: doc.examples.map((e) => ({ name: e.name, files: e.files.map((f) => ({ path: f.path, text: f.text })) })),
    language: doc.language,
    threads: doc.threads,
    cacheMode: doc.cacheMode,
    copies: doc.copies,
  });
  const url = `${location.origin}${location.pathname}${location.search}${hash}`;
  history.replaceState(null, '', url);
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // shown in the field instead
  }
  showNotice(copied ? `Link copied (${Math.round(url.length / 1024)} KB): it restores these examples, the language and the options.` : 'The link (it restores these examples, the language and the options):', { url });
  ui.shareUrl.select();
});

ui.live.addEventListener('change', () => {
  doc.live = ui.live.checked;
  scheduleSave();
  if (doc.live) scheduleLive();
});

function setPresenter(on) {
  doc.presenter = on;
  body.classList.toggle('presenter', on);
  ui.presenter.setAttribute('aria-pressed', String(on));
  scheduleSave();
}
ui.presenter.addEventListener('click', () => setPresenter(!doc.presenter));

// ---------------------------------------------------------------------------------------------------
// The converter

let readyAt = null;
let batchesDone = 0;
let running = null; // { kind, examples, sentAt, startedAt, snapshots, renders }
let lastBatch = null;
let lastSnapshot = null;
let snapshotCount = 0;
let pollTimer = null;
let snapshotInFlight = false;
let pendingRender = null;
let restarting = false;

const client = new ConverterClient({
  onReady,
  onCrash: ({ message }) => {
    // A crash outside a batch (a batch's own crash is handled where it awaits the result).
    if (!running) recoverIdle(message);
  },
  onFatal: showFatal,
  onError: (message) => setText(ui.batchStatus, message),
});

function setState(state) {
  body.dataset.state = state;
  setText(ui.state, state);
}

function onReady(info) {
  readyAt = performance.now();
  setText(ui.isolated, String(info.isolated));
  body.dataset.isolated = String(info.isolated);
  body.dataset.pool = String(info.pool);
  setText(ui.threadsStatus, info.pool ? `${info.threads} of ${info.hardwareConcurrency}` : `1 (no pool)`);
  ui.threadsStatus.dataset.threads = String(info.threads);
  setText(ui.readyMs, `${Math.round(readyAt)} ms`);
  ui.readyMs.title = `wasm init ${info.initMs.toFixed(1)} ms, thread pool ${info.poolMs.toFixed(1)} ms (since the page started loading)`;
  setText(ui.version, info.version);
  if (info.notice) {
    if (info.notice !== 'not-isolated') setText(ui.isolationReason, info.notice);
    ui.isolationNotice.hidden = false;
  } else {
    ui.isolationNotice.hidden = true;
  }
  renderLanguages(info);
  renderThreads(info);
  renderModes(info);
  ui.cacheMode.textContent = info.cacheMode ?? '–';
  updateControls();
  console.info(`hclconv ${info.version}: ready, ${info.pool ? `${info.threads} threads` : 'no thread pool'}, crossOriginIsolated=${info.isolated}`);
}

function renderLanguages(info) {
  const langs = info.languages;
  ui.language.replaceChildren(...langs.map((l) => h('option', { text: l.name, attrs: { value: l.id } })));
  if (!langs.some((l) => l.id === doc.language)) doc.language = langs[0].id;
  ui.language.value = doc.language;
  renderOutput();
}

function renderThreads(info) {
  const max = info.pool ? info.hardwareConcurrency : 1;
  const options = [];
  for (let n = 1; n <= max; n++) options.push(h('option', { text: String(n), attrs: { value: String(n) } }));
  ui.threads.replaceChildren(...options);
  ui.threads.value = String(info.threads);
  ui.threads.title = info.pool ? 'Threads in the pool (a new count starts a new worker: the cache starts cold)' : 'One thread: this page is not cross-origin isolated';
}

function showFatal(text) {
  ui.fatal.textContent = text;
  ui.fatal.hidden = false;
  setState('failed');
  stopPolling();
  updateControls();
}

function updateControls() {
  const ready = Boolean(client.info) && !restarting;
  const batch = running && running.kind !== 'live' ? running : null;
  ui.convert.disabled = !ready || Boolean(batch);
  ui.stop.disabled = !batch || !client.info?.pool || batch.cancelled;
  ui.threads.disabled = !ready || Boolean(running) || !client.info?.pool;
  ui.resetCache.disabled = !ready || Boolean(running);
  ui.stampede.disabled = !ready || Boolean(batch);
  for (const input of ui.modes.querySelectorAll('input')) input.disabled = !ready || Boolean(running) || !client.info?.features.cacheModes;
  ui.ttl.disabled = !ready || Boolean(running);
  ui.copies.disabled = Boolean(batch);
  if (!batch && ready && body.dataset.state !== 'failed') setState('ready');
}

ui.threads.addEventListener('change', async () => {
  const n = Number(ui.threads.value);
  doc.threads = n;
  scheduleSave();
  await restartPool(`Started a new pool of ${plural(n, 'thread')}: the provider cache starts cold.`);
});

ui.copies.value = String(doc.copies);
ui.copies.addEventListener('change', () => {
  const n = Math.min(LIMITS.copies, Math.max(1, Math.round(Number(ui.copies.value) || 1)));
  ui.copies.value = String(n);
  doc.copies = n;
  scheduleSave();
});

async function restartPool(message) {
  restarting = true;
  setState('restarting');
  updateControls();
  resetLivePanels();
  try {
    const info = await client.start(doc.threads);
    if (doc.cacheMode && info.features.cacheModes && info.cacheMode !== doc.cacheMode) {
      await client.setCacheMode(doc.cacheMode);
      setText(ui.cacheMode, doc.cacheMode);
    }
    if (message) showNotice(message);
  } finally {
    restarting = false;
    updateControls();
    requestSnapshot();
  }
}

async function recoverIdle(message) {
  setText(ui.batchStatus, `The converter crashed (${message}); restarting it…`);
  await restartPool(`The conversion worker crashed (${message}) and was restarted with a cold cache. Your examples are unchanged.`);
  setText(ui.batchStatus, '');
}

// ---------------------------------------------------------------------------------------------------
// Batches

function requestExamples(list, copies) {
  const out = [];
  for (let k = 1; k <= copies; k++) {
    for (const e of list) {
      const files = {};
      for (const f of e.files) files[f.path] = f.text;
      out.push({ id: k === 1 ? e.name : `${e.name}#${k}`, files, source: e });
    }
  }
  return out;
}

function baseRequest() {
  const request = { language: doc.language };
  // The mode travels with the batch too (the converter switches, emptying the cache, only when it differs).
  if (client.info?.features.cacheModes) request.cacheMode = currentMode();
  for (const [k, v] of Object.entries(testSwitches)) if (v !== undefined) request[k] = v;
  return request;
}

async function convertAll({ stampede = false } = {}) {
  if (running?.kind === 'live') {
    queuedBatch = { stampede }; // runs as soon as the live conversion is done
    return;
  }
  if (running || !client.info || restarting) return;
  let batch;
  if (stampede) {
    const list = STAMPEDE_IDS.map(galleryExample).filter(Boolean);
    const copies = stampedeCopies();
    batch = requestExamples(list, copies);
    // A cold cache: the point of a stampede.
    try {
      if (client.info.features.cacheModes) await client.setCacheMode(currentMode());
      else await client.resetCache();
    } catch (e) {
      setText(ui.batchStatus, e.message);
      return;
    }
    cacheTable.clear();
  } else {
    if (doc.examples.length === 0) {
      setText(ui.batchStatus, 'Add an example first.');
      return;
    }
    if (lastSnapshot?.fatal && client.info.features.cacheModes) {
      // After a go-racy crash the cache is unusable, as a Go process would be: start it again.
      await client.setCacheMode(currentMode());
    }
    batch = requestExamples(doc.examples.map((e) => ({ ...e, revisionAtSend: e.revision })), doc.copies);
  }
  const revisions = new Map(doc.examples.map((e) => [e.key, e.revision]));
  const request = {
    ...baseRequest(),
    examples: batch.map(({ id, files }) => ({ id, files })),
    // Full results only for what the output pane shows: the first copy of each of the user's examples.
    keep: stampede ? [] : doc.examples.map((e) => e.name),
  };
  running = {
    kind: stampede ? 'stampede' : 'convert',
    batch,
    revisions,
    language: doc.language,
    sentAt: performance.timeOrigin + performance.now(),
    startedAt: performance.now(),
    renders: 0,
    firstRenderAt: 0,
    lastRenderAt: 0,
    maxGapMs: 0,
    cancelled: false,
  };
  body.dataset.batchKind = running.kind;
  ui.notice.hidden = true; // a notice is about what came before
  setState('converting');
  updateControls();
  ui.progress.max = batch.length;
  ui.progress.value = 0;
  setText(ui.batchStatus, `Converting ${plural(batch.length, 'example')}…`);
  setText(ui.batchTotal, '');
  sparkline.reset();
  startPolling();
  const current = running;
  try {
    const { result, wallMs } = await client.convert(request);
    finishBatch(current, result, wallMs);
  } catch (e) {
    if (e instanceof WorkerCrashed) await recoverBatch(current, request, e.message);
    else {
      setText(ui.batchStatus, `Batch failed: ${e.message}`);
      body.dataset.batchOutcome = 'failed';
    }
  } finally {
    running = null;
    stopPolling();
    updateControls();
    batchesDone++;
    body.dataset.batchesDone = String(batchesDone);
    outcomeSeq = snapshotSeq + 1;
    requestSnapshot();
    // Edited (or the language switched) while the batch ran: bring the shown example up to date.
    if (shownIsStale()) scheduleLive();
  }
}

// ---------------------------------------------------------------------------------------------------
// Live: the shown example is converted shortly after each edit (a batch of one; the timeline keeps the
// last real batch). An explicit Convert all waits for it; a running batch defers it.

let liveTimer = 0;
let liveDone = 0;
let queuedBatch = null;

/** The shown example's output is missing, older than its text, or in another language. */
function shownIsStale() {
  const ex = activeExample();
  const entry = ex && results.get(ex.key);
  return Boolean(ex) && (!entry || entry.revision !== ex.revision || entry.language !== doc.language);
}

function scheduleLive() {
  clearTimeout(liveTimer);
  if (doc.live) liveTimer = setTimeout(convertLive, LIVE_DELAY_MS);
}

async function convertLive() {
  const ex = activeExample();
  if (!ex || running || !client.info || restarting) return;
  const batch = requestExamples([ex], 1);
  const request = { ...baseRequest(), examples: batch.map(({ id, files }) => ({ id, files })), keep: [ex.name] };
  delete request.snapshotLockstep; // one example: nothing to watch step by step
  running = { kind: 'live', batch, revisions: new Map([[ex.key, ex.revision]]), language: doc.language, renders: 0, cancelled: false };
  const current = running;
  let converted = false;
  updateControls();
  try {
    const { result } = await client.convert(request);
    storeResults(current, result.results);
    converted = true;
    liveDone++;
    body.dataset.liveDone = String(liveDone);
    renderTabs();
    renderOutput();
  } catch (e) {
    if (e instanceof WorkerCrashed) await recoverBatch(current, request, e.message);
  } finally {
    running = null;
    updateControls();
    requestSnapshot();
    if (queuedBatch) {
      const next = queuedBatch;
      queuedBatch = null;
      convertAll(next);
    } else if (converted && shownIsStale()) {
      scheduleLive(); // edited again meanwhile
    }
  }
}

function stampedeCopies() {
  const threads = client.info?.threads ?? 1;
  return Math.max(4, 4 * threads);
}

function nameOf(id) {
  const i = id.lastIndexOf('#');
  return i > 0 && /^\d+$/.test(id.slice(i + 1)) ? id.slice(0, i) : id;
}

function storeResults(current, list) {
  if (current.kind !== 'convert' && current.kind !== 'live') return;
  const byId = new Map(list.map((r) => [r.id, r]));
  for (const ex of doc.examples) {
    const r = byId.get(ex.name);
    if (!r || !current.revisions.has(ex.key)) continue;
    results.set(ex.key, { result: r, language: current.language, revision: current.revisions.get(ex.key), name: ex.name });
  }
}

function finishBatch(current, result, wallMs) {
  const elapsed = performance.now() - current.startedAt;
  lastBatch = { kind: current.kind, result, wallMs, refreshHz: refreshRate(current), maxGapMs: current.maxGapMs, renders: current.renders, elapsedMs: elapsed };
  storeResults(current, result.results);
  timeline.render(result, { sentAt: current.sentAt, nameOf });
  const done = result.results.filter((r) => !isCancelled(r));
  const cancelled = result.results.length - done.length;
  const errors = done.filter((r) => (r.stripped ? r.counts.error > 0 : r.diagnostics.some((d) => d.severity === 'error'))).length;
  ui.progress.value = result.results.length;
  setText(ui.batchTotal, `${formatMs(result.totalMs)} in the converter · ${formatMs(wallMs)} round trip`);
  ui.batchTotal.dataset.totalMs = String(result.totalMs);
  if (result.fatal) {
    setText(ui.batchStatus, `Batch failed: ${result.fatal.message}`);
    body.dataset.batchOutcome = 'fatal';
  } else {
    const parts = [`${plural(done.length, 'example')} converted`];
    if (errors) parts.push(`${errors} with errors`);
    if (cancelled) parts.push(`${cancelled} skipped by Stop`);
    setText(ui.batchStatus, `${parts.join(', ')}.`);
    body.dataset.batchOutcome = cancelled ? 'cancelled' : 'done';
  }
  setText(ui.refreshRate, lastBatch.refreshHz === null ? '– refreshes/s' : `${Math.round(lastBatch.refreshHz)} refreshes/s`);
  renderTabs();
  renderOutput();
  pendingOutcome = { kind: current.kind, result, size: current.batch.length };
}

/**
 * A worker died during a batch. Restart the pool, then find the example that caused it by converting the
 * batch's distinct examples one at a time (a crash repeats on its culprit), and mark the batch failed.
 */
async function recoverBatch(current, request, message) {
  body.dataset.batchOutcome = 'crashed';
  setState('recovering');
  setText(ui.batchStatus, `A worker crashed (${message}). Restarting the pool and looking for the example that caused it…`);
  restarting = true;
  updateControls();
  const results1 = [];
  let culprit = null;
  try {
    await client.start(doc.threads);
    // Distinct contents only: copies of one example crash (or not) alike.
    const seen = new Map();
    for (const item of current.batch) {
      const sig = JSON.stringify(item.files);
      if (seen.has(sig)) {
        const prior = seen.get(sig);
        results1.push({ ...prior, id: item.id });
        continue;
      }
      let r;
      try {
        const { result } = await client.convert({ ...request, latch: undefined, raceLatch: undefined, snapshotLockstep: undefined, keep: undefined, examples: [{ id: item.id, files: item.files }] });
        r = result.results[0];
      } catch (e) {
        if (!(e instanceof WorkerCrashed)) throw e;
        culprit ??= item.id;
        r = crashResult(item.id, e.message);
        await client.start(doc.threads);
      }
      seen.set(sig, r);
      results1.push(r);
    }
  } catch (e) {
    setText(ui.batchStatus, `The pool could not be restarted: ${e.message}`);
    restarting = false;
    return;
  }
  restarting = false;
  storeResults(current, results1);
  const who = culprit ? `while converting “${nameOf(culprit)}”` : '(no single example reproduces it)';
  setText(ui.batchStatus, `Batch failed: a worker crashed ${who} — ${message}. The pool was restarted; the other examples were converted one by one.`);
  body.dataset.crashCulprit = culprit ? nameOf(culprit) : '';
  lastBatch = { kind: current.kind, crashed: { message, culprit: culprit && nameOf(culprit) }, result: { results: results1 } };
  timeline.clear(`The batch failed: a worker crashed ${who}.`);
  renderTabs();
  renderOutput();
  showNotice(`A worker crashed ${who}. The pool was restarted (the cache starts cold); your examples are unchanged.`);
}

function crashResult(id, message) {
  return {
    id,
    worker: null,
    startMs: 0,
    endMs: 0,
    durationMs: 0,
    crashed: `The worker crashed while converting this example: ${message}`,
    output: { language: doc.language, path: '', text: '' },
    diagnostics: [{ severity: 'error', code: 'worker-crashed', message: `the worker crashed while converting this example: ${message}`, file: '', line: 0, column: 0, endLine: 0, endColumn: 0 }],
  };
}

function stop() {
  if (!running || !client.info?.pool || running.cancelled) return;
  running.cancelled = true;
  client.cancel();
  setText(ui.batchStatus, 'Stopping after the examples in progress…');
  updateControls();
}

ui.convert.addEventListener('click', () => convertAll());
ui.stop.addEventListener('click', stop);
ui.stampede.addEventListener('click', () => convertAll({ stampede: true }));
ui.resetCache.addEventListener('click', async () => {
  if (running) return;
  try {
    if (client.info?.features.cacheModes) await client.setCacheMode(currentMode());
    else await client.resetCache();
  } catch (e) {
    setText(ui.batchStatus, e.message);
  }
  cacheTable.clear();
  sparkline.reset();
  requestSnapshot();
});

// Capture phase: before CodeMirror, which binds Mod-Enter itself.
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !ev.altKey) {
    ev.preventDefault();
    ev.stopPropagation();
    convertAll();
  } else if (ev.key === 'Escape' && running && !ui.gallery.open) {
    ev.preventDefault();
    ev.stopPropagation();
    stop();
  }
}, true);

// ---------------------------------------------------------------------------------------------------
// Live panels: a snapshot every SNAPSHOT_INTERVAL_MS while a batch runs, rendered on the next frame.

function startPolling() {
  stopPolling();
  pollTimer = setInterval(requestSnapshot, SNAPSHOT_INTERVAL_MS);
  requestSnapshot();
}

function stopPolling() {
  if (pollTimer !== null) clearInterval(pollTimer);
  pollTimer = null;
}

let finalTries = 0;
let pendingOutcome = null;

let snapshotSeq = 0; // requests issued
let snapshotAgain = false; // asked for while one was in flight: send another when it returns
let outcomeSeq = Infinity; // the first request issued after the last batch ended

function requestSnapshot() {
  if (!client.info) return;
  if (snapshotInFlight) {
    snapshotAgain = true;
    return;
  }
  snapshotInFlight = true;
  const seq = ++snapshotSeq;
  const done = () => {
    snapshotInFlight = false;
    if (snapshotAgain) {
      snapshotAgain = false;
      requestSnapshot();
    }
  };
  client.snapshot().then(
    ({ snapshot, progress }) => {
      done();
      if (!snapshot) return;
      const wasPending = pendingRender !== null;
      pendingRender = { snapshot, progress, batchRunning: running, seq };
      if (!wasPending) requestAnimationFrame(renderSnapshot);
    },
    done,
  );
}

function renderSnapshot() {
  const { snapshot: s, progress, batchRunning, seq } = pendingRender;
  pendingRender = null;
  lastSnapshot = s;
  snapshotCount++;
  setText(ui.snapshotCount, String(snapshotCount));
  counters.render(s);
  cacheTable.render(s);
  threadTable.render(s);
  setText(ui.cacheMode, s.mode ?? '–');
  setText(ui.cachePartial, s.partial ? 'partial' : 'complete');
  ui.cachePartial.dataset.partial = String(Boolean(s.partial));
  ui.cacheFatal.hidden = !s.fatal;
  if (s.fatal) setText(ui.cacheFatal, fatalText(s.fatal));
  if (batchRunning && running === batchRunning && batchRunning.kind !== 'live') {
    const now = performance.now();
    if (batchRunning.renders > 0) batchRunning.maxGapMs = Math.max(batchRunning.maxGapMs, now - batchRunning.lastRenderAt);
    else batchRunning.firstRenderAt = now;
    batchRunning.lastRenderAt = now;
    batchRunning.renders++;
    sparkline.push(s);
    if (progress) {
      ui.progress.value = progress.completed;
      if (!batchRunning.cancelled) setText(ui.batchStatus, `Converting… ${progress.completed} / ${progress.total}`);
    }
    const hz = refreshRate(batchRunning);
    if (hz !== null) setText(ui.refreshRate, `${Math.round(hz)} refreshes/s`);
  } else {
    if (s.partial && finalTries < 20) {
      finalTries++;
      setTimeout(requestSnapshot, 25);
    } else {
      finalTries = 0;
    }
    if (pendingOutcome && seq >= outcomeSeq) {
      // The batch's last point: the counters as the batch left them (a snapshot asked for after it).
      sparkline.push(s);
      renderOutcome(pendingOutcome, s);
      pendingOutcome = null;
    }
  }
  window.dispatchEvent(new CustomEvent('hclconv:snapshot'));
}

/** Renders per second while the batch ran (between the first and the last render), or null. */
function refreshRate(batch) {
  const span = batch.lastRenderAt - batch.firstRenderAt;
  return batch.renders >= 3 && span > 0 ? ((batch.renders - 1) / span) * 1000 : null;
}

/** Go's message and the two workers involved: `[detected by, overlapping with]`. */
function fatalText(fatal) {
  const who = (t) => (t === null || t === undefined ? 'outside the pool' : `worker ${t}`);
  const threads = Array.isArray(fatal.threads) ? ` (${fatal.threads.map(who).join(' and ')})` : '';
  return `${fatal.message}${threads}`;
}

function resetLivePanels() {
  cacheTable.clear();
  sparkline.reset();
  counters.render(null);
  timeline.clear();
}

// ---------------------------------------------------------------------------------------------------
// Workshop: cache modes, stampede, what just happened

const FALLBACK_MODES = [
  { id: 'dashmap', title: 'dashmap', explanation: 'A sharded concurrent map with single-flight loading: the first worker to miss loads the provider, the others wait for it.' },
];

function modes() {
  return client.info?.cacheModes ?? FALLBACK_MODES;
}

function currentMode() {
  return doc.cacheMode && modes().some((m) => m.id === doc.cacheMode) ? doc.cacheMode : client.info?.cacheMode ?? modes()[0].id;
}

function renderModes(info) {
  const list = modes();
  const mode = currentMode();
  const legend = ui.modes.querySelector('legend');
  ui.modes.replaceChildren(
    legend,
    ...list.map((m) =>
      h('label', { class: 'mode', dataset: { mode: m.id }, title: m.title || m.id },
        h('input', {
          testid: `mode-${m.id}`,
          attrs: { type: 'radio', name: 'cache-mode', value: m.id, checked: m.id === mode },
          on: { change: () => switchMode(m.id) },
        }),
        h('span', { text: m.id }),
      ),
    ),
  );
  ui.ttlControl.hidden = !info.features.cacheTtl;
  if (info.features.cacheTtl && doc.cacheTtl !== undefined && doc.cacheTtl !== null) {
    ui.ttl.value = String(doc.cacheTtl);
    client.setCacheTtl(doc.cacheTtl).catch(() => {});
  }
  if (!info.features.cacheModes) {
    ui.modes.append(h('p', { class: 'muted small', text: 'This build of the converter has one cache implementation; the others (mutex, check-then-insert, go-racy) come with a newer build.' }));
  }
  renderExplanation();
  setText(ui.stampedeSize, `${STAMPEDE_IDS.length} examples × ${stampedeCopies()} copies, cold cache`);
}

function renderExplanation() {
  const m = modes().find((x) => x.id === currentMode());
  ui.modeExplanation.replaceChildren(...(m ? [h('strong', { text: m.title || m.id }), ' ', h('span', { testid: 'mode-explanation-text', text: m.explanation ?? '' })] : []));
}

ui.ttl.addEventListener('change', async () => {
  const raw = ui.ttl.value.trim();
  const ms = raw === '' ? null : Math.max(0, Number(raw));
  if (ms !== null && !Number.isFinite(ms)) return;
  try {
    await client.setCacheTtl(ms);
    doc.cacheTtl = ms;
    scheduleSave();
    showNotice(ms === null ? 'Cache entries no longer expire.' : `Cache entries now expire ${ms} ms after their load: later lookups load them again (evictions).`);
  } catch (e) {
    showNotice(`The time to live could not be set: ${e.message}`);
  }
});

async function switchMode(id) {
  if (running) return;
  try {
    await client.setCacheMode(id);
    doc.cacheMode = id;
    scheduleSave();
    renderExplanation();
    cacheTable.clear();
    sparkline.reset();
    setText(ui.outcome, '');
    showNotice(`Cache mode: ${id}. The cache was emptied: the next batch starts cold.`);
  } catch (e) {
    showNotice(`The cache mode could not be switched: ${e.message}`);
  }
  requestSnapshot();
}

/** A short account of the last batch in terms of the cache mode. */
function renderOutcome({ kind, result, size }, s) {
  const mode = s.mode ?? currentMode();
  const lines = [];
  const what = kind === 'stampede' ? `Stampede: ${size} examples on ${plural(result.threads, 'worker')}, cold cache.` : `${plural(size, 'example')} on ${plural(result.threads, 'worker')}.`;
  lines.push(what);
  const fatal = result.fatal ?? s.fatal;
  if (fatal) {
    lines.push(`Crashed: “${fatalText(fatal)}”. Two workers used the unsynchronised map at the same moment; like a Go program, the run is aborted rather than going on with a corrupted map. The examples in flight failed, the rest were cancelled.`);
  } else {
    lines.push(`${plural(s.loads, 'load')}, ${plural(s.duplicateLoads, 'duplicate load')}, ${plural(s.waits, 'wait')}${typeof s.waitMs === 'number' ? ` (${s.waitMs.toFixed(1)} ms waiting)` : ''}, ${plural(s.hits, 'hit')}.`);
    if (mode === 'dashmap') lines.push(s.duplicateLoads === 0 ? 'Single-flight: each provider was loaded once; workers that wanted it meanwhile waited for that load instead of repeating it.' : 'Duplicate loads with dashmap would be a bug.');
    else if (mode === 'mutex') lines.push('One lock around the whole map: no duplicate loads, but lookups queue behind each other (the waits), even for providers already loaded.');
    else if (mode === 'check-then-insert') lines.push(s.duplicateLoads > 0 ? 'Check, then insert: several workers saw the same miss before any of them inserted, so each loaded the provider again (the duplicate loads). Correct result, wasted work.' : 'No two workers missed the same provider at the same moment this time; the window is still there (try a stampede).');
    else if (mode === 'go-racy') lines.push('No two writes overlapped this time: the race is still there (try a stampede).');
  }
  ui.outcome.replaceChildren(...lines.map((t, i) => h('p', { class: i === 1 && fatal ? 'fatal' : '', text: t })));
  ui.outcome.dataset.mode = mode;
  ui.outcome.dataset.fatal = String(Boolean(fatal));
}

// ---------------------------------------------------------------------------------------------------
// A read-only view for tests and benchmarks (plain data; no way to reach wasm from here).

window.hclconvPlayground = Object.freeze({
  get info() {
    return client.info;
  },
  get readyMs() {
    return readyAt;
  },
  get lastBatch() {
    return lastBatch;
  },
  get batchesDone() {
    return batchesDone;
  },
  /** Live conversions of the shown example (not counted in batchesDone). */
  get liveDone() {
    return liveDone;
  },
  get running() {
    return running ? { kind: running.kind, size: running.batch.length, renders: running.renders } : null;
  },
  get snapshotCount() {
    return snapshotCount;
  },
  get lastSnapshot() {
    return lastSnapshot;
  },
  get document() {
    return serialize();
  },
  get cursor() {
    return source.cursor();
  },
  get selection() {
    return source.selection();
  },
  get outputText() {
    return output.text();
  },
  get activeFile() {
    return activeExample() ? { example: activeExample().name, path: activeExample().activeFile } : null;
  },
});

// ---------------------------------------------------------------------------------------------------
// Start

const origin = loadInitialDocument();
body.dataset.origin = origin;
setPresenter(doc.presenter || params.get('presenter') === '1');
ui.copies.value = String(doc.copies);
if (liveParam === '0' || liveParam === '1') doc.live = liveParam === '1';
ui.live.checked = doc.live;
const urlThreads = positiveInt(params.get('threads'));
if (urlThreads) doc.threads = urlThreads;
renderGallery();
renderTabs();
showActiveFile();
renderOutput();
resetLivePanels();
client.start(doc.threads).then(() => {
  if (doc.cacheMode && client.info.features.cacheModes && client.info.cacheMode !== doc.cacheMode && client.info.cacheModes.some((m) => m.id === doc.cacheMode)) {
    return client.setCacheMode(doc.cacheMode).then(() => renderModes(client.info));
  }
  return undefined;
}).then(() => {
  requestSnapshot();
  // Something to look at straight away: the shown example (Live).
  if (doc.live) convertLive();
}, () => {});
