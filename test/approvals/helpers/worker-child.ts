/**
 * A real worker process for crash tests: opens approvals on QUEUE_URL with PREFIX, runs a counting
 * executor that holds HOLD_MS inside its first step, prints "RUNNING <requestId>" once the side effect
 * happened, and waits to be killed. Run with `node --import tsx`. Test-only.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openApprovals } from '../../../src/approvals/open.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { countingExecutor } from './executor.ts';

const env = process.env;
const target = new Redis(env.TARGET_URL ?? '', { maxRetriesPerRequest: 1 });
const runtime = openApprovals({
  url: env.QUEUE_URL ?? '',
  prefix: env.PREFIX ?? '',
  config: parseConfig({ clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }] }),
  logger: pino({ level: 'silent' }),
});
const counting = countingExecutor(target, env.COUNTER_KEY ?? 'runs', {
  holdMs: Number(env.HOLD_MS ?? 60_000),
});
runtime.startWorker(
  async (plan, listener, signal) =>
    counting(
      plan,
      async (ev) => {
        await listener(ev);
        if (ev.type === 'step-started') process.stdout.write(`RUNNING ${ev.id}\n`);
      },
      signal,
    ),
  undefined,
  { lockDurationMs: 5000, stalledIntervalMs: 1000, heartbeatMs: 5000, reconcileMs: 500 },
);
process.stdout.write('READY\n');
