/** Starts the real Slack bot (Bolt HTTPReceiver on loopback) against a fake Web API. Test-only. */
import { Writable } from 'node:stream';
import { type BotDepsOptions, buildBotDeps } from '../../../src/bot/deps.ts';
import { createSlackBot, type SlackBotOptions } from '../../../src/bot/slack/app.ts';
import { createLogger } from '../../../src/bot/slack/logger.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { isLoopbackHost } from '../../../src/diagnose/probe/nat.ts';
import { BOT_TOKEN, type FakeSlack } from './fake-slack.ts';
import { SIGNING_SECRET } from './signed.ts';

export interface TestBot {
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Runs the bot with `rawConfig` (validated like a YAML file) on a free loopback port. By default no Web
 * API call is retried after a network error (`retries: 0`); `opts` can change that and the 429 policy,
 * and claim keys in a queue Redis as `serve` does; `deps` sets the paste worker's limits.
 */
export async function startTestBot(
  fake: FakeSlack,
  rawConfig: unknown,
  opts: Pick<SlackBotOptions, 'retries' | 'rateLimit' | 'claimEvent'> = {},
  deps: Pick<BotDepsOptions, 'pasteWorker'> = {},
): Promise<TestBot> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = parseConfig(rawConfig);
  const running = createSlackBot({
    ...buildBotDeps(config, { probe: { allowHost: isLoopbackHost }, ...deps }),
    env: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, port: 0 },
    logger: createLogger('info', sink),
    retries: 0,
    ...opts,
  });
  const { port } = await running.start(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/slack/events`, logs, stop: () => running.stop() };
}
