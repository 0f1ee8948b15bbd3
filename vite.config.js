// Vite serves the playground (www/) and the wasm package that scripts/build-wasm.sh writes to www/pkg/.
//
// Headers, on every response (page, JS, workers, wasm), in the dev server and in `vite preview` alike:
// - COOP same-origin + COEP require-corp: cross-origin isolation, which WebAssembly threads need.
// - A Content-Security-Policy that allows only the page's own scripts, workers and wasm. Workers get
//   their policy from their own response, so it must be a header (the page also carries it in a <meta>).
// The mode `no-isolation` (`vite --mode no-isolation`) drops COOP/COEP but keeps the CSP: the page then
// runs its single-thread fallback; the e2e fallback test uses it.
// A production build also gets `_headers` (Netlify / Cloudflare Pages format) with the same set, for
// static hosting.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** The policy: own scripts, workers and wasm only; styles from own files (CodeMirror uses constructed stylesheets). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `frame-ancestors` is ignored (and warned about) in a <meta> policy. */
const META_CSP = CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

export function responseHeaders(mode) {
  return {
    ...(mode === 'no-isolation' ? {} : ISOLATION_HEADERS),
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The `_headers` file for static hosts: every path gets the full header set. */
export function staticHeadersFile() {
  const lines = ['# Served with every file of the playground (Netlify / Cloudflare Pages format).', '/*'];
  for (const [k, v] of Object.entries(responseHeaders('production'))) lines.push(`  ${k}: ${v}`);
  return `${lines.join('\n')}\n`;
}

function playgroundHeaders() {
  return {
    name: 'hclconv-headers',
    transformIndexHtml: (html) => html.replaceAll('%HCLCONV_CSP%', META_CSP),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHeadersFile() });
    },
  };
}

export default defineConfig(({ mode }) => {
  const headers = responseHeaders(mode);
  return {
    root: fileURLToPath(new URL('./www', import.meta.url)),
    // Relative asset URLs: the build works from any sub-path.
    base: './',
    clearScreen: false,
    plugins: [playgroundHeaders()],
    server: { host: '127.0.0.1', port: 5173, strictPort: false, headers },
    preview: { host: '127.0.0.1', port: 4173, strictPort: false, headers },
    // worker.js and wasm-bindgen-rayon's workerHelpers.js are module workers that import each other's
    // chunks: they must be bundled as ES modules. workerHelpers.js imports the wasm glue dynamically
    // while worker.js imports it statically; that is intended, so the warning about it is off.
    worker: { format: 'es', rolldownOptions: { checks: { ineffectiveDynamicImport: false } } },
    build: {
      outDir: fileURLToPath(new URL('./dist', import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1200,
      // pool-shim.js is a worker script: it must stay a file of its own (the CSP allows no data: workers).
      assetsInlineLimit: (file) => (file.endsWith('pool-shim.js') ? false : undefined),
    },
  };
});
