// Vite serves the playground (www/) and the wasm package that scripts/build-wasm.sh writes to www/pkg/.
//
// Threads in the browser need cross-origin isolation, so every response (page, JS, workers, wasm) carries
// COOP same-origin + COEP require-corp, in the dev server and in `vite preview` alike. The mode
// `no-isolation` (`vite --mode no-isolation`) drops the headers: the page then runs its single-thread
// fallback; the e2e fallback test uses it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

export default defineConfig(({ mode }) => {
  const headers = mode === 'no-isolation' ? {} : { ...ISOLATION_HEADERS };
  return {
    root: fileURLToPath(new URL('./www', import.meta.url)),
    // Relative asset URLs: the build works from any sub-path.
    base: './',
    clearScreen: false,
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
    },
  };
});
