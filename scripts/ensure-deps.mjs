#!/usr/bin/env node
// Runs before `npm run demo` and `npm test` (npm's pre-scripts), so that on a fresh clone those two
// commands are all a newcomer needs: installs the locked dependencies when they are missing or stale,
// builds the CLI into dist/ when it is missing or older than src/ (about a second), and says clearly when
// redis-server/redis-cli are not installed. Plain JavaScript: no dependency of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const lock = 'package-lock.json';
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.error('redis-runbook: installing dependencies (npm ci)...');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const missing = ['redis-server', 'redis-cli'].filter(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status !== 0,
);
if (missing.length > 0) {
  console.error(
    `redis-runbook: ${missing.join(' and ')} not found on PATH. Install Redis 7 first, e.g.\n` +
      '  sudo apt-get update && sudo apt-get install -y redis-server',
  );
  process.exit(1);
}
