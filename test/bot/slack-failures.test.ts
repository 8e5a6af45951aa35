/**
 * The Slack bot when Slack itself fails, against a LIVE password-protected cluster: HTTP 429 with
 * Retry-After on chat.postMessage / chat.update, {ok:false} channel errors, the Web API down. The ack
 * stays immediate, every thread step is posted exactly once, the user learns what went wrong through
 * response_url, and neither logs nor posts carry a token, the signing secret, a response_url or a password.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { fixture } from './helpers/big-dump.ts';
import { allText, texts } from './helpers/block-text.ts';
import { startTestBot, type TestBot } from './helpers/bot.ts';
import { type ApiCall, BOT_TOKEN, type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';
import { eventEnvelope, postEvent, postForm, SIGNING_SECRET, slashBody } from './helpers/signed.ts';

const PASSWORD = 'h5-fail-Pa55word-9';
const WRONG = 'h5-not-the-Pa55word-7';
let cluster: DevCluster;
let fake: FakeSlack;
let bot: TestBot;

beforeAll(async () => {
  process.env.H5_FAIL_PASSWORD = PASSWORD;
  process.env.H5_FAIL_WRONG = WRONG;
  cluster = await startCluster({ masters: 3, nodeTimeoutMs: 1000, password: PASSWORD, label: 'h5-fail' });
  fake = await startFakeSlack();
  const seeds = cluster.nodes.map((n) => n.address);
  const bound = ['prod'];
  bot = await startTestBot(fake, {
    clusters: [
      { name: 'prod', seeds, passwordEnv: 'H5_FAIL_PASSWORD' },
      { name: 'wrongpw', seeds, passwordEnv: 'H5_FAIL_WRONG' },
    ],
    access: {
      channels: { COPS: ['prod', 'wrongpw'], CLIMIT: bound, CGONE: bound, CNOTIN: bound, CDOWN: bound },
    },
  });
}, 60_000);
afterEach(() => {
  fake.respondDelayMs = 0;
  fake.rateLimits.clear();
  fake.retryAfter = '1';
  fake.channelErrors.clear();
  fake.apiDown = false;
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await cluster?.stop();
});

/** Sends `/redis <text>`; `postsAtAck` counts chat.postMessage calls accepted before the ack came back. */
async function slash(text: string, channel: string, responseId: string) {
  const before = fake.byMethod('chat.postMessage').length;
  const res = await postForm(
    bot.url,
    slashBody({ text, channel, responseUrl: `${fake.url}/respond/${responseId}` }),
  );
  const postsAtAck = fake.byMethod('chat.postMessage').length - before;
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, postsAtAck, before };
}

const logged = (event: string) =>
  bot.logs
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const responseTo = (id: string) =>
  waitUntil(() => fake.responses.find((r) => r.id === id), 30_000, `response_url post ${id}`);

describe('HTTP 429 with Retry-After', () => {
  it('waits Retry-After and posts the parent, every step once and the verdict; the ack is not held up', async () => {
    fake.rateLimits.set('chat.postMessage', 1); // the parent
    fake.rateLimits.set('chat.postMessage:thread', 2); // the first step, twice
    fake.rateLimits.set('chat.update', 1); // the verdict
    const waitsBefore = logged('slack_rate_limited').length;
    const ack = await slash('check prod', 'CLIMIT', 'limit');
    expect(ack.status).toBe(200);
    expect(String(ack.body.text)).toContain('Diagnosing prod');
    expect(ack.postsAtAck).toBe(0);
    const parent = await waitUntil(
      () => fake.byMethod('chat.postMessage').find((c) => c.args.channel === 'CLIMIT' && !c.args.thread_ts),
      20_000,
      'parent',
    );
    const ts = String(parent.result.ts);
    const update = await waitUntil(
      () => fake.byMethod('chat.update').find((c) => c.args.ts === ts),
      30_000,
      'verdict',
    );
    expect(allText(update)).toContain('healthy');
    expect(fake.limited.map((l) => l.method).sort()).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
    ]);
    // Exactly one parent, one verdict, and steps 1..N each exactly once, in order.
    const inChannel = fake.calls.filter((c) => c.args.channel === 'CLIMIT');
    expect(inChannel.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts)).toHaveLength(1);
    expect(fake.byMethod('chat.update').filter((c) => c.args.ts === ts)).toHaveLength(1);
    const steps = inChannel.filter((c) => c.args.thread_ts === ts).map((c) => stepNumber(c));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => `${i + 1}/${steps.length}`));
    const waits = logged('slack_rate_limited').slice(waitsBefore);
    expect(waits.map((w) => w.method).sort()).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'chat.postMessage',
      'chat.update',
    ]);
    expect(waits.every((w) => w.retryAfterS === 1)).toBe(true);
    expect(logged('step_post_failed')).toEqual([]);
    expect(fake.responses.filter((r) => r.id === 'limit')).toEqual([]);
  }, 45_000);

  it('a Retry-After beyond the budget gives up at once; the verdict reaches the user via response_url', async () => {
    fake.retryAfter = '30';
    fake.rateLimits.set('chat.postMessage', 100);
    const ack = await slash('diagnose prod', 'CLIMIT', 'limit-long');
    expect(String(ack.body.text)).toContain('Diagnosing prod');
    const r = await responseTo('limit-long');
    expect(r.body.response_type).toBe('ephemeral');
    const text = texts(r.body.blocks).join('\n');
    expect(text).toContain('prod');
    expect(text).toContain('rate-limiting my messages');
    expect(fake.limited.filter((l) => l.channel === 'CLIMIT').length).toBeGreaterThanOrEqual(1);
    const gaveUp = logged('slack_rate_limit_gave_up').at(-1);
    expect(gaveUp).toMatchObject({ method: 'chat.postMessage', retryAfterS: 30, attempts: 1 });
    expect(logged('post_failed').at(-1)).toMatchObject({ code: 'rate_limited' });
  }, 45_000);
});

