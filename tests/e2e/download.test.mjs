// "Download all": the zip holds one folder per converted example (those without errors), each exactly the
// Pulumi project the converter produced (`output.project`). The TypeScript projects type-check with
// `tsc --noEmit --strict` against the pinned SDKs of tests/sdk/ts (installed by scripts/sdk-setup.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { SAMPLES } from '../../www/samples.js';
import { ROOT, convertAll, gotoReady, launchBrowser, openPage, permalinkUrl, requireWasmPackage, startDevServer } from './helpers.mjs';

const sample = (id) => SAMPLES.find((s) => s.id === id);
/** Examples whose TypeScript must type-check: they use only the SDKs pinned in tests/sdk/ts. */
const TYPECHECKED = ['aws-vpc', 's3-static-site', 'random-pet'];
const EXAMPLES = [...TYPECHECKED.map(sample), sample('deliberate-errors')];
const SDK = join(ROOT, 'tests/sdk/ts');
const TSC = join(SDK, 'node_modules/typescript/bin/tsc');

const exists = (p) => access(p).then(() => true, () => false);

describe('download all: a zip of ready Pulumi projects that type-check', { timeout: 600_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;
  let dir;
  let files; // path in the zip -> text
  let batch;

  before(async () => {
    await requireWasmPackage();
    const setup = spawnSync('bash', [join(ROOT, 'scripts/sdk-setup.sh'), 'ts'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    assert.equal(setup.status, 0, `sdk-setup.sh failed:\n${setup.stdout}\n${setup.stderr}`);
    server = await startDevServer();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { language: 'typescript' }));
    dir = await mkdtemp(join(tmpdir(), 'hclconv-zip-'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the zip has one folder per example without errors, holding exactly its project files', async () => {
    batch = await convertAll(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-all"]')]);
    assert.equal(download.suggestedFilename(), 'hclconv-typescript.zip');
    const zipPath = join(dir, 'all.zip');
    await download.saveAs(zipPath);
    files = Object.fromEntries(Object.entries(unzipSync(new Uint8Array(await readFile(zipPath)))).filter(([p]) => !p.endsWith('/')).map(([p, b]) => [p, strFromU8(b)]));
    const folders = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))].sort();
    assert.deepEqual(folders, [...TYPECHECKED].sort(), 'deliberate-errors is left out');
    assert.match(await page.textContent('[data-testid="notice-text"]'), /Left out 1 example with errors/);
    for (const id of TYPECHECKED) {
      const r = batch.result.results.find((x) => x.id === id);
      const expected = Array.isArray(r.output.project) && r.output.project.length ? r.output.project : [{ path: r.output.path, text: r.output.text }];
      const inZip = Object.keys(files).filter((p) => p.startsWith(`${id}/`)).map((p) => p.slice(id.length + 1)).sort();
      assert.deepEqual(inZip, expected.map((f) => f.path).sort(), `${id}: the converter's project files, nothing else`);
      for (const f of expected) assert.equal(files[`${id}/${f.path}`], f.text, `${id}/${f.path}`);
    }
  });

  test('each TypeScript project type-checks with tsc --noEmit --strict against the pinned SDKs', async (t) => {
    const project = batch.result.results.find((x) => x.id === TYPECHECKED[0]).output.project;
    if (!Array.isArray(project) || project.length === 0) {
      t.diagnostic('this build of the converter has no output.project yet: checking index.ts with a test tsconfig');
    }
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, 'x', path)), { recursive: true });
      await writeFile(join(dir, 'x', path), text);
    }
    for (const id of TYPECHECKED) {
      const root = join(dir, 'x', id);
      if (await exists(join(root, 'Pulumi.yaml'))) {
        assert.match(await readFile(join(root, 'Pulumi.yaml'), 'utf8'), /runtime:\s*(nodejs|\{?\s*name:\s*nodejs)/, `${id}/Pulumi.yaml`);
      }
      if (!(await exists(join(root, 'tsconfig.json')))) {
        await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'es2020', module: 'commonjs', moduleResolution: 'node' }, files: ['index.ts'] }));
      }
      // The SDKs resolve from tests/sdk/ts, as if `npm install` had run in the project.
      await symlink(join(SDK, 'node_modules'), join(root, 'node_modules'), 'dir');
      const run = spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--skipLibCheck', '-p', root], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(run.status, 0, `${id}: tsc failed:\n${run.stdout}${run.stderr}\n--- index.ts ---\n${files[`${id}/index.ts`]}`);
    }
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
