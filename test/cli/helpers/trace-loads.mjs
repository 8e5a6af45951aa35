// Preload for start-up tests (`node --import ./trace-loads.mjs ...`): appends the path of every module the
// process loads, ES modules through a loader hook and CommonJS through require, to the file named by
// $TRACE_LOADS, one a line. Test-only; the CLI never loads it.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const out = process.env.TRACE_LOADS;

function record(what) {
  if (out && !what.startsWith('node:')) appendFileSync(out, `${what}\n`);
}

/** Loader hook (runs on the hooks thread): every ES module, and each CommonJS entry imported from one. */
export async function load(url, context, next) {
  record(url.startsWith('file:') ? fileURLToPath(url) : url);
  return next(url, context);
}

if (isMainThread && out) {
  register(import.meta.url);
  const Module = createRequire(import.meta.url)('node:module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function traced(request, ...rest) {
    const file = resolve.call(this, request, ...rest);
    record(file);
    return file;
  };
}