describe('Slack refuses the channel', () => {
  it('channel_not_found: no crash, a clear log line, and the user is told to invite the bot', async () => {
    fake.channelErrors.set('CGONE', 'channel_not_found');
    // The bot logs verdict_ephemeral only once Slack has answered the response_url POST; the fake holds
    // that answer back, as a slow machine does, so reading the log too early would fail every time.
    fake.respondDelayMs = 300;
    const ack = await slash('diagnose prod', 'CGONE', 'gone');
    expect(ack.body.response_type).toBe('ephemeral');
    const r = await responseTo('gone');
    const text = texts(r.body.blocks).join('\n');
    expect(text).toMatch(/prod/);
    expect(text).toContain('channel_not_found');
    expect(text).toContain('Invite me to this channel');
    const ofThisChannel = (event: string) => () => logged(event).find((l) => l.channel === 'CGONE');
    expect(ofThisChannel('post_failed')()).toMatchObject({ code: 'channel_not_found' });
    const verdict = await waitUntil(ofThisChannel('verdict_ephemeral'), 10_000, 'verdict_ephemeral log line');
    expect(verdict).toMatchObject({ code: 'channel_not_found' });
  }, 45_000);

  it('nodes in a channel the bot is not in: the table still reaches the user, with the fix', async () => {
    fake.channelErrors.set('CNOTIN', 'not_in_channel');
    await slash('nodes prod', 'CNOTIN', 'nodes-notin');
    const r = await responseTo('nodes-notin');
    const text = texts(r.body.blocks).join('\n');
    expect(text).toMatch(/prod: 3 nodes, 3 masters/);
    expect(text).toContain('Invite me to this channel');
    expect(text).not.toContain('Could not read the nodes');
  }, 45_000);

  it('a paste in a channel the bot was removed from is logged, and the bot keeps answering', async () => {
    fake.channelErrors.set('CNOTIN', 'not_in_channel');
    const ts = '1800000001.000100';
    const event = {
      type: 'message',
      channel: 'CNOTIN',
      user: 'UALICE',
      ts,
      text: fixture('healthy-nodes-n2.txt'),
    };
    expect((await postEvent(bot.url, eventEnvelope(event))).status).toBe(200);
    const line = await waitUntil(() => logged('paste_reply_failed').at(-1), 10_000, 'paste log line');
    expect(line).toMatchObject({ code: 'not_in_channel', channel: 'CNOTIN' });
    expect(String(line.hint)).toContain('Invite me');
    expect((await slash('help', 'COPS', 'after-paste')).status).toBe(200);
  }, 30_000);
});

describe('Slack Web API down', () => {
  for (const mode of [503, 'reset'] as const) {
    it(`(${mode}): the ack is immediate and the verdict comes back via response_url`, async () => {
      fake.apiDown = mode;
      const id = `down-${mode}`;
      const ack = await slash('diagnose prod', 'CDOWN', id);
      expect(ack.status).toBe(200);
      expect(String(ack.body.text)).toContain('Diagnosing prod');
      const r = await responseTo(id);
      const text = texts(r.body.blocks).join('\n');
      expect(text).toContain('prod');
      expect(text).toMatch(/could not reach the Slack Web API|Slack Web API is failing/);
      expect(fake.downHits).toBeGreaterThanOrEqual(1);
      expect(logged('post_failed').at(-1)?.code).toMatch(/^slack_webapi_(http|request)_error$/);
    }, 45_000);
  }
});

describe('secrets on failure paths', () => {
  it('a wrong password fails the diagnosis without showing either password, also when rate-limited', async () => {
    fake.rateLimits.set('chat.update', 1);
    await slash('diagnose wrongpw', 'COPS', 'wrongpw');
    const parent = await waitUntil(
      () =>
        fake
          .byMethod('chat.postMessage')
          .find((c) => c.args.channel === 'COPS' && allText(c).includes('wrongpw')),
      20_000,
      'parent',
    );
    const update = await waitUntil(
      () => fake.byMethod('chat.update').find((c) => c.args.ts === parent.result.ts),
      30_000,
      'verdict',
    );
    expect(allText(update)).toMatch(/wrongpw/);
  }, 45_000);

  it('no token, signing secret, response_url or password in any log line; no password in any post', () => {
    expect(bot.logs.length).toBeGreaterThan(10);
    const logs = bot.logs.join('');
    for (const secret of [BOT_TOKEN, 'xoxb-', 'xapp-', SIGNING_SECRET, '/respond/', PASSWORD, WRONG]) {
      expect(logs.includes(secret), `log contains ${secret}`).toBe(false);
    }
    // Every message the bot wrote (auth.test legitimately carries the token; chat/files calls must not).
    const posted = [
      ...fake.calls.filter((c) => /^(chat|files)\./.test(c.method)).map((c) => JSON.stringify(c.args)),
      ...fake.responses.map((r) => JSON.stringify(r.body)),
    ];
    expect(posted.length).toBeGreaterThan(10);
    for (const secret of [PASSWORD, WRONG, SIGNING_SECRET, 'xoxb-', '/respond/']) {
      expect(posted.filter((p) => p.includes(secret)).map((p) => p.slice(0, 200))).toEqual([]);
    }
  });
});

function stepNumber(call: ApiCall): string {
  return /Step (\d+\/\d+)/.exec(allText(call))?.[1] ?? '?';
}
