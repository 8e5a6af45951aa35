/**
 * The image recipe, read as docker would read it (no daemon here to build it): a build stage and a slim
 * runtime stage with production dependencies only, a non-root user, a HEALTHCHECK through node (run for
 * real in compose.test.ts), and `node` on compiled JavaScript as the entry point. Also: everything the
 * compiled code imports is a production dependency, so `npm ci --omit=dev` leaves nothing out.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfileInstructions } from './act-out.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const steps = dockerfileInstructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const last = Math.max(...steps.map((s) => s.stage));
const runtime = steps.filter((s) => s.stage === last);
const build = steps.filter((s) => s.stage < last);
const args = (op: string) => runtime.filter((s) => s.op === op).map((s) => s.args);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('Dockerfile', () => {
  it('builds in one stage and runs a slim image with production dependencies only', () => {
    expect(build.some((s) => s.op === 'RUN' && s.args.includes('npm run build'))).toBe(true);
    const from = runtime.find((s) => s.op === 'FROM')?.args ?? '';
    const image = from.startsWith('${') ? steps.find((s) => s.op === 'ARG')?.args : from;
    expect(image).toMatch(/node:20[\w.-]*-slim/);
    expect(args('RUN').some((a) => /npm ci\b.*--omit=dev/.test(a))).toBe(true);
    expect(args('COPY').some((a) => a.startsWith('--from=') && a.includes('dist'))).toBe(true);
    expect(args('COPY').some((a) => a.includes('package.json'))).toBe(true); // "type": "module"
  });

  it('runs as a non-root user, checks /healthz with node (no curl), and starts node, never tsx', () => {
    const user = args('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const health = args('HEALTHCHECK')[0] ?? '';
    expect(health).toContain('"node"');
    expect(health).toContain('/healthz');
    expect(health).not.toMatch(/curl|wget/);
    const entry = JSON.parse(args('ENTRYPOINT')[0] ?? '[]') as string[];
    expect(entry[0]).toBe('node');
    expect(runtime.map((s) => s.args).join('\n')).not.toContain('tsx');
  });

  it('the entry point is the bundle `npm run build` makes of src/cli/main.ts, and it runs', () => {
    const entry = (JSON.parse(args('ENTRYPOINT')[0] ?? '[]') as string[])[1] ?? '';
    expect(entry).toBe('dist/main.js');
    expect(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8')).toMatch(
      /entryPoints: \{\s*main: 'src\/cli\/main\.ts'[,}]/,
    );
    // vitest's global setup keeps dist/ built from the current src/.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = spawnSync(process.execPath, [join(ROOT, entry), '--version'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe(pkg.version);
    for (const copied of ['bin', 'scripts/build.mjs', 'src'])
      expect(build.some((s) => s.op === 'COPY' && s.args.startsWith(copied))).toBe(true);
  });

  it('everything src/ imports at runtime is a production dependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const used = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /^import (?!type )[^;]*?from '([^'.][^']*)'|import\('([^'.][^']*)'\)/gm,
      )) {
        const spec = m[1] ?? m[2] ?? '';
        if (spec.startsWith('node:')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
      }
    }
    expect([...used].filter((p) => !(p in pkg.dependencies))).toEqual([]);
    expect(used.has('prom-client')).toBe(true);
  });

  it('.dockerignore keeps secrets and local state out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', 'node_modules', 'dist', 'redis-runbook.yml'])
      expect(ignored).toContain(entry);
  });
});
