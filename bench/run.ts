/**
 * `npm run bench`: runs every benchmark script in this folder one after another, each in its own
 * process so one benchmark's clusters and heap never colour the next one's numbers.
 * Pass names to run a subset: `npm run bench -- live parse-diagnose`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

// Whole-process timings should measure redis-runbook as an operator runs it, not TypeScript transpiling:
// build once so bin/redis-runbook.js starts the compiled code.
console.log('building dist/ (npm run build) so whole-process timings run compiled JavaScript...');
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: join(here, '..') });
if (build.status !== 0) console.log('build failed: whole-process figures below include tsx start-up');

let failed = 0;
for (const name of scripts) {
  console.log(`\n=== bench: ${name} ===`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: 'inherit',
    timeout: 10 * 60_000,
  });
  if (res.status !== 0) {
    failed++;
    console.log(`bench ${name} exited with ${res.status ?? res.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
