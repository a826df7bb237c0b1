// Runs a k6 script under node without k6: `node run.mjs SCRIPT [ITERATIONS] [SEED]`.
// Registers the loader hook that maps k6/* to recording stubs, seeds Math.random, sets __ENV, __VU
// and __ITER, imports the script, calls its default function ITERATIONS times and prints JSON:
// { options, requests, metrics }.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./loader.mjs', import.meta.url);

const [script, iterationsArg = '1', seedArg = '1'] = process.argv.slice(2);
if (script === undefined) {
  console.error('usage: node run.mjs SCRIPT [ITERATIONS] [SEED]');
  process.exit(2);
}

// mulberry32: a small seeded generator, so a run is repeatable.
let state = Number(seedArg) >>> 0;
Math.random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

globalThis.__ENV = {
  API_BASE_URL: process.env.API_BASE_URL ?? 'https://api.test.invalid',
  API_TOKEN: process.env.API_TOKEN ?? 'test-token',
};
globalThis.__VU = 1;
globalThis.__ITER = 0;

const { recorder } = await import('./stubs/recorder.mjs');
const module = await import(pathToFileURL(script).href);
if (typeof module.default !== 'function') {
  throw new Error(`${script} has no default export function`);
}
for (let i = 0; i < Number(iterationsArg); i += 1) {
  globalThis.__ITER = i;
  module.default();
}
process.stdout.write(JSON.stringify({ options: module.options ?? null, ...recorder }));
