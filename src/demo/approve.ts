/**
 * The demo's fix, the way the team would do it: a throwaway queue Redis (AOF on, noeviction), the bot
 * core in a terminal shell session, alice asks for the fix, bob (a different user) approves it, the
 * worker runs it as a BullMQ job with progress in the thread, and the audit chain is verified. The same
 * code paths as Slack: only the transport differs.
 */
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { verifyAudit } from '../approvals/audit/stream.ts';
import type { ApprovalRuntime } from '../approvals/open.ts';
import { createBot } from '../bot/core.ts';
import { buildBotDeps } from '../bot/deps.ts';
import { runShell } from '../bot/shell/session.ts';
import { createTerminalTransport } from '../bot/shell/transport.ts';
import { openFixes } from '../cli/fixes.ts';
import { parseConfig } from '../config/load.ts';
import type { DevCluster } from '../devcluster/index.ts';
import { startStandalone } from '../devcluster/start.ts';
import { isLoopbackHost } from '../diagnose/probe/nat.ts';
import type { RecommendedAction } from '../diagnose/types.ts';
import { heading, paint, say } from './narrate.ts';

/** Starts the demo's queue Redis: a plain redis-server with the settings a queue Redis should have. */
export async function startDemoQueue(): Promise<DevCluster> {
  return startStandalone({
    label: 'redis-runbook-demo-queue',
    config: [
      ['appendonly', 'yes'],
      ['maxmemory-policy', 'noeviction'],
    ],
  });
}

/** Requests `fix` as alice, approves it as bob, waits for the job, and verifies the audit. */
export async function fixWithApproval(
  c: DevCluster,
  queue: DevCluster,
  fix: RecommendedAction,
): Promise<void> {
  const url = `redis://${queue.node(0).address}`;
  const config = parseConfig({
    clusters: [{ name: 'demo', seeds: [c.node(1).address, c.node(2).address] }],
    access: { channels: { '*': ['demo'] }, permissions: { request: ['alice'], approve: ['alice', 'bob'] } },
    approvals: { prefix: 'redis-runbook-demo' },
  });
  const logger = pino({ level: 'silent' });
  const probe = { allowHost: isLoopbackHost };
  const { runtime, fixes, executor } = openFixes({ config, url, logger, probe });
  try {
    const up = await runtime.check(5000);
    if (!up.up) throw new Error(`the demo queue Redis at ${queue.node(0).address} does not answer`);
    const transport = createTerminalTransport(process.stdout);
    const bot = createBot({ ...buildBotDeps(config, { probe }), transport, logger, fixes });
    runtime.startWorker(executor, bot.fixObserver);
    const input = new PassThrough();
    const session = runShell({
      bot,
      transport,
      input,
      output: process.stdout,
      user: 'alice',
      channel: null,
      interactive: false,
      operator: false,
    });
    const flags = ['node', 'master'].flatMap((k) => {
      const v = fix.params?.[k as 'node' | 'master'];
      return v ? [`--${k} ${v}`] : [];
    });
    heading(`5. alice asks for the fix in the shell (queue Redis ${queue.node(0).address}, AOF on)`);
    const ask = `fix demo ${fix.action} ${flags.join(' ')}`;
    await type(input, 'alice', `--as alice ${ask}`, ask);
    const id = await waitForRequest(runtime);
    heading(`6. alice may approve fixes, but not her own: bob approves ${id}, the worker runs it as a job`);
    await type(input, 'alice', `--as alice approve ${id}`, `approve ${id}`);
    await auditedUpTo(runtime, 2); // alice's refused click is on record before bob types
    await type(input, 'bob', `--as bob approve ${id}`, `approve ${id}`);
    input.end();
    await session;
    if (!(await runtime.idle(120_000))) throw new Error('the fix job did not finish within 2 minutes');
    const done = await runtime.service.store.get(id);
    if (done?.state !== 'succeeded') throw new Error(`the fix ended ${done?.state}: ${done?.message}`);
    heading('7. The audit log: every event hash-chained, and the chain verified');
    const verified = await verifyAudit(runtime.service.redis, runtime.service.keys);
    if (!verified.ok) throw new Error(`the audit chain does not verify: ${verified.broken?.reason}`);
    say(`audit chain ok: ${verified.entries} entries, head ${verified.lastHash.slice(0, 16)}`);
    for (const e of await runtime.service.recent(20)) {
      say(
        `   #${e.seq} ${e.ts.slice(11, 19)} ${paint('1', e.event)} by ${e.actor}${e.step ? ` (step ${e.step.index}/${e.step.total})` : ''}`,
      );
    }
  } finally {
    await runtime.close(5000);
  }
}

/** Echoes a line as typed at the shell, then feeds it to the session. */
async function type(input: PassThrough, user: string, line: string, shown: string): Promise<void> {
  say(`   ${paint('1', `${user}@shell>`)} ${shown}`);
  input.write(`${line}\n`);
}

/** Waits (30 s at most) until the audit holds `n` entries. */
async function auditedUpTo(runtime: ApprovalRuntime, n: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end && (await runtime.service.recent(n)).length < n) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits (30 s at most) for the request the session just created. */
async function waitForRequest(runtime: ApprovalRuntime): Promise<string> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const [id] = await runtime.service.store.live();
    if (id) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no fix request was recorded');
}
