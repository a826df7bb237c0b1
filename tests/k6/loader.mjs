// ESM loader hook: `k6` and `k6/*` resolve to the recording stubs in ./stubs; everything else as usual.
const STUBS = new Map([
  ['k6', new URL('./stubs/k6.mjs', import.meta.url).href],
  ['k6/http', new URL('./stubs/http.mjs', import.meta.url).href],
  ['k6/metrics', new URL('./stubs/metrics.mjs', import.meta.url).href],
]);

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS.get(specifier);
  if (stub !== undefined) {
    return { url: stub, shortCircuit: true };
  }
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    throw new Error(`no stub for ${specifier}: add one to tests/k6/stubs and loader.mjs`);
  }
  return nextResolve(specifier, context);
}
