// The playground's document: the examples the user edits and the options of a run. Plain data, no DOM,
// so that the e2e tests can import it in Node to build permalinks.
//
//   { examples: [{ name, files: [{ path, text }] }], language, threads, cacheMode, copies }
//
// Also: validation of anything that comes from outside (localStorage, a permalink, dropped files) and the
// permalink codec (JSON → DEFLATE (fflate) → base64url, in the URL hash as `#code=…`).
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';

export const LIMITS = Object.freeze({
  examples: 200,
  filesPerExample: 200,
  nameLength: 120,
  pathLength: 300,
  /** Total characters of every file together. */
  totalText: 8 * 1024 * 1024,
  copies: 500,
});

export const PERMALINK_PREFIX = '#code=';

/** A name that is unique among `taken` (a Set), derived from `base`. */
export function uniqueName(base, taken) {
  const clean = sanitizeName(base) || 'example';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) {
    const candidate = `${clean}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Example names become ids of the converter, folder names in the zip and tab labels. */
export function sanitizeName(name) {
  return String(name ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '-')
    .replace(/^[\s.-]+|[\s.]+$/g, '')
    .slice(0, LIMITS.nameLength);
}

/** A file path inside an example: forward slashes, no `..`, no leading slash. */
export function sanitizePath(path) {
  const parts = String(path ?? '')
    .replace(/\\/g, '/')
    .split('/')
    .map((p) => p.replace(/[\u0000-\u001f\u007f]+/g, '').trim())
    .filter((p) => p && p !== '.' && p !== '..');
  return parts.join('/').slice(0, LIMITS.pathLength);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks and normalises a document from an untrusted source. Returns { doc } or { error }.
 * Unknown keys are dropped; names and paths are sanitised and made unique.
 */
export function validateDocument(input) {
  if (!isObject(input)) return { error: 'not a playground document' };
  if (!Array.isArray(input.examples)) return { error: 'the document has no examples' };
  if (input.examples.length > LIMITS.examples) return { error: `more than ${LIMITS.examples} examples` };
  let total = 0;
  const names = new Set();
  const examples = [];
  for (const ex of input.examples) {
    if (!isObject(ex) || !Array.isArray(ex.files)) return { error: 'an example is malformed' };
    if (ex.files.length > LIMITS.filesPerExample) return { error: `an example has more than ${LIMITS.filesPerExample} files` };
    const name = uniqueName(ex.name, names);
    names.add(name);
    const paths = new Set();
    const files = [];
    for (const f of ex.files) {
      if (!isObject(f) || typeof f.text !== 'string') return { error: `example “${name}”: a file is malformed` };
      const path = sanitizePath(f.path) || 'main.tf';
      if (paths.has(path)) continue;
      paths.add(path);
      total += f.text.length;
      if (total > LIMITS.totalText) return { error: 'the examples are too large' };
      files.push({ path, text: f.text });
    }
    if (files.length === 0) files.push({ path: 'main.tf', text: '' });
    examples.push({ name, files });
  }
  const doc = { examples };
  if (typeof input.language === 'string' && /^[a-z0-9_-]{1,32}$/.test(input.language)) doc.language = input.language;
  if (Number.isInteger(input.threads) && input.threads >= 1 && input.threads <= 1024) doc.threads = input.threads;
  if (typeof input.cacheMode === 'string' && /^[a-z0-9_-]{1,32}$/.test(input.cacheMode)) doc.cacheMode = input.cacheMode;
  if (Number.isInteger(input.copies) && input.copies >= 1 && input.copies <= LIMITS.copies) doc.copies = input.copies;
  return { doc };
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Inflates at most `max` bytes: the input is fed in small slices so that no single step can expand a
 * hostile link into gigabytes before the size check.
 */
function inflateBounded(bytes, max) {
  const chunks = [];
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    if (size > max) throw new Error('too large');
    chunks.push(chunk);
  });
  const SLICE = 1024;
  for (let i = 0; i < bytes.length; i += SLICE) {
    inflater.push(bytes.subarray(i, i + SLICE), i + SLICE >= bytes.length);
  }
  if (bytes.length === 0) throw new Error('empty');
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The URL hash (with its leading `#code=`) that carries `doc`. */
export function encodePermalink(doc) {
  const payload = { v: 1, ...doc };
  return PERMALINK_PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(payload)), { level: 9 }));
}

/** Reads a hash made by encodePermalink: { doc } or { error }; null when the hash is no permalink. */
export function decodePermalink(hash) {
  if (typeof hash !== 'string' || !hash.startsWith(PERMALINK_PREFIX)) return null;
  let data;
  try {
    const bytes = fromBase64Url(hash.slice(PERMALINK_PREFIX.length));
    data = JSON.parse(strFromU8(inflateBounded(bytes, LIMITS.totalText * 2)));
  } catch {
    return { error: 'the link is damaged (it could not be decoded)' };
  }
  if (!isObject(data) || data.v !== 1) return { error: 'the link was made by another version of the playground' };
  return validateDocument(data);
}
