#!/usr/bin/env node
// Starts the CLI. Uses the compiled build (`npm run build` → dist/) when it is at least as new as every
// source file, which starts in a fraction of the time; otherwise runs the TypeScript directly through
// tsx, so a checkout works with no build step and a stale build is never run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'cli', 'main.js');

/** Newest modification time of any file below `dir`. */
function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'src'))) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
