// `npm start` end to end: it sets up, builds the wasm package (both fast when warm), starts Vite and
// prints its URL; the page, its scripts, the workers (the conversion worker and wasm-bindgen-rayon's helper)
// and the wasm must all be served with the COOP/COEP headers that cross-origin isolation needs, and with
// the Content-Security-Policy header (workers take their policy from their own response).
//
// Set HCLCONV_SKIP_BUILD=1 to skip setup.sh and build-wasm.sh (see scripts/start.sh).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CSP } from '../../vite.config.js';
import { COEP, COOP, ROOT, freePort, killGroup, requireWasmPackage, spawnGroup } from './helpers.mjs';

const START_TIMEOUT_MS = 15 * 60_000; // setup.sh may have to install toolchains on a cold machine

// Vite prints "  ➜  Local:   http://127.0.0.1:5173/" (with colours unless NO_COLOR is set).
function waitForUrl(child, output) {
  return new Promise((resolve, reject) => {
    let timer;
    const onData = (chunk) => {
      output.push(chunk.toString());
      const text = output.join('').replace(/\x1b\[[0-9;]*m/g, '');
      const m = text.match(/Local:\s+(http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => output.push(chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code ?? signal}) before printing a URL:\n${output.join('')}`));
    });
    timer = setTimeout(() => reject(new Error(`no URL after ${START_TIMEOUT_MS} ms:\n${output.join('')}`)), START_TIMEOUT_MS);
  });
}

describe('npm start', { timeout: START_TIMEOUT_MS + 60_000 }, () => {
  let child;
  let base;
  const output = [];

  before(async () => {
    child = spawnGroup('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(await freePort()), NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = await waitForUrl(child, output);
    await requireWasmPackage();
  });

  after(async () => {
    if (child) await killGroup(child);
  });

  test('prints a loopback URL', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('serves the page, its scripts, the workers and the wasm with COOP/COEP and the CSP', async () => {
    const snippets = join(ROOT, 'www/pkg/snippets');
    const helper = (await readdir(snippets, { recursive: true })).find((p) => p.endsWith('workerHelpers.js'));
    assert.ok(helper, 'wasm-bindgen-rayon snippet present');
    const paths = ['/', '/main.js', '/worker.js', '/pkg/hclconv.js', `/pkg/snippets/${helper}`, '/pkg/hclconv_bg.wasm'];
    for (const path of paths) {
      const res = await fetch(new URL(path.slice(1), base));
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cross-origin-opener-policy'), COOP, path);
      assert.equal(res.headers.get('cross-origin-embedder-policy'), COEP, path);
      assert.equal(res.headers.get('content-security-policy'), CSP, path);
      const body = new Uint8Array(await res.arrayBuffer());
      if (path === '/') {
        assert.match(res.headers.get('content-type'), /text\/html/);
        const html = new TextDecoder().decode(body);
        assert.match(html, /data-testid="convert"/);
        assert.ok(!html.includes('%HCLCONV_CSP%'), 'the <meta> policy is filled in');
      } else if (path.endsWith('.wasm')) {
        assert.equal(res.headers.get('content-type'), 'application/wasm', 'needed for instantiateStreaming');
        assert.deepEqual([...body.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic');
      } else {
        assert.match(res.headers.get('content-type'), /javascript/, path);
      }
    }
  });
});
