/**
 * The same flow in the terminal: `redis-runbook shell` (the built CLI, as a user runs it) with REDIS_URL
 * set, on a real 6-node cluster. `--as alice fix ...` posts the card, alice's own approve is refused,
 * `--as carol deny` of another request records the reason, `--as bob approve <id>` runs the job, the
 * shell waits for it before exiting, and the audit has the whole story.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalKeys } from '../../src/approvals/keys.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { waitUntil } from '../bot/helpers/fake-slack.ts';
import { calls } from '../live/action-helpers.ts';
import { BIN } from '../ops/helpers/serve-process.ts';
import { auditOf } from './helpers/fix-bot.ts';
import { type QueueRedis, startQueueRedis } from './helpers/queue-redis.ts';

let c: DevCluster;
let q: QueueRedis;
let dir: string;

beforeAll(async () => {
  [c, q] = await Promise.all([
    startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000, label: 'shell-fix' }),
    startQueueRedis({ label: 'shell-fix-q' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'shell-fix-'));
  const seeds = c.nodes
    .slice(0, 3)
    .map((n) => `"${n.address}"`)
    .join(', ');
  writeFileSync(
    join(dir, 'r.yml'),
    `clusters:\n  - name: prod\n    seeds: [${seeds}]\naccess:\n  permissions: { request: [alice], approve: [alice, bob, carol] }\n`,
  );
}, 90_000);
afterAll(async () => {
  await c?.stop();
  await q?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fixes in the terminal shell', () => {
  it('fix, a refused self-approval, deny with a reason, approve, and the job run before the shell exits', async () => {
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [BIN, 'shell', '--config', join(dir, 'r.yml')],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          REDIS_URL: q.url,
          NO_COLOR: '1',
          LOG_LEVEL: 'error',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((res) => child.on('close', res));
    const ids = () => [...new Set(out.match(/fx-[a-z0-9]{8}/g) ?? [])];
    try {
      child.stdin.write(`--as alice fix prod failover --node ${c.node(3).address}\n`);
      const [id] = await waitUntil(() => (ids().length === 1 ? ids() : undefined), 60_000, 'the first card');
      child.stdin.write(`--as alice fix prod failover --node ${c.node(4).address}\n`);
      const other = await waitUntil(() => ids().find((x) => x !== id), 60_000, 'the second card');
      child.stdin.write(`--as carol deny ${other} not during the sale\n`);
      child.stdin.write(`--as alice approve ${id}\n`);
      child.stdin.write(`--as bob approve ${id}\n`);
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(out).toContain('You asked for this fix, so someone else must approve it.');
      expect(out).toContain(`carol denied ${other}: not during the sale. Nothing will run.`);
      expect(out).toContain(`Fix done: failover on prod (${id})`);
      expect(await calls(c, c.node(3), 'cluster|failover')).toBe(1);
      expect(await calls(c, c.node(4), 'cluster|failover')).toBe(0);
      const tag = approvalKeys().tag;
      expect(
        (await auditOf(q.admin, tag, id as string)).map((e) => [
          e.event,
          e.actor.startsWith('worker:') ? 'worker' : e.actor,
        ]),
      ).toEqual([
        ['requested', 'alice'],
        ['refused', 'alice'],
        ['approved', 'bob'],
        ['executing', 'worker'],
        ['step', 'worker'],
        ['step', 'worker'],
        ['succeeded', 'worker'],
      ]);
      expect((await auditOf(q.admin, tag, other)).map((e) => e.event)).toEqual(['requested', 'denied']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('Ctrl-C while an approved reshard runs: stopped at a safe point, recorded as failed, every key kept', async () => {
    const keys = await loadKeys(c, 'shell-int', 30_000);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      REDIS_URL: q.url,
      NO_COLOR: '1',
      LOG_LEVEL: 'error',
    };
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [BIN, 'shell', '--config', join(dir, 'r.yml')],
      { env },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((res) => child.on('close', res));
    const [from, to] = [c.node(1), c.node(2)];
    try {
      child.stdin.write(
        `--as alice fix prod reshard --from ${from.address} --to ${to.address} --slots 3000\n`,
      );
      const id = await waitUntil(() => out.match(/fx-[a-z0-9]{8}/)?.[0], 60_000, 'the reshard card');
      child.stdin.write(`--as bob approve ${id}\n`);
      await waitUntil(() => (/Step 1\/2: Move /.test(out) ? true : undefined), 60_000, 'the move started');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toContain('SIGINT: stopping the running fix at its next safe point');
      const tag = approvalKeys().tag;
      const events = (await auditOf(q.admin, tag, id)).map((e) => e.event);
      expect(events.slice(0, 3)).toEqual(['requested', 'approved', 'executing']);
      expect(events.at(-1)).toBe('failed');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const fix = spawn(
      process.execPath,
      [
        BIN,
        'apply',
        'fix-open-slot',
        'prod',
        '--config',
        join(dir, 'r.yml'),
        '--yes',
        '--reason',
        'after ctrl-c',
      ],
      { env: { ...env, REDIS_URL: '' } },
    );
    const fixed = await new Promise<number | null>((res) => fix.on('close', res));
    // 0 when slots were left open and are now closed; 4 (refused: nothing to fix) when none was left open.
    expect([0, 4]).toContain(fixed);
    await c.waitFor(
      async () =>
        (await Promise.all(c.live().map((n) => c.clusterInfo(n)))).every((i) => i['cluster_state'] === 'ok'),
      { what: 'cluster_state ok everywhere', timeoutMs: 20_000 },
    );
    const read = await readKeys(c, keys);
    expect(read.missing).toEqual([]);
  }, 180_000);
});
