// Output: Convert all with Ctrl+Enter, the highlighted read-only output per example, copy, the language
// picker (every language the converter reports; switching converts again), the diagnostics panel with
// severity, and a click on a diagnostic that jumps to its file, line and column in the source editor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SAMPLES } from '../../www/samples.js';
import {
  convertAll,
  gotoReady,
  launchBrowser,
  openPage,
  outputText,
  permalinkUrl,
  readDiagnostics,
  requireWasmPackage,
  selectExample,
  startDevServer,
} from './helpers.mjs';

const sample = (id) => SAMPLES.find((s) => s.id === id);
const EXAMPLES = [sample('s3-static-site'), sample('deliberate-errors'), sample('random-pet')];
const cursor = (page) => page.evaluate(() => ({ ...window.hclconvPlayground.cursor, ...window.hclconvPlayground.activeFile }));

describe('output: convert, languages, copy, diagnostics', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;

  before(async () => {
    await requireWasmPackage();
    server = await startDevServer();
    browser = await launchBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    ({ page, problems } = await openPage(browser));
    // ?live=0: no conversion as you type here, so that "edited since" stays until the next batch.
    await gotoReady(page, permalinkUrl(server.url, EXAMPLES, { query: '?live=0' }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('Ctrl+Enter converts every example; each tab shows its own program', async () => {
    assert.equal(await page.textContent('[data-testid="output-state"]'), 'not converted yet');
    await page.click('[data-testid="source-editor"] .cm-content');
    const batch = await convertAll(page, { keyboard: true });
    assert.deepEqual(batch.result.results.map((r) => r.id), EXAMPLES.map((e) => e.id));
    // Ctrl+Enter in the editor converted instead of inserting a line.
    const doc = await page.evaluate(() => window.hclconvPlayground.document);
    assert.equal(doc.examples[0].files[0].text, EXAMPLES[0].files['main.tf']);

    await selectExample(page, 's3-static-site');
    let text = await outputText(page);
    assert.match(text, /new aws\.s3\.Bucket\("site"/);
    assert.match(await page.textContent('[data-testid="output-state"]'), /^(ok|warning)$/);
    // Highlighted: CodeMirror marks up keywords and strings of the TypeScript (the parser may finish a
    // moment after the text is shown).
    await page.waitForFunction(() => document.querySelector('[data-testid="output-editor"]').shadowRoot.querySelectorAll('.cm-line span').length > 10);

    await selectExample(page, 'random-pet');
    text = await outputText(page);
    assert.match(text, /new random\.RandomPet\("name"/);
    assert.doesNotMatch(text, /aws/);

    // Editing marks the output as stale until the next conversion.
    await page.click('[data-testid="source-editor"] .cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# edited\n');
    assert.equal(await page.textContent('[data-testid="output-state"]'), 'edited since');
  });

  test('copy puts the shown program on the clipboard', async () => {
    await selectExample(page, 's3-static-site');
    await page.click('[data-testid="copy-output"]');
    await page.waitForFunction(() => /Copied/.test(document.querySelector('[data-testid="notice-text"]').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await outputText(page));
  });

  test('diagnostics: severity, location, and a click jumps to the span in the source', async () => {
    await selectExample(page, 'deliberate-errors');
    const diags = await readDiagnostics(page);
    const severities = new Set(diags.map((d) => d.severity));
    assert.ok(severities.has('error') && severities.has('warning'), JSON.stringify(diags));
    assert.match(await page.textContent('[data-testid="diagnostic-counts"]'), /\d+ errors? · \d+ warnings?/);
    // The source shows the problems too (lint underlines).
    assert.ok((await page.locator('[data-testid="source-editor"] .cm-lintRange-error, [data-testid="source-editor"] .cm-lintRange-warning').count()) >= 1, 'underlines in the source');

    const expected = EXAMPLES[1].files;
    const local = diags.find((d) => d.file === 'main.tf' && /local\.widget_size/.test(d.message));
    assert.ok(local, JSON.stringify(diags));
    const broken = diags.find((d) => d.file === 'broken.tf' && d.severity === 'error');
    assert.ok(broken, JSON.stringify(diags));

    // Jump to broken.tf (another file of the example): the editor switches file and selects the span.
    await page.click(`[data-testid="diagnostic"][data-file="broken.tf"][data-line="${broken.line}"]`);
    let at = await cursor(page);
    assert.equal(at.path, 'broken.tf');
    assert.equal(at.line, broken.line);
    assert.equal(at.line, expected['broken.tf'].split('\n').findIndex((l) => /acl\s*=\s*$/.test(l)) + 1);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'source-editor', 'the editor has the focus');

    // And back to main.tf, line and column of `local.widget_size`.
    await page.click(`[data-testid="diagnostic"][data-file="main.tf"][data-line="${local.line}"]`);
    at = await cursor(page);
    assert.equal(at.path, 'main.tf');
    const lines = expected['main.tf'].split('\n');
    assert.equal(at.line, lines.findIndex((l) => l.includes('local.widget_size')) + 1);
    const column = lines[at.line - 1].indexOf('local.widget_size') + 1;
    assert.equal(local.location, `main.tf:${at.line}:${column}`);
    const diag = await page.evaluate((line) => {
      const r = window.hclconvPlayground.lastBatch.result.results.find((x) => x.id === 'deliberate-errors');
      return r.diagnostics.find((d) => (d.span ?? d).file === 'main.tf' && (d.span ?? d).line === line);
    }, local.line);
    const span = diag.span ?? diag;
    assert.deepEqual(await page.evaluate(() => window.hclconvPlayground.selection), {
      line: span.line,
      column: span.column,
      endLine: span.endLine || span.line,
      endColumn: span.endLine ? span.endColumn : span.column,
    }, 'the diagnostic\'s span is selected');
  });

  test('the language picker lists every language; switching converts again', async (t) => {
    const languages = await page.evaluate(() => window.hclconvPlayground.info.languages);
    const options = await page.$$eval('[data-testid="language"] option', (os) => os.map((o) => ({ id: o.value, name: o.textContent })));
    assert.deepEqual(options, languages.map((l) => ({ id: l.id, name: l.name })));
    assert.equal(languages[0].id, 'typescript', 'TypeScript first');
    if (languages.length < 2) {
      t.skip('this build of the converter has one language');
      return;
    }
    await selectExample(page, 's3-static-site');
    for (const lang of [...languages.slice(1), languages[0]]) {
      const before = await page.evaluate(() => window.hclconvPlayground.batchesDone);
      await page.selectOption('[data-testid="language"]', lang.id);
      await page.waitForFunction((n) => window.hclconvPlayground.batchesDone > n, before);
      const batch = await page.evaluate(() => window.hclconvPlayground.lastBatch);
      for (const r of batch.result.results) {
        assert.equal(r.output.language, lang.id, `${r.id} in ${lang.id}`);
        assert.equal(r.output.path, lang.mainFile);
      }
      assert.equal(await page.textContent('#output-title'), `Pulumi ${lang.name}`);
      const text = await outputText(page);
      assert.ok(text.length > 0, `${lang.id} output shown`);
      assert.ok(/site/.test(text), `${lang.id}: the bucket is in the program:\n${text}`);
    }
  });

  test('Live: with it on, the shown example is converted again after an edit', async () => {
    await page.check('[data-testid="live"]');
    await selectExample(page, 'random-pet');
    const before = await page.evaluate(() => window.hclconvPlayground.liveDone);
    await page.click('[data-testid="source-editor"] .cm-content');
    await page.keyboard.press('Control+End');
    // insertText: the text arrives as typed input, without the editor's auto-closing of brackets per key.
    await page.keyboard.insertText('output "live" {\n  value = "typed"\n}\n');
    await page.waitForFunction((n) => window.hclconvPlayground.liveDone > n && !/edited/.test(document.querySelector('[data-testid="output-state"]').textContent), before);
    assert.match(await outputText(page), /export const live = "typed";/);
    assert.equal((await page.evaluate(() => window.hclconvPlayground.document)).live, true, 'remembered');
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
