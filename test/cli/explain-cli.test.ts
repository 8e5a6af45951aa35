/**
 * `redis-runbook explain` and `slot`: through src/cli/main.ts as a child process (exit code, output),
 * their command modules in a child that reports whether ioredis was ever loaded (it must not be without
 * --cluster), and the bodies in-process for stdin, JSON and every exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runExplain } from '../../src/cli/explain.ts';
import { runSlot } from '../../src/cli/slot.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'explain-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Preloaded into a child: on exit, says on stderr whether ioredis (CommonJS) was ever required.
const loadedFile = join(dir, 'loaded.cjs');
writeFileSync(
  loadedFile,
  "process.on('exit', () => process.stderr.write('ioredis loaded: ' + Object.keys(require.cache).some((k) => k.includes('/node_modules/ioredis/')) + '\\n'));\n",
);
// Only this branch's subcommands, registered the way main.ts registers them.
const cliFile = join(dir, 'cli.mts');
writeFileSync(
  cliFile,
  [
    "import { createRequire } from 'node:module';",
    `const { Command } = createRequire('${root}/package.json')('commander');`,
    `import { registerExplainCommand } from '${root}/src/cli/explain-cmd.ts';`,
    `import { registerSlotCommand } from '${root}/src/cli/slot-cmd.ts';`,
    "const program = new Command('redis-runbook');",
    'registerExplainCommand(program);',
    'registerSlotCommand(program);',
    'await program.parseAsync(process.argv);',
  ].join('\n'),
);

function run(entry: string, args: string[], input = '') {
  const res = spawnSync(process.execPath, ['--require', loadedFile, '--import', 'tsx', entry, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

function capture() {
  const io = { out: '', err: '' };
  return {
    io,
    out: (t: string) => {
      io.out += `${t}\n`;
    },
    err: (t: string) => {
      io.err += `${t}\n`;
    },
  };
}

describe('as a command', () => {
  it('main.ts explain <text>: the explanation, exit 0', () => {
    const r = run('src/cli/main.ts', [
      'explain',
      'redis.clients.jedis.exceptions.JedisClusterMaxAttemptsException: No more cluster attempts left.',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('The client gave up after too many redirections or attempts (Jedis');
    expect(r.out).toContain('What to check next');
  });

  it('explain - (stdin) and slot --json never load ioredis', () => {
    const trace = [
      'Exception in thread "main" io.lettuce.core.RedisCommandExecutionException: CLUSTERDOWN Hash slot not served',
      '\tat io.lettuce.core.internal.ExceptionFactory.createExecutionException(ExceptionFactory.java:137)',
    ].join('\n');
    const explained = run(cliFile, ['explain', '-', '--json'], trace);
    expect(explained.code).toBe(0);
    const doc = JSON.parse(explained.out) as { errors: { code: string; clients: string[] }[] };
    expect(doc.errors.map((e) => [e.code, e.clients])).toEqual([['CLUSTERDOWN', ['Lettuce']]]);
    expect(explained.err).toContain('ioredis loaded: false');
    const slots = run(cliFile, ['slot', 'foo', 'user:{42}:name', '--json']);
    expect(JSON.parse(slots.out)).toEqual([
      { key: 'foo', slot: 12182 },
      { key: 'user:{42}:name', slot: 8000 },
    ]);
    expect(slots.err).toContain('ioredis loaded: false');
  });
});

describe('exit codes and input', () => {
  it('nothing recognisable: "nothing I recognise", {errors: []} with --json, exit 2', async () => {
    const c = capture();
    expect(await runExplain(['the', 'deploy', 'went', 'fine'], { out: c.out, err: c.err })).toBe(2);
    expect(c.io.out).toContain('Nothing I recognise');
    expect(c.io.err).toContain('[NO_ERROR_FOUND]');
    const j = capture();
    expect(await runExplain(['hello'], { json: true, out: j.out, err: j.err })).toBe(2);
    expect(JSON.parse(j.io.out)).toEqual({ errors: [] });
  });

  it('empty stdin exits 2; a bad --cluster exits 2 with the registry code', async () => {
    const c = capture();
    expect(await runExplain(['-'], { stdin: Readable.from(['   \n']), out: c.out, err: c.err })).toBe(2);
    expect(c.io.err).toContain('[EMPTY_INPUT]');
    const e = capture();
    const missing = join(dir, 'none.yml');
    expect(await runExplain(['MOVED 1 10.0.0.1:6379'], { cluster: 'nosuch', config: missing, ...e })).toBe(2);
    expect(e.io.err).toContain('[CONFIG_NOT_FOUND]');
    const s = capture();
    writeFileSync(join(dir, 'empty.yml'), 'clusters: []\n');
    expect(await runSlot(['foo'], { cluster: 'nosuch', config: join(dir, 'empty.yml'), ...s })).toBe(2);
    expect(s.io.err).toContain('[UNKNOWN_CLUSTER]');
  });

  it('slot as text: the table and a tag built from what the keys share', async () => {
    const c = capture();
    expect(await runSlot(['cart:7:items', 'cart:7:total'], { out: c.out, err: c.err })).toBe(0);
    expect(c.io.out).toContain('Give them one hash tag, {cart:7}');
  });
});
