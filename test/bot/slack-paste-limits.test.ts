/**
 * Hostile snippets through the Slack bot (issue 13): a paste that hits a limit is answered politely in
 * its thread with what was read and what was cut; a snippet larger than the download cap is read in
 * part and says so; a paste past its deadline gets "I could not finish reading" instead of silence; the
 * bot keeps acknowledging commands meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from './helpers/big-dump.ts';
import { allText } from './helpers/block-text.ts';
import { startTestBot, type TestBot } from './helpers/bot.ts';
import { type ApiCall, type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';
import { eventEnvelope, postEvent, postForm, slashBody } from './helpers/signed.ts';

const RECORD =
  '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected';
const CONFIG = {
  clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
  access: { channels: { COPS: ['prod'] } },
};

let fake: FakeSlack;
let bot: TestBot;
let slow: TestBot;
let tsSeq = 1_810_000_000;

beforeAll(async () => {
  fake = await startFakeSlack();
  bot = await startTestBot(fake, CONFIG);
  // the same bot with a paste deadline no real paste can meet
  slow = await startTestBot(fake, CONFIG, {}, { pasteWorker: { deadlineMs: 1 } });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await slow?.stop();
  await fake?.close();
});

const repliesTo = (ts: string) => fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts === ts);

/** Shares `text` as a snippet file in COPS through `to`; resolves with the thread's first reply. */
async function snippet(to: TestBot, name: string, text: string, size = text.length): Promise<ApiCall> {
  fake.files.set(name, text);
  const ts = `${++tsSeq}.000300`;
  const file = { id: `F${tsSeq}`, name, mimetype: 'text/plain', filetype: 'text', size };
  const event = {
    type: 'message',
    subtype: 'file_share',
    channel: 'COPS',
    user: 'UALICE',
    text: '',
    ts,
    files: [{ ...file, url_private: `${fake.url}/files/${name}` }],
  };
  expect((await postEvent(to.url, eventEnvelope(event))).status).toBe(200);
  return waitUntil(() => repliesTo(ts)[0], 60_000, `reply to ${name}`);
}

describe('hostile snippets in Slack', () => {
  it('a 540 KB one-line snippet: answered in its thread with what was read and what was cut', async () => {
    const reply = await snippet(bot, 'one-line.txt', `${RECORD} `.repeat(3_900));
    const text = allText(reply);
    expect(text).toContain('Offline diagnosis of the pasted output');
    expect(text).toMatch(/only the first 16,384 characters of line 2 \(5\d\d,\d{3} characters\) were read/);
    // the bot still acknowledges commands
    const res = await postForm(bot.url, slashBody({ text: 'help', responseUrl: `${fake.url}/respond/h` }));
    expect(res.status).toBe(200);
  }, 90_000);

  it('a snippet larger than the download cap is read in part, and the reply says how much', async () => {
    const dump = fixture('healthy-nodes-n2.txt');
    const big = `${dump}${'# padding line of a very long log\n'.repeat(70_000)}`;
    const reply = await snippet(bot, 'huge.txt', big, big.length);
    const text = allText(reply);
    expect(text).toContain(
      `the snippet huge.txt is larger than I read: only its first 2,000,000 bytes of its ${big.length.toLocaleString('en-US')} were read`,
    );
    expect(text).toContain('the paste has more than 50000 lines; only the first 50000 were read');
  }, 90_000);

  it('a paste past its deadline gets a polite answer in its thread, not silence', async () => {
    const reply = await snippet(slow, 'slow.txt', fixture('healthy-nodes-n2.txt').repeat(40));
    const text = allText(reply);
    expect(text).toContain('I could not finish reading this paste: reading it took longer than 1 ms');
    expect(text).toContain('Paste less at a time');
    expect(slow.logs.join('')).toMatch(/"event":"paste_failed","code":"PASTE_TIMEOUT"/);
  }, 90_000);
});
