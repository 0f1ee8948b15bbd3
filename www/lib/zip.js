// "Download all": one folder per example holding the Pulumi project the converter produced for it
// (`output.project`: Pulumi.yaml, the program, package.json + tsconfig.json or requirements.txt). The page
// adds no file of its own; with a converter that predates `output.project`, the folder holds the program.
import { zipSync, strToU8 } from 'fflate';
import { sanitizePath } from './document.js';

/** The files of one converted example: [{ path, text }]. */
export function projectFiles(result) {
  const out = result && result.output;
  if (!out) return [];
  if (Array.isArray(out.project) && out.project.length) {
    return out.project.filter((f) => f && typeof f.path === 'string' && typeof f.text === 'string');
  }
  return typeof out.text === 'string' && out.text !== '' ? [{ path: out.path || 'index.ts', text: out.text }] : [];
}

/** Zip bytes for [{ name, result }]; folder names are the example names. */
export function buildZip(items) {
  const tree = {};
  const mtime = new Date();
  for (const { name, result } of items) {
    const files = projectFiles(result);
    if (files.length === 0) continue;
    const folder = {};
    for (const f of files) {
      const path = sanitizePath(f.path);
      if (path) folder[path] = [strToU8(f.text), { mtime }];
    }
    tree[name] = nest(folder);
  }
  return zipSync(tree, { level: 6 });
}

/** fflate wants nested objects for folders: { 'a/b.txt': x } → { a: { 'b.txt': x } }. */
function nest(flat) {
  const root = {};
  for (const [path, value] of Object.entries(flat)) {
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = dir[p] ??= {};
    dir[parts[parts.length - 1]] = value;
  }
  return root;
}
