// Input: example tabs (add, rename, close, keyboard), files of an example, paste, drag-and-drop of .tf
// files, opening a whole folder, and that nothing typed is lost: restore after reload and the permalink
// round trip (examples, language and options in the URL hash).
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GALLERY, NEW_EXAMPLE_TEXT } from '../../www/samples.js';
import { GOOD_EXAMPLES } from './examples.mjs';
import {
  gotoReady,
  launchBrowser,
  openPage,
  permalinkUrl,
  readTabs,
  requireWasmPackage,
  selectExample,
  startDevServer,
  waitForReady,
} from './helpers.mjs';

const START = [GOOD_EXAMPLES[0], GOOD_EXAMPLES[1]];
const sourceText = (page) => page.evaluate(() => {
  const doc = window.hclconvPlayground.document;
  const ex = doc.examples.find((e) => e.name === doc.active);
  return ex.files.find((f) => f.path === ex.activeFile).text;
});
const documentOf = (page) => page.evaluate(() => window.hclconvPlayground.document);
const fileTabs = (page) => page.$$eval('[data-testid="file-tab"]', (ts) => ts.map((t) => t.dataset.name));
const savedContains = (page, marker) =>
  page.waitForFunction((m) => (localStorage.getItem('hclconv.playground.v1') || '').includes(m), marker);

