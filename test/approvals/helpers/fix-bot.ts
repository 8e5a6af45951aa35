/**
 * A Slack bot with fixes enabled, for the end-to-end approvals tests: the real Bolt app against the fake
 * Web API, the approvals runtime on a test queue Redis, the real planner and executor (loopback only),
 * and the worker in the same process; plus signed slash commands and clicks that return the
 * response_url key their ephemeral answer will arrive on, and the audit entries of one request. Test-only.
 */
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { ApprovalRuntime } from '../../../src/approvals/open.ts';
import type { AuditEntry } from '../../../src/approvals/types.ts';
import type { FixWorker } from '../../../src/approvals/worker.ts';
import { openFixes } from '../../../src/cli/fixes.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { isLoopbackHost } from '../../../src/diagnose/probe/nat.ts';
import { createLogger } from '../../../src/ops/logger.ts';
import { allText } from '../../bot/helpers/block-text.ts';
import { startTestBot, type TestBot } from '../../bot/helpers/bot.ts';
import { type FakeSlack, waitUntil } from '../../bot/helpers/fake-slack.ts';
import { actionBody, postForm, slashBody } from '../../bot/helpers/signed.ts';

export interface FixBot {
  bot: TestBot;
  runtime: ApprovalRuntime;
  worker: FixWorker;
  /** The runtime's log lines (the bot's own are in bot.logs). */
  logs: string[];
  /** Sends a signed `/redis <text>`; resolves with the response_url key. */
  slash(text: string, user: string, url?: string): Promise<string>;
  /** Sends a signed click; resolves with the response_url key. */
  click(actionId: string, value: string, user: string, url?: string): Promise<string>;
  /** The first ephemeral answer on `key` that is not the "Planning…" / "Recording…" ack. */
  answer(key: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the bot over `raw` (a registry as YAML would give it) with fixes on `queueUrl`. */
export async function startFixBot(
  fake: FakeSlack,
  raw: Record<string, unknown>,
  queueUrl: string,
): Promise<FixBot> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const wired = openFixes({
    config: parseConfig(raw),
    url: queueUrl,
    logger,
    probe: { allowHost: isLoopbackHost },
  });
  await wired.runtime.check(5000);
  const bot = await startTestBot(fake, raw, { fixes: wired.fixes });
  const worker = wired.runtime.startWorker(wired.executor, bot.core.fixObserver, {
    heartbeatMs: 10_000,
    reconcileMs: 1000,
  });
  let n = 0;
  return {
    bot,
    runtime: wired.runtime,
    worker,
    logs,
    async slash(text, user, url = bot.url) {
      const key = `s${++n}-${Date.now()}`;
      await postForm(
        url,
        slashBody({ text, user, channel: 'COPS', responseUrl: `${fake.url}/respond/${key}` }),
      );
      return key;
    },
    async click(actionId, value, user, url = bot.url) {
      const key = `c${++n}-${Date.now()}`;
      await postForm(url, actionBody(actionId, value, `${fake.url}/respond/${key}`, user, 'COPS'));
      return key;
    },
    answer: (key) => answerOn(fake, key),
    async stop() {
      await wired.runtime.close(2000);
      await bot.stop();
    },
  };
}

/** The first answer posted to response_url `key` that is not an ack ("Planning…", "Recording…"). */
export function answerOn(fake: FakeSlack, key: string): Promise<string> {
  return waitUntil(
    () =>
      fake.responses
        .filter((r) => r.id === key)
        .map((r) => allText({ args: r.body }))
        .find((t) => !/^(:\w+: )?(Planning|Recording)/.test(t)),
    30_000,
    `the answer on ${key}`,
  );
}

/** The audit entries of request `id` under `tag` ("{prefix}"), in order. */
export async function auditOf(redis: Redis, tag: string, id: string): Promise<AuditEntry[]> {
  const rows = await redis.xrange(`${tag}:audit`, '-', '+');
  return rows
    .map(([, f]) => JSON.parse(f[f.indexOf('entry') + 1] as string) as AuditEntry)
    .filter((e) => e.requestId === id);
}
