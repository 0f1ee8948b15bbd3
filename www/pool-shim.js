// Runs first in each of the thread pool's Workers, then loads wasm-bindgen-rayon's own worker script.
//
// A pool thread runs the rayon loop inside an async function of that script, so a wasm trap or a stack
// overflow there surfaces as an unhandled promise rejection — which, unlike an uncaught exception, never
// reaches the parent's Worker object. This shim turns both into a message to the conversion worker
// (`hclconv-pool-thread-died`), which then reports the crash to the page.
//
// The parent's first message can arrive while the helper module is still loading: it is kept and
// dispatched again once the helper listens.
const early = [];
const keep = (event) => early.push(event.data);
self.addEventListener('message', keep);

let reported = false;
function died(what) {
  if (reported) return;
  reported = true;
  const message = what && what.message ? `${what.name || 'Error'}: ${what.message}` : String(what);
  self.postMessage({ type: 'hclconv-pool-thread-died', message });
}
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  died(event.reason);
});
self.addEventListener('error', (event) => {
  event.preventDefault();
  died(event.error || event.message);
});

const helper = new URL(self.location.href).searchParams.get('helper');
try {
  if (!helper || new URL(helper).origin !== self.location.origin) throw new Error('no pool helper to load');
  await import(/* @vite-ignore */ helper);
} catch (e) {
  died(e);
}
self.removeEventListener('message', keep);
for (const data of early) self.dispatchEvent(new MessageEvent('message', { data }));
