#!/usr/bin/env node
// Starts the CLI from its compiled bundle in dist/ (`npm run build`); it never runs TypeScript. In a source
// checkout a missing build, or one older than a file in src/, is refused with the command that fixes it,
// so a stale build never runs. `npm run demo` and `npm test` build it when needed.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRY, staleReason } from './build-state.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stale = staleReason(root);
if (stale) {
  process.stderr.write(`redis-runbook: ${stale}: run \`npm run build\` in ${root} first [NOT_BUILT]\n`);
  process.exit(2);
}
await import(pathToFileURL(join(root, ENTRY)).href);
