/**
 * The Slack bot as Slack talks to it, without a live cluster: signatures, commands refused before any
 * probe, pastes (message, app_mention, snippet), filters, retries, limits on a 500-node paste, buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigClusterNodes, fixture } from './helpers/big-dump.ts';
import { allText, texts } from './helpers/block-text.ts';
import { startTestBot, type TestBot } from './helpers/bot.ts';
import {
  type ApiCall,
  BOT_ID,
  BOT_USER_ID,
  type FakeSlack,
  startFakeSlack,
  waitUntil,
} from './helpers/fake-slack.ts';
import { actionBody, eventEnvelope, postEvent, postForm, signHeaders, slashBody } from './helpers/signed.ts';

let fake: FakeSlack;
let bot: TestBot;
let tsSeq = 1_800_000_000;
const nextTs = () => `${++tsSeq}.000200`;

const CONFIG = {
  clusters: [
    { name: 'prod', seeds: ['127.0.0.1:1'] },
    { name: 'secret', seeds: ['127.0.0.1:2'] },
  ],
  access: {
    channels: { COPS: ['prod'] },
    groups: { oncall: ['UBOB'] },
    permissions: { diagnose: ['UALICE', '@oncall'] },
  },
};

beforeAll(async () => {
  fake = await startFakeSlack();
  bot = await startTestBot(fake, CONFIG);
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

const repliesTo = (ts: string) => fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts === ts);

/** Clicks the Details button of a bot reply under `thread`; resolves with the text of what it posted there. */
async function clickDetails(reply: ApiCall, thread: string): Promise<string> {
  const blocks = reply.args.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'show_details');
  expect(button?.value).toBeTruthy();
  const count = repliesTo(thread).length;
  const res = await postForm(
    bot.url,
    actionBody('show_details', button!.value!, `${fake.url}/respond/details`, 'UALICE', 'COPS', thread),
  );
  expect(res.status).toBe(200);
  const [shown] = await waitUntil(
    () => repliesTo(thread).length > count && repliesTo(thread).slice(count),
    20_000,
    'details',
  );
  return allText(shown as ApiCall);
}

