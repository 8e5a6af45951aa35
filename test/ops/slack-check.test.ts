/** HTTP mode's Slack readiness: auth.test through the Web API, failing fast and recovering on its own. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApiCheck } from '../../src/bot/slack/connection.ts';
import { boltLogger } from '../../src/ops/log/bolt.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { BOT_TOKEN, type FakeSlack, startFakeSlack } from '../bot/helpers/fake-slack.ts';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake?.close();
});

describe('Slack readiness in HTTP mode', () => {
  it('is not ready while the Web API fails, asks again after 5 s, and is ready once Slack answers', async () => {
    const check = webApiCheck(BOT_TOKEN, fake.apiUrl, boltLogger(createLogger('silent')));
    fake.apiDown = 503;
    expect(await check()).toMatchObject({ ok: false, detail: expect.stringContaining('auth.test failed') });
    const hits = fake.downHits;
    fake.apiDown = false;
    expect((await check()).ok).toBe(false); // remembered: readiness probes do not hammer Slack
    expect(fake.downHits).toBe(hits);
    await new Promise((r) => setTimeout(r, 5100));
    expect(await check()).toEqual({ ok: true, detail: 'Web API answered auth.test' });
    const calls = fake.byMethod('auth.test').length;
    expect((await check()).ok).toBe(true);
    expect(fake.byMethod('auth.test')).toHaveLength(calls);
  });
});
