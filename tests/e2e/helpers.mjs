// Shared helpers of the playground's end-to-end tests (not a test file itself).
//
// Browser: Debian's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) driven by playwright-core. Never
// download a browser (`npx playwright install` is not used anywhere).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, access, mkdir } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { encodePermalink } from '../../www/lib/document.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CONFIG_FILE = join(ROOT, 'vite.config.js');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const COOP = 'same-origin';
export const COEP = 'require-corp';
/** Screenshots of the main states, for people to look at (git-ignored). */
export const ARTIFACTS = join(ROOT, 'target/e2e-artifacts');
/** A laptop screen. */
export const VIEWPORT = { width: 1440, height: 900 };

/** Generous timeouts: the machines have 2 cores, and the first dev-server load transforms every module. */
export const READY_TIMEOUT_MS = 90_000;
export const BATCH_TIMEOUT_MS = 120_000;

/** Fails the calling test early with a clear message when the wasm package has not been built. */
export async function requireWasmPackage() {
  try {
    await access(join(ROOT, 'www/pkg/hclconv.js'));
  } catch {
    throw new Error('www/pkg/hclconv.js is missing: run `bash scripts/build-wasm.sh` first');
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1 (Vite moves on to the next one if it is taken). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The Vite dev server (what `npm start` runs), on a free port. `mode: 'no-isolation'` drops COOP/COEP. */
export async function startDevServer({ mode = 'development' } = {}) {
  const server = await createServer({
    configFile: CONFIG_FILE,
    mode,
    logLevel: 'warn',
    server: { port: await freePort(), strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls.local[0];
  return { url, close: () => server.close() };
}

/** A production build (in a temporary folder) served by `vite preview`, on a free port. */
export async function startPreviewServer({ mode = 'production' } = {}) {
  const outDir = await mkdtemp(join(tmpdir(), 'hclconv-dist-'));
  await build({ configFile: CONFIG_FILE, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    configFile: CONFIG_FILE,
    mode,
    logLevel: 'warn',
    build: { outDir },
    preview: { port: await freePort(), strictPort: false },
  });
  const url = server.resolvedUrls.local[0];
  return {
    url,
    outDir,
    close: async () => {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium on a fresh profile. */
export async function launchBrowser() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'hclconv-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    headless: true,
    viewport: VIEWPORT,
    acceptDownloads: true,
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records everything that must fail a test: uncaught page errors, console errors (worker consoles
 * included), CSP violations, crashes and failed or 4xx/5xx responses. Call before navigating.
 */
export async function watchForProblems(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('crash', () => problems.push('page crashed'));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.exposeFunction('__reportCspViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return problems;
}

/** Waits until the worker reported ready (pool started, or fallback chosen). */
export async function waitForReady(page) {
  await page.waitForFunction(
    () => ['ready', 'failed'].includes(document.body.dataset.state),
    null,
    { timeout: READY_TIMEOUT_MS },
  );
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') {
    const fatal = await page.textContent('[data-testid="fatal-error"]');
    throw new Error(`the playground failed to start: ${fatal}`);
  }
}

/** The page of a fresh browser, with problem watching on. */
export async function openPage(browser) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems = await watchForProblems(page);
  return { page, problems };
}

/** Test examples ({ id, files: { path: text } }) as a playground document. */
export function toDocument(examples, options = {}) {
  return {
    examples: examples.map((e) => ({ name: e.id, files: Object.entries(e.files).map(([path, text]) => ({ path, text })) })),
    ...options,
  };
}

/** A URL that opens the playground on exactly these examples (the page's own permalink format). */
export function permalinkUrl(base, examples, { query = '', ...options } = {}) {
  return `${base}${query}${encodePermalink(toDocument(examples, options))}`;
}

/** Navigates to `url` and waits for the converter to be ready. */
export async function gotoReady(page, url) {
  await page.goto(url);
  await waitForReady(page);
}

/** Starts a batch (button, or Ctrl+Enter with `keyboard`) and waits for it; returns the page's last batch. */
export async function convertAll(page, { keyboard = false } = {}) {
  const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
  if (keyboard) await page.keyboard.press('Control+Enter');
  else await page.click('[data-testid="convert"]');
  await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before, { timeout: BATCH_TIMEOUT_MS });
  return page.evaluate(() => window.hclconvPlayground.lastBatch);
}

/** The example tabs, in order: [{ name, selected, status }]. */
export function readTabs(page) {
  return page.$$eval('[data-testid="example-tab"]', (tabs) =>
    tabs.map((t) => ({ name: t.dataset.name, selected: t.getAttribute('aria-selected') === 'true', status: t.dataset.status ?? null })),
  );
}

/** Selects an example tab by name. */
export async function selectExample(page, name) {
  await page.click(`[data-testid="example-tab"][data-name="${name}"]`);
}

/** The rendered diagnostics of the shown example. */
export function readDiagnostics(page) {
  return page.$$eval('[data-testid="diagnostic"]', (items) =>
    items.map((b) => ({
      severity: b.dataset.severity,
      file: b.dataset.file,
      line: Number(b.dataset.line),
      location: b.querySelector('[data-testid="diagnostic-location"]').textContent,
      message: b.querySelector('[data-testid="diagnostic-message"]').textContent,
    })),
  );
}

/** The text of the output viewer (the whole document, not only the lines on screen). */
export function outputText(page) {
  return page.evaluate(() => window.hclconvPlayground.outputText);
}

/** The cache table rows. */
export function readCacheRows(page) {
  return page.$$eval('[data-testid="cache-row"]', (rows) =>
    rows.map((tr) => ({ key: tr.dataset.key, state: tr.dataset.state, cells: [...tr.cells].map((c) => c.textContent) })),
  );
}

/** Reads a counter of the cache panel. */
export async function counter(page, name) {
  return Number(await page.textContent(`[data-testid="counter-${name}"]`));
}

/** Saves a screenshot to target/e2e-artifacts/<name>.png and returns its path. */
export async function saveScreenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  // Let the last snapshot and layout settle on a frame first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path });
  return path;
}

/** Runs `command` in its own process group (so the whole tree can be stopped). */
export function spawnGroup(command, args, options) {
  return spawn(command, args, { ...options, detached: true });
}

/** Stops a process group started by spawnGroup: SIGTERM, then SIGKILL if it has not exited in 10 s. */
export async function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, 10_000, 'timeout');
  });
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    signal('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
