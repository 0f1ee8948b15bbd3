// Unit tests of the page's plain-data modules, in Node (no browser): the document checks and the
// permalink codec, grouping dropped files and folders into examples (with FileSystemEntry stand-ins, the
// path a real folder drop takes), and the zip of projects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync, strFromU8, strToU8, unzipSync } from 'fflate';
import { LIMITS, decodePermalink, encodePermalink, sanitizeName, sanitizePath, uniqueName, validateDocument } from '../../www/lib/document.js';
import { examplesFromFiles, filesFromDataTransfer } from '../../www/lib/files.js';
import { buildZip, projectFiles } from '../../www/lib/zip.js';
import { SAMPLES } from '../../www/samples.js';

const doc = {
  examples: SAMPLES.map((s) => ({ name: s.id, files: Object.entries(s.files).map(([path, text]) => ({ path, text })) })),
  language: 'pcl',
  threads: 2,
  cacheMode: 'check-then-insert',
  copies: 7,
};

describe('document', () => {
  test('permalinks round-trip every field, in a URL-safe hash', () => {
    const hash = encodePermalink(doc);
    assert.match(hash, /^#code=[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePermalink(hash).doc, doc);
  });

  test('damaged, foreign and hostile links are refused with a reason', () => {
    assert.equal(decodePermalink('#other'), null);
    assert.match(decodePermalink('#code=%%%').error, /damaged/);
    const foreign = '#code=' + Buffer.from(deflateSync(strToU8(JSON.stringify({ v: 99, examples: [] })))).toString('base64url');
    assert.match(decodePermalink(foreign).error, /another version/);
    // 64 MB of zeros deflate to ~64 KB: inflating stops at the limit (16 MB) instead of going on.
    const bomb = '#code=' + Buffer.from(deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 1 })).toString('base64url');
    assert.ok(decodePermalink(bomb).error);
  });

  test('validation sanitises names and paths and makes them unique', () => {
    const { doc: d } = validateDocument({
      examples: [
        { name: '../etc/passwd', files: [{ path: '/../main.tf', text: 'a' }, { path: 'main.tf', text: 'dup' }, { path: 'mod\\x.tf', text: 'b' }] },
        { name: 'etc-passwd', files: [] },
        { name: '', files: [{ path: '', text: '' }] },
      ],
      language: '<script>',
      threads: 0,
      copies: LIMITS.copies + 1,
      extra: 'dropped',
    });
    assert.deepEqual(d, {
      examples: [
        { name: 'etc-passwd', files: [{ path: 'main.tf', text: 'a' }, { path: 'mod/x.tf', text: 'b' }] },
        { name: 'etc-passwd-2', files: [{ path: 'main.tf', text: '' }] },
        { name: 'example', files: [{ path: 'main.tf', text: '' }] },
      ],
    });
    assert.equal(sanitizeName('a<b>:c'), 'a-b-c');
    assert.equal(sanitizePath('./a/../b//c.tf'), 'a/b/c.tf');
    assert.equal(uniqueName('x', new Set(['x', 'x-2'])), 'x-3');
    assert.match(validateDocument({ examples: 'no' }).error, /no examples/);
    assert.match(validateDocument({ examples: [{ name: 'a', files: [{ path: 'a', text: 'x'.repeat(LIMITS.totalText + 1) }] }] }).error, /too large/);
  });
});

/** FileSystemEntry stand-ins (what webkitGetAsEntry returns for a dropped folder). */
function fileEntry(name, text) {
  return { isFile: true, isDirectory: false, name, file: (ok) => ok(new File([text], name)) };
}
function dirEntry(name, children) {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader() {
      // readEntries hands out entries in chunks, then an empty list.
      const chunks = [children.slice(0, 1), children.slice(1), []];
      return { readEntries: (ok) => ok(chunks.shift() ?? []) };
    },
  };
}

describe('files', () => {
  test('a dropped folder becomes one example; .terraform and non-Terraform files are left out', async () => {
    const dataTransfer = {
      items: [
        { kind: 'file', webkitGetAsEntry: () => dirEntry('network', [
          fileEntry('variables.tf', 'variable "a" {}'),
          fileEntry('main.tf', 'module "m" {}'),
          dirEntry('modules', [dirEntry('sub', [fileEntry('main.tf', '# sub')])]),
          dirEntry('.terraform', [fileEntry('x.tf', '# no')]),
          fileEntry('diagram.png', 'png'),
        ]) },
        { kind: 'file', webkitGetAsEntry: () => fileEntry('loose.tf', '# loose') },
      ],
      files: [],
    };
    const list = await filesFromDataTransfer(dataTransfer);
    const { examples, skipped } = await examplesFromFiles(list);
    assert.deepEqual(examples, [
      { name: 'network', files: [{ path: 'main.tf', text: 'module "m" {}' }, { path: 'variables.tf', text: 'variable "a" {}' }, { path: 'modules/sub/main.tf', text: '# sub' }] },
      { name: 'loose', files: [{ path: 'loose.tf', text: '# loose' }] },
    ]);
    assert.deepEqual(skipped.map((s) => s.path), ['network/diagram.png']);
  });

  test('without entries (no webkitGetAsEntry), the plain file list is used', async () => {
    const list = await filesFromDataTransfer({ items: [], files: [new File(['a'], 'a.tf'), new File(['b'], 'b.tf')] });
    const { examples } = await examplesFromFiles(list);
    assert.deepEqual(examples, [{ name: 'dropped', files: [{ path: 'a.tf', text: 'a' }, { path: 'b.tf', text: 'b' }] }]);
  });
});

describe('zip', () => {
  test('one folder per example with exactly the project files; nothing for an empty result', () => {
    const project = [{ path: 'Pulumi.yaml', text: 'name: a\nruntime: nodejs\n' }, { path: 'index.ts', text: 'export {};\n' }, { path: 'src/util.ts', text: '//\n' }];
    const zip = buildZip([
      { name: 'a', result: { output: { path: 'index.ts', text: 'export {};\n', project } } },
      { name: 'old', result: { output: { path: 'index.ts', text: 'x', project: [] } } },
      { name: 'empty', result: { output: { path: 'index.ts', text: '' } } },
    ]);
    const files = Object.fromEntries(Object.entries(unzipSync(zip)).filter(([p]) => !p.endsWith('/')).map(([p, b]) => [p, strFromU8(b)]));
    assert.deepEqual(files, { 'a/Pulumi.yaml': project[0].text, 'a/index.ts': project[1].text, 'a/src/util.ts': '//\n', 'old/index.ts': 'x' });
    assert.deepEqual(projectFiles({ output: { path: 'main.pp', text: 'x' } }), [{ path: 'main.pp', text: 'x' }]);
  });
});

describe('safety', () => {
  test('no page script parses strings as HTML or code', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const www = new URL('../../www/', import.meta.url).pathname;
    const files = [...(await readdir(www)).filter((f) => f.endsWith('.js')), ...(await readdir(join(www, 'lib'))).map((f) => `lib/${f}`)];
    assert.ok(files.length >= 10, files.join(' '));
    for (const f of files) {
      const text = await readFile(join(www, f), 'utf8');
      for (const bad of [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/, /setAttribute\(\s*['"]style/]) {
        assert.doesNotMatch(text, bad, `${f} uses ${bad}`);
      }
    }
  });
});
