// The live panels: cache counters, cache entries, hit-rate sparkline and the per-worker timeline.
// Renders only what changed, so that 20 snapshots a second cost the main thread next to nothing.
import { h, svg, setText, hue, formatMs, plural } from './dom.js';

export const COUNTERS = [
  ['hits', 'hits'],
  ['misses', 'misses'],
  ['loads', 'loads'],
  ['duplicateLoads', 'duplicate loads'],
  ['waits', 'waits'],
  ['evictions', 'evictions'],
];

const workerName = (w) => (w === null || w === undefined ? 'no pool' : `worker ${w}`);

/** Counters: one <dd> per counter, updated in place. */
export class CacheCounters {
  constructor(root) {
    this.cells = new Map();
    root.replaceChildren(
      ...COUNTERS.map(([key, label]) => {
        const dd = h('dd', { testid: `counter-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, text: '0' });
        this.cells.set(key, dd);
        return h('div', { class: 'counter', dataset: { key } }, h('dt', { text: label }), dd);
      }),
    );
  }

  render(s) {
    for (const [key, dd] of this.cells) {
      const v = s ? s[key] : undefined;
      setText(dd, typeof v === 'number' ? String(v) : '–');
      dd.parentElement.classList.toggle('alert', key === 'duplicateLoads' && v > 0);
    }
  }
}

/** The entries table, keyed by provider; rows are updated in place and kept sorted by name. */
export class CacheTable {
  constructor(tbody) {
    this.tbody = tbody;
    this.rows = new Map();
  }

  render(s) {
    if (!s) return;
    // A partial snapshot may lack entries: keep the rows we have rather than blanking the table.
    if (s.partial && s.entries.length === 0) return;
    const seen = new Set();
    for (const e of s.entries) {
      seen.add(e.key);
      let row = this.rows.get(e.key);
      if (!row) {
        row = h('tr', { testid: 'cache-row', dataset: { key: e.key } }, h('th', { attrs: { scope: 'row' }, text: e.key }), h('td'), h('td'), h('td'), h('td'), h('td'));
        this.rows.set(e.key, row);
      }
      row.dataset.state = e.state;
      const [, by, ms, loads, hits, state] = row.cells;
      setText(by, workerName(e.loadedBy));
      setText(ms, e.state === 'loading' ? '…' : Number(e.loadMs).toFixed(2));
      // Loads of this key (above 1: duplicates); converters that predate per-key loads leave it out.
      setText(loads, typeof e.loads === 'number' ? String(e.loads) : '–');
      loads.classList.toggle('alert', e.loads > 1);
      setText(hits, String(e.hits));
      setText(state, e.state);
    }
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
    const ordered = [...this.rows.keys()].sort();
    const current = [...this.tbody.children].map((r) => r.dataset.key);
    if (ordered.join('\n') !== current.join('\n')) this.tbody.replaceChildren(...ordered.map((k) => this.rows.get(k)));
  }

  clear() {
    this.rows.clear();
    this.tbody.replaceChildren();
  }
}

/** Per-thread cache counters, when the converter reports them (`snapshot.threads`). */
export class ThreadTable {
  constructor(root) {
    this.root = root;
  }

  render(s) {
    const threads = s && Array.isArray(s.threads) ? s.threads : [];
    this.root.hidden = threads.length === 0;
    if (threads.length === 0) return;
    const tbody = this.root.querySelector('tbody');
    while (tbody.rows.length > threads.length) tbody.deleteRow(-1);
    threads.forEach((t, i) => {
      let row = tbody.rows[i];
      if (!row) {
        row = h('tr', { testid: 'thread-row' }, h('th', { attrs: { scope: 'row' } }), h('td'), h('td'), h('td'), h('td'), h('td'));
        tbody.append(row);
      }
      row.dataset.thread = String(t.thread);
      const values = [workerName(t.thread), t.hits, t.misses, t.loads, t.duplicateLoads, t.waits];
      values.forEach((v, j) => setText(row.cells[j], String(v ?? 0)));
      row.cells[4].classList.toggle('alert', t.duplicateLoads > 0);
    });
  }
}

/** Hit rate over the snapshots of one batch, as an SVG polyline (0–100 %). */
export class Sparkline {
  constructor(root, label) {
    this.root = root;
    this.label = label;
    this.points = [];
    this.width = 240;
    this.height = 48;
    this.line = svg('polyline', { class: 'spark-line', fill: 'none', points: '' });
    this.area = svg('polygon', { class: 'spark-area', points: '' });
    root.replaceChildren(
      svg('svg', { viewBox: `0 0 ${this.width} ${this.height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'cache hit rate during the batch' },
        svg('line', { class: 'spark-grid', x1: 0, x2: this.width, y1: this.height / 2, y2: this.height / 2 }),
        this.area,
        this.line,
      ),
    );
    this.last = null;
  }

  reset() {
    this.points = [];
    this.last = null;
    this.draw();
    setText(this.label, '–');
  }

  /** Adds a point from cumulative counters: the hit rate of the lookups since the previous point. */
  push(s) {
    if (!s) return;
    const lookups = s.hits + s.misses;
    let rate;
    if (this.last && lookups > this.last.lookups) {
      rate = (s.hits - this.last.hits) / (lookups - this.last.lookups);
    } else if (!this.last && lookups > 0) {
      rate = s.hits / lookups;
    } else {
      rate = this.points.length ? this.points[this.points.length - 1] : null;
    }
    this.last = { hits: s.hits, lookups };
    if (rate === null) return;
    this.points.push(rate);
    if (this.points.length > 600) this.points.shift();
    this.draw();
    setText(this.label, lookups ? `${Math.round((100 * s.hits) / lookups)} % overall` : '–');
  }

  draw() {
    const n = this.points.length;
    if (n === 0) {
      this.line.setAttribute('points', '');
      this.area.setAttribute('points', '');
      return;
    }
    const step = n > 1 ? this.width / (n - 1) : 0;
    const pts = this.points.map((p, i) => `${(i * step).toFixed(1)},${(this.height - 2 - p * (this.height - 4)).toFixed(1)}`);
    if (n === 1) pts.push(`${this.width},${pts[0].split(',')[1]}`);
    this.line.setAttribute('points', pts.join(' '));
    this.area.setAttribute('points', `0,${this.height} ${pts.join(' ')} ${this.width},${this.height}`);
  }
}

const MAX_BARS = 1500;

/**
 * The per-worker timeline of one batch: a lane per pool thread, a bar per example from its start to its
 * end. Times are epoch milliseconds (`performance.timeOrigin + performance.now()` in each worker), so bars
 * from different workers share one clock.
 */
export class Timeline {
  constructor(root, summary) {
    this.root = root;
    this.summary = summary;
  }

  clear(text = 'Convert a batch to see which worker converted which example, and when.') {
    this.root.replaceChildren(h('p', { class: 'placeholder', text }));
    this.summary.replaceChildren();
  }

  /** `sentAt`: epoch ms when the page sent the batch (the left edge). */
  render(result, { sentAt, nameOf = (id) => id } = {}) {
    const done = result.results.filter((r) => !r.diagnostics.some((d) => d.code === 'cancelled'));
    if (done.length === 0) {
      this.clear('Nothing was converted in this batch.');
      return;
    }
    const t0 = Math.min(sentAt ?? Infinity, ...done.map((r) => r.startMs));
    const t1 = Math.max(...done.map((r) => r.endMs));
    const span = Math.max(t1 - t0, 0.001);
    const pool = done.some((r) => r.worker !== null && r.worker !== undefined);
    const lanes = new Map();
    const laneCount = pool ? Math.max(result.threads, ...done.map((r) => (r.worker ?? 0) + 1)) : 1;
    for (let i = 0; i < laneCount; i++) lanes.set(pool ? i : null, { bars: [], busy: 0, count: 0 });
    let shown = 0;
    for (const r of done) {
      const key = pool ? r.worker : null;
      const lane = lanes.get(key) ?? lanes.set(key, { bars: [], busy: 0, count: 0 }).get(key);
      lane.busy += r.durationMs;
      lane.count++;
      if (shown >= MAX_BARS) continue;
      shown++;
      const name = nameOf(r.id);
      const left = ((r.startMs - t0) / span) * 100;
      const width = Math.max(((r.endMs - r.startMs) / span) * 100, 0.15);
      const bar = h('div', {
        class: 'bar',
        testid: 'timeline-bar',
        dataset: { example: r.id, worker: key === null ? 'none' : String(key) },
        title: `${r.id} on ${workerName(key)}: ${formatMs(r.startMs - t0)} → ${formatMs(r.endMs - t0)} (${formatMs(r.durationMs)})`,
        attrs: { role: 'listitem' },
      }, h('span', { text: name }));
      bar.style.left = `${left}%`;
      bar.style.width = `${width}%`;
      bar.style.setProperty('--h', String(hue(name)));
      lane.bars.push(bar);
    }
    const rows = [...lanes.entries()].map(([key, lane]) =>
      h('div', { class: 'lane', testid: 'timeline-lane', dataset: { worker: key === null ? 'none' : String(key) } },
        h('div', { class: 'lane-label' }, h('strong', { text: workerName(key) }), h('small', { text: `${plural(lane.count, 'example')} · ${Math.round((lane.busy / span) * 100)} % busy` })),
        h('div', { class: 'lane-track', attrs: { role: 'list', 'aria-label': `${workerName(key)}: ${plural(lane.count, 'example')}` } }, lane.bars),
      ),
    );
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const tick = h('span', { class: 'tick', text: formatMs(f * span) });
      tick.style.left = `${f * 100}%`;
      return tick;
    });
    this.root.replaceChildren(...rows, h('div', { class: 'axis' }, h('div', { class: 'lane-label' }), h('div', { class: 'axis-track' }, ticks)));
    const note = done.length > shown ? ` (first ${shown} bars drawn)` : '';
    this.summary.replaceChildren(
      h('span', { text: `${plural(done.length, 'example')} on ${plural(laneCount, 'worker')} in ${formatMs(span)}${note}` }),
    );
  }
}
