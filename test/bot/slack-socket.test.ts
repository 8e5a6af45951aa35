/** Socket Mode: the same bot over a WebSocket (fake Slack end), acking commands and answering pastes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBotDeps } from '../../src/bot/deps.ts';
import { createSlackBot, type RunningSlackBot } from '../../src/bot/slack/app.ts';
import { createLogger } from '../../src/bot/slack/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import { fixture } from './helpers/big-dump.ts';
import { BOT_TOKEN, type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';

let fake: FakeSlack;
let bot: RunningSlackBot;

beforeAll(async () => {
  fake = await startFakeSlack();
  bot = createSlackBot({
    ...buildBotDeps(parseConfig({})),
    env: { botToken: BOT_TOKEN, appToken: 'xapp-1-A1-test', apiUrl: fake.apiUrl, port: 0 },
    logger: createLogger('silent'),
    retries: 0,
  });
  expect(await bot.start()).toEqual({ port: null });
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Socket Mode', () => {
  it('opens the connection with the app token through the configured API base', async () => {
    const open = fake.byMethod('apps.connections.open')[0];
    expect(open?.authorization).toBe('Bearer xapp-1-A1-test');
    expect(fake.socket.connected()).toBe(true);
  });

  it('acks a slash command over the socket with the ephemeral reply', async () => {
    fake.socket.push({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: 'T1',
        channel_id: 'COPS',
        user_id: 'UALICE',
        command: '/redis',
        text: 'diagnose prod',
        api_app_id: 'A1',
        response_url: `${fake.url}/respond/socket`,
        trigger_id: '1.2.3',
      },
    });
    const ack = await waitUntil(
      () => fake.socket.received.find((m) => m.envelope_id === 'env-1'),
      10_000,
      'ack',
    );
    const payload = ack.payload as { response_type: string; text: string };
    expect(payload.response_type).toBe('ephemeral');
    expect(payload.text).toContain('No clusters are registered');
  });

  it('answers a pasted dump delivered as an events_api envelope, in a thread', async () => {
    fake.socket.push({
      envelope_id: 'env-2',
      type: 'events_api',
      accepts_response_payload: false,
      payload: {
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: 'EvSocket1',
        event_time: 1,
        event: {
          type: 'message',
          channel: 'COPS',
          user: 'UALICE',
          text: fixture('down-nodes-n1.txt'),
          ts: '1800000000.000300',
        },
      },
    });
    const reply = await waitUntil(
      () => fake.byMethod('chat.postMessage').find((c) => c.args.thread_ts === '1800000000.000300'),
      10_000,
      'threaded reply',
    );
    expect(String(reply.args.text)).toContain('Offline diagnosis');
    expect(fake.socket.received.some((m) => m.envelope_id === 'env-2')).toBe(true);
  });
});
