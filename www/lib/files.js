// Files from outside: drag-and-drop (files and whole folders) and the file / folder pickers.
// Each top-level folder becomes one example (its files keep their paths inside it); loose files dropped
// together become one example. Only text files a Terraform module uses are read.
import { LIMITS, sanitizeName, sanitizePath } from './document.js';

const TEXT_FILE = /\.(tf|tf\.json|tfvars|tfvars\.json|hcl|tftpl|tpl|json|ya?ml|sh|txt|md)$/i;
const SKIP_DIR = /^(\.terraform|\.git|node_modules)$/;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads every entry of a directory (readEntries returns them in chunks). */
function readAll(dirEntry) {
  const reader = dirEntry.createReader();
  const all = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((entries) => {
        if (entries.length === 0) resolve(all);
        else {
          all.push(...entries);
          next();
        }
      }, reject);
    next();
  });
}

const entryFile = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));

async function walk(entry, prefix, out) {
  if (out.length > LIMITS.examples * 20) return;
  if (entry.isFile) {
    out.push({ path: prefix + entry.name, file: await entryFile(entry) });
  } else if (entry.isDirectory && !SKIP_DIR.test(entry.name)) {
    for (const child of await readAll(entry)) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** [{ path, file }] from a drop: folders are walked (paths start with the folder's name). */
export async function filesFromDataTransfer(dataTransfer) {
  const out = [];
  const items = [...(dataTransfer.items || [])].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length && entries.every(Boolean)) {
    for (const entry of entries) await walk(entry, '', out);
    return out;
  }
  for (const file of dataTransfer.files || []) out.push({ path: file.name, file });
  return out;
}

/** [{ path, file }] from an <input type=file> (with `webkitdirectory`, paths start with the folder). */
export function filesFromInput(input) {
  return [...input.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Groups files into examples and reads them: [{ name, files: [{ path, text }] }], plus a list of skipped
 * files with the reason. Files in a top-level folder form an example named after the folder.
 */
export async function examplesFromFiles(list) {
  const groups = new Map(); // name -> [{ path, file }]
  const skipped = [];
  const loose = [];
  for (const { path, file } of list) {
    const clean = sanitizePath(path);
    const slash = clean.indexOf('/');
    if (slash > 0) {
      const folder = clean.slice(0, slash);
      const inner = clean.slice(slash + 1);
      if (inner.split('/').some((p) => SKIP_DIR.test(p))) continue;
      if (!groups.has(folder)) groups.set(folder, []);
      groups.get(folder).push({ path: inner, file });
    } else {
      loose.push({ path: clean, file });
    }
  }
  if (loose.length) {
    const first = loose[0].path.replace(/\.(tf\.json|tf|[a-z]+)$/i, '');
    const name = loose.length === 1 ? first : 'dropped';
    groups.set(groups.has(name) ? `${name}-files` : name, loose);
  }
  const examples = [];
  for (const [name, files] of groups) {
    const read = [];
    for (const { path, file } of files) {
      if (!TEXT_FILE.test(path)) {
        skipped.push({ path: `${name}/${path}`, reason: 'not a Terraform text file' });
        continue;
      }
      if (file.size > MAX_FILE_BYTES) {
        skipped.push({ path: `${name}/${path}`, reason: 'larger than 4 MB' });
        continue;
      }
      read.push({ path, text: await file.text() });
    }
    if (read.length === 0) continue;
    read.sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
    examples.push({ name: sanitizeName(name) || 'dropped', files: read.slice(0, LIMITS.filesPerExample) });
  }
  return { examples, skipped };
}

/** main.tf first, then the other top-level .tf files, then everything else. */
function rank(path) {
  if (path === 'main.tf') return 0;
  if (!path.includes('/') && /\.tf$/.test(path)) return 1;
  return 2;
}