async function slash(text: string, user = 'UALICE', channel = 'COPS') {
  const res = await postForm(
    bot.url,
    slashBody({ text, user, channel, responseUrl: `${fake.url}/respond/1` }),
  );
  const raw = await res.text();
  return { status: res.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
}

function message(text: string, extra: Record<string, unknown> = {}) {
  const ts = nextTs();
  return {
    ts,
    event: { type: 'message', channel: 'COPS', channel_type: 'channel', user: 'UALICE', text, ts, ...extra },
  };
}

/** Sends a sentinel paste and waits for its reply, so earlier (ignored) events have surely been handled. */
async function settle() {
  const s = message(fixture('healthy-nodes-n2.txt'));
  await postEvent(bot.url, eventEnvelope(s.event));
  await waitUntil(() => repliesTo(s.ts).length > 0, 10_000, 'sentinel reply');
  await new Promise((r) => setTimeout(r, 150));
}

describe('request verification', () => {
  it('rejects a bad signature and an old timestamp with 401 and posts nothing', async () => {
    const body = slashBody({ text: 'help', responseUrl: `${fake.url}/respond/x` });
    const forged = await postForm(bot.url, body, signHeaders(body, undefined, 'wrong-secret'));
    const old = await postForm(bot.url, body, signHeaders(body, Math.floor(Date.now() / 1000) - 600));
    expect(forged.status).toBe(401);
    expect(old.status).toBe(401);
    expect(fake.responses.filter((r) => r.id === 'x')).toHaveLength(0);
  });
});

describe('/redis commands answered ephemerally in the ack', () => {
  it('help lists the commands with examples and the clusters usable here', async () => {
    const { status, body } = await slash('help');
    expect(status).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    const text = texts(body.blocks).join('\n');
    expect(text).toContain('/redis diagnose prod');
    expect(text).toContain('Clusters usable here: prod.');
    expect(text).not.toContain('secret');
  });

  it('unknown subcommand, unknown cluster and ad-hoc addresses say what is wrong and what works', async () => {
    const typo = await slash('diagnoze prod');
    expect(typo.body.response_type).toBe('ephemeral');
    expect(texts(typo.body.blocks).join()).toMatch(/not a \/redis subcommand[\s\S]*Did you mean `diagnose`/);
    const unknown = await slash('diagnose nope');
    expect(texts(unknown.body.blocks).join()).toMatch(
      /Cluster "nope" is not available in this channel[\s\S]*Clusters usable here: prod/,
    );
    const adhoc = await slash('diagnose 127.0.0.1:7000');
    expect(texts(adhoc.body.blocks).join()).toContain('only works on clusters registered');
    expect(fake.byMethod('chat.postMessage').filter((c) => allText(c).includes('Diagnosing'))).toHaveLength(
      0,
    );
  });

  it('refuses a cluster not bound to the channel and a user without permission, and logs it without secrets', async () => {
    const notBound = await slash('diagnose secret');
    expect(notBound.body.response_type).toBe('ephemeral');
    expect(texts(notBound.body.blocks).join()).toContain('not available in this channel');
    const noPerm = await slash('check prod', 'UMALLORY');
    expect(texts(noPerm.body.blocks).join()).toContain('do not have the "diagnose" permission');
    const viaGroup = await slash('runbook nosuch prod', 'UBOB');
    expect(texts(viaGroup.body.blocks).join()).toContain('Unknown runbook "nosuch"');
    const refusals = bot.logs.filter((l) => l.includes('access_refused'));
    expect(refusals.some((l) => l.includes('CHANNEL_NOT_BOUND') && l.includes('"cluster":"secret"'))).toBe(
      true,
    );
    expect(refusals.some((l) => l.includes('PERMISSION_DENIED') && l.includes('UMALLORY'))).toBe(true);
    expect(bot.logs.join('')).not.toMatch(/xoxb-|respond\/1|test-signing-secret/);
  });

  it('answers an unknown cluster exactly as one not bound here, so names cannot be probed; logs the real reason', async () => {
    const answer = async (name: string) =>
      texts((await slash(`diagnose ${name}`)).body.blocks)
        .join('\n')
        .replaceAll(name, '<name>');
    expect(await answer('nope')).toBe(await answer('secret'));
    for (const [name, code] of [
      ['nope', 'UNKNOWN_CLUSTER'],
      ['secret', 'CHANNEL_NOT_BOUND'],
    ]) {
      expect(
        bot.logs.some(
          (l) =>
            l.includes('"event":"access_refused"') &&
            l.includes(`"code":"${code}"`) &&
            l.includes(`"cluster":"${name}"`),
        ),
        code,
      ).toBe(true);
    }
    // the same through a button that names a cluster
    const click = async (name: string, id: string) => {
      await postForm(bot.url, actionBody('diagnose_again', name, `${fake.url}/respond/${id}`));
      const r = await waitUntil(() => fake.responses.find((x) => x.id === id), 10_000, id);
      return texts(r.body.blocks).join('\n').replaceAll(name, '<name>');
    };
    expect(await click('nope', 'probe-unknown')).toBe(await click('secret', 'probe-unbound'));
  });

  it('lists runbooks and clusters', async () => {
    expect(texts((await slash('runbook list')).body.blocks).join()).toMatch(/clusterdown[\s\S]*health/);
    expect(texts((await slash('clusters', 'UALICE', 'CELSEWHERE')).body.blocks).join()).toContain(
      'No registered cluster is bound to this channel',
    );
  });
});

describe('pasted dumps', () => {
  it('answers a CLUSTER NODES paste in a thread with the offline diagnosis and whose view it was', async () => {
    const m = message(`\`\`\`${fixture('down-nodes-n1.txt').replace(/>/g, '&gt;')}\`\`\``);
    const res = await postEvent(bot.url, eventEnvelope(m.event));
    expect(res.status).toBe(200);
    const [reply] = await waitUntil(
      () => repliesTo(m.ts).length > 0 && repliesTo(m.ts),
      10_000,
      'paste reply',
    );
    const text = allText(reply as ApiCall);
    expect(text).toContain('Offline diagnosis of the pasted output');
    expect(text).toContain('master-failed-no-replica');
    // Brief first: whose view it was and what needs live access are behind the Details button.
    expect(text).not.toContain('What I could not check without live access');
    expect(reply?.args.channel).toBe('COPS');
    expect(reply?.authorization).toMatch(/^Bearer xoxb-/);
    const shown = await clickDetails(reply as ApiCall, m.ts);
    expect(shown).toMatch(/CLUSTER NODES as seen by 127\.31\.0\.1:7000/);
    expect(shown).toContain('What I could not check without live access');
  });

  it('answers in the existing thread when the paste is itself a thread reply', async () => {
    const m = message(fixture('pfail-nodes-n1.txt'), { thread_ts: '1799999999.000100' });
    await postEvent(bot.url, eventEnvelope(m.event));
    await waitUntil(() => repliesTo('1799999999.000100').length > 0, 10_000, 'thread reply');
    expect(repliesTo(m.ts)).toHaveLength(0);
  });

  it('ignores other bots, itself, edits, deletes and chatter; answers a retried event once', async () => {
    const dump = fixture('down-nodes-n1.txt');
    const ignored = [
      message(dump, { bot_id: 'BOTHER', subtype: 'bot_message' }),
      message(dump, { bot_id: 'BOTHER' }),
      message(dump, { user: BOT_USER_ID, bot_id: BOT_ID }),
      message(dump, { subtype: 'message_changed' }),
      message(dump, { subtype: 'message_deleted' }),
      message('anyone seen the deploy dashboard? 10.0.0.1:6379 is slow'),
      message(`<@${BOT_USER_ID}> ${dump}`),
    ];
    for (const m of ignored) expect((await postEvent(bot.url, eventEnvelope(m.event))).status).toBe(200);
    const retried = message(dump);
    const envelope = eventEnvelope(retried.event);
    await postEvent(bot.url, envelope);
    await postEvent(bot.url, envelope, 1);
    await postEvent(bot.url, envelope, 2);
    await settle();
    for (const m of ignored) expect(repliesTo(m.ts)).toHaveLength(0);
    expect(repliesTo(retried.ts)).toHaveLength(1);
  });

  it('answers an app_mention carrying a dump, and hints when a mention has none', async () => {
    const m = message(`<@${BOT_USER_ID}> what is wrong?\n${fixture('migrating-nodes-n1.txt')}`, {
      type: 'app_mention',
    });
    await postEvent(bot.url, eventEnvelope({ ...m.event, type: 'app_mention' }));
    await waitUntil(() => repliesTo(m.ts).length > 0, 10_000, 'mention reply');
    expect(allText(repliesTo(m.ts)[0] as ApiCall)).toContain('Offline diagnosis');
    const hint = message(`<@${BOT_USER_ID}> hello`);
    await postEvent(bot.url, eventEnvelope({ ...hint.event, type: 'app_mention' }));
    await waitUntil(() => repliesTo(hint.ts).length > 0, 10_000, 'hint');
    expect(allText(repliesTo(hint.ts)[0] as ApiCall)).toContain('did not find CLUSTER NODES');
  });

  it('fetches a snippet file with the bot token and diagnoses it', async () => {
    fake.files.set('nodes.txt', fixture('down-nodes-n1.txt'));
    const m = message('', {
      subtype: 'file_share',
      files: [
        {
          id: 'F9',
          name: 'nodes.txt',
          mimetype: 'text/plain',
          filetype: 'text',
          size: 900,
          url_private: `${fake.url}/files/nodes.txt`,
        },
      ],
    });
    await postEvent(bot.url, eventEnvelope(m.event));
    await waitUntil(() => repliesTo(m.ts).length > 0, 10_000, 'snippet reply');
    expect(fake.downloads).toContainEqual({ name: 'nodes.txt', authorized: true });
    expect(allText(repliesTo(m.ts)[0] as ApiCall)).toContain('master-failed-no-replica');
  });

  it('keeps a 500-node paste within Block Kit limits and puts the overflow of its details in a file upload', async () => {
    const dump = `${bigClusterNodes(250, 40)}\n<!channel> <@U0ADMIN> look at this\n`;
    const m = message(dump.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const before = fake.byMethod('files.completeUploadExternal').length;
    await postEvent(bot.url, eventEnvelope(m.event));
    const [brief] = await waitUntil(() => repliesTo(m.ts).length > 0 && repliesTo(m.ts), 20_000, 'reply');
    await clickDetails(brief as ApiCall, m.ts);
    await waitUntil(() => fake.byMethod('files.completeUploadExternal').length > before, 20_000, 'upload');
    const replies = repliesTo(m.ts);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    for (const r of replies) {
      const blocks = r.args.blocks as { type: string; text?: { text: string } }[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
      for (const b of blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
      expect(allText(r)).not.toMatch(/<!channel>|<@U0ADMIN>/);
    }
    expect(allText(replies[0] as ApiCall)).not.toContain('The rest is attached in the thread.');
    expect(allText(replies[1] as ApiCall)).toContain('The rest is attached in the thread.');
    const complete = fake.byMethod('files.completeUploadExternal').at(-1);
    expect(complete?.args).toMatchObject({ channel_id: 'COPS', thread_ts: m.ts });
    const uploaded = [...fake.uploads.values()].at(-1) ?? '';
    // Every failed master's evidence line is in the file: nothing was silently truncated.
    for (const ip of ['10.0.1.1:6379', '10.0.20.1:6379', '10.0.40.1:6379']) expect(uploaded).toContain(ip);
    expect(uploaded.length).toBeGreaterThan(12_000);
  });
});

describe('buttons', () => {
  it('a click by someone without the permission is refused ephemerally, before any probe', async () => {
    const res = await postForm(
      bot.url,
      actionBody('diagnose_again', 'prod', `${fake.url}/respond/mallory`, 'UMALLORY'),
    );
    expect(res.status).toBe(200);
    const r = await waitUntil(() => fake.responses.find((x) => x.id === 'mallory'), 10_000, 'refusal');
    expect(texts(r.body.blocks).join()).toContain('do not have the "diagnose" permission');
  });

  it('remediation buttons answer that remediation is not enabled yet', async () => {
    for (const id of ['remediation_approve', 'remediation_deny']) {
      const res = await postForm(bot.url, actionBody(id, 'appr-1', `${fake.url}/respond/${id}`));
      expect(res.status).toBe(200);
      const r = await waitUntil(() => fake.responses.find((x) => x.id === id), 10_000, id);
      expect(r.body.response_type).toBe('ephemeral');
      expect(String(r.body.text)).toContain('Remediation is not enabled yet');
    }
  });
});
