/**
 * vitest global setup: builds the CLI into dist/ when it is missing or older than src/, so tests that start
 * `bin/redis-runbook.js` as a user would always run the code under test. About a second, and only then.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs `npm run build -- --if-stale`; throws with its output when the build fails. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const res = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stderr}${res.stdout}`);
}
