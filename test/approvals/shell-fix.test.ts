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
});