describe('editing: tabs, files, paste, drop, folders, reload, permalink', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let page;
  let problems;
  let folder;

  before(async () => {
    await requireWasmPackage();
    server = await startDevServer();
    browser = await launchBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    ({ page, problems } = await openPage(browser));
    await gotoReady(page, permalinkUrl(server.url, START));
    folder = await mkdtemp(join(tmpdir(), 'hclconv-folder-'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('add, rename (double-click, F2), close and keyboard navigation of example tabs', async () => {
    assert.deepEqual((await readTabs(page)).map((t) => t.name), START.map((e) => e.id));
    await page.click('[data-testid="add-example"]');
    let tabs = await readTabs(page);
    assert.deepEqual(tabs.map((t) => t.name), [...START.map((e) => e.id), 'example']);
    assert.equal(tabs[2].selected, true, 'the new tab is selected');
    assert.equal(await sourceText(page), NEW_EXAMPLE_TEXT);

    await page.dblclick('[data-testid="example-tab"][data-name="example"]');
    await page.fill('[data-testid="rename-input"]', 'my network');
    await page.keyboard.press('Enter');
    tabs = await readTabs(page);
    assert.deepEqual(tabs.map((t) => t.name), [...START.map((e) => e.id), 'my network']);

    // A name that is taken gets a suffix; Escape cancels a rename.
    await page.focus('[data-testid="example-tab"][data-name="my network"]');
    await page.keyboard.press('F2');
    await page.fill('[data-testid="rename-input"]', START[0].id);
    await page.keyboard.press('Enter');
    assert.equal((await readTabs(page))[2].name, `${START[0].id}-2`);
    await page.keyboard.press('F2');
    await page.fill('[data-testid="rename-input"]', 'never');
    await page.keyboard.press('Escape');
    assert.equal((await readTabs(page))[2].name, `${START[0].id}-2`);

    // Arrow keys move between tabs (roving focus).
    await page.focus('[data-testid="example-tab"][aria-selected="true"]');
    await page.keyboard.press('Home');
    assert.equal((await readTabs(page)).find((t) => t.selected).name, START[0].id);
    await page.keyboard.press('ArrowRight');
    assert.equal((await readTabs(page)).find((t) => t.selected).name, START[1].id);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.name), START[1].id);

    // Close with the × and with Delete.
    await page.click(`[data-testid="example-tab"][data-name="${START[0].id}-2"] [data-testid="close-example-tab"]`);
    assert.deepEqual((await readTabs(page)).map((t) => t.name), START.map((e) => e.id));
    await page.focus(`[data-testid="example-tab"][data-name="${START[1].id}"]`);
    await page.keyboard.press('Delete');
    assert.deepEqual((await readTabs(page)).map((t) => t.name), [START[0].id]);
  });

  test('files of an example: add, rename, switch', async () => {
    await selectExample(page, START[0].id);
    assert.deepEqual(await fileTabs(page), ['main.tf']);
    await page.click('[data-testid="add-file"]');
    assert.deepEqual(await fileTabs(page), ['main.tf', 'variables.tf']);
    await page.keyboard.type('variable "region" {}\n');
    await page.dblclick('[data-testid="file-tab"][data-name="variables.tf"]');
    await page.fill('[data-testid="rename-input"]', 'inputs.tf');
    await page.keyboard.press('Enter');
    assert.deepEqual(await fileTabs(page), ['main.tf', 'inputs.tf']);
    assert.equal(await sourceText(page), 'variable "region" {}\n');
    await page.click('[data-testid="file-tab"][data-name="main.tf"]');
    assert.equal(await sourceText(page), START[0].files['main.tf']);
  });

  test('paste: into the editor, and outside it as a new example', async () => {
    const pasted = 'resource "random_pet" "pasted" {\n  length = 3\n}\n';
    await page.evaluate((t) => navigator.clipboard.writeText(t), pasted);
    await page.click('[data-testid="add-example"]');
    await page.click('[data-testid="source-editor"] .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await page.waitForFunction((t) => {
      const d = window.hclconvPlayground.document;
      return d.examples.find((e) => e.name === d.active).files[0].text === t;
    }, pasted);

    // Outside an editor: the clipboard becomes a new example.
    const before = (await readTabs(page)).length;
    await page.evaluate(() => document.activeElement?.blur());
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
    await page.keyboard.press('Control+V');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="example-tab"]').length === n + 1, before);
    const tabs = await readTabs(page);
    assert.equal(tabs.at(-1).name, 'pasted');
    assert.equal(tabs.at(-1).selected, true);
    assert.equal(await sourceText(page), pasted);
  });

  test('drag and drop of .tf files: one new example holding them', async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['variable "name" {}\n'], 'variables.tf', { type: 'text/plain' }));
      dt.items.add(new File(['resource "random_id" "dropped" {\n  byte_length = 2\n}\n'], 'main.tf', { type: 'text/plain' }));
      dt.items.add(new File([new Uint8Array([0, 1, 2])], 'logo.png', { type: 'image/png' }));
      return dt;
    });
    await page.dispatchEvent('[data-testid="drop-zone"]', 'dragenter', { dataTransfer });
    assert.equal(await page.isVisible('[data-testid="drop-overlay"]'), true, 'the drop target shows itself');
    await page.dispatchEvent('[data-testid="drop-zone"]', 'dragover', { dataTransfer });
    await page.dispatchEvent('[data-testid="drop-zone"]', 'drop', { dataTransfer });
    await page.waitForFunction(() => window.hclconvPlayground.document.active === 'dropped');
    assert.equal(await page.isVisible('[data-testid="drop-overlay"]'), false);
    const doc = await documentOf(page);
    const ex = doc.examples.find((e) => e.name === 'dropped');
    assert.deepEqual(ex.files.map((f) => f.path), ['main.tf', 'variables.tf'], 'main.tf first; the image is skipped');
    assert.match(await page.textContent('[data-testid="notice-text"]'), /Skipped 1 file/);
  });

  test('a whole folder (a module with a sub-module) becomes one example', async () => {
    const root = join(folder, 'network');
    await mkdir(join(root, 'modules/subnet'), { recursive: true });
    await mkdir(join(root, '.terraform/providers'), { recursive: true });
    await writeFile(join(root, 'main.tf'), 'module "subnet" {\n  source = "./modules/subnet"\n}\n');
    await writeFile(join(root, 'variables.tf'), 'variable "cidr" {\n  default = "10.0.0.0/16"\n}\n');
    await writeFile(join(root, 'modules/subnet/main.tf'), 'variable "cidr" {}\n');
    await writeFile(join(root, '.terraform/providers/lock.tf'), '# never read\n');
    await page.setInputFiles('[data-testid="open-folder"]', root);
    await page.waitForFunction(() => window.hclconvPlayground.document.active === 'network');
    const ex = (await documentOf(page)).examples.find((e) => e.name === 'network');
    assert.deepEqual(ex.files.map((f) => f.path), ['main.tf', 'variables.tf', 'modules/subnet/main.tf']);
    assert.deepEqual(await fileTabs(page), ['main.tf', 'variables.tf', 'modules/subnet/main.tf']);
  });

  test('the gallery opens built-in examples as new tabs (keyboard: Escape closes it)', async () => {
    await page.click('[data-testid="open-gallery"]');
    assert.equal(await page.isVisible('[data-testid="gallery-dialog"]'), true);
    assert.equal(await page.locator('[data-testid="gallery-item"]').count(), GALLERY.length);
    await page.click('[data-testid="gallery-item"][data-id="lambda-api"]');
    assert.equal(await page.isVisible('[data-testid="gallery-dialog"]'), false);
    let tabs = await readTabs(page);
    assert.deepEqual(tabs.find((t) => t.selected), { name: 'lambda-api', selected: true, status: tabs.find((t) => t.selected).status });
    assert.equal(await sourceText(page), GALLERY.find((g) => g.id === 'lambda-api').files['main.tf']);
    await page.click('[data-testid="open-gallery"]');
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('[data-testid="gallery-dialog"]'), false);
    // Closing what was added keeps the rest of this file's document as it was.
    await page.click('[data-testid="example-tab"][data-name="lambda-api"] [data-testid="close-example-tab"]');
    tabs = await readTabs(page);
    assert.ok(!tabs.some((t) => t.name === 'lambda-api'));
  });

  test('a reload restores every tab, file and unsaved keystroke', async () => {
    await selectExample(page, 'network');
    await page.click('[data-testid="source-editor"] .cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# typed just before the reload\n');
    await savedContains(page, '# typed just before the reload');
    const before = await documentOf(page);
    await page.reload();
    await waitForReady(page);
    assert.equal(await page.evaluate(() => document.body.dataset.origin), 'storage');
    const afterReload = await documentOf(page);
    assert.deepEqual(afterReload.examples, before.examples);
    assert.equal(afterReload.active, 'network');
    assert.match(await sourceText(page), /# typed just before the reload\n$/);
  });

  test('permalink round trip: Share, then opening the link restores examples, language and options', async () => {
    await page.fill('[data-testid="copies"]', '3');
    await page.press('[data-testid="copies"]', 'Tab');
    const before = await documentOf(page);
    await page.click('[data-testid="share"]');
    const url = await page.inputValue('[data-testid="share-url"]');
    assert.match(url, /#code=[A-Za-z0-9_-]+$/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url, 'the link is on the clipboard');

    // Lose everything, then open the link.
    for (const name of before.examples.map((e) => e.name)) {
      await page.click(`[data-testid="example-tab"][data-name="${name}"] [data-testid="close-example-tab"]`);
    }
    assert.equal((await readTabs(page)).length, 0);
    assert.equal(await page.isVisible('[data-testid="no-examples"]'), true);
    await page.goto('about:blank');
    await gotoReady(page, url);
    assert.equal(await page.evaluate(() => document.body.dataset.origin), 'permalink');
    const restored = await documentOf(page);
    assert.deepEqual(
      restored.examples.map((e) => ({ name: e.name, files: e.files })),
      before.examples.map((e) => ({ name: e.name, files: e.files })),
    );
    assert.equal(restored.language, before.language);
    assert.equal(restored.copies, 3);
    assert.equal(await page.inputValue('[data-testid="copies"]'), '3');
    assert.equal(new URL(page.url()).hash, '', 'the address bar drops the hash once it is loaded');
  });

  test('a damaged link says so and keeps what was saved', async () => {
    const names = (await readTabs(page)).map((t) => t.name);
    await page.goto('about:blank');
    await gotoReady(page, `${server.url}#code=not-a-real-link`);
    assert.match(await page.textContent('[data-testid="notice-text"]'), /could not be opened/);
    assert.deepEqual((await readTabs(page)).map((t) => t.name), names);
  });

  test('no page error, console error, failed request or CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
