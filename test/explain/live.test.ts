/**
 * explain and slot against a LIVE 3-master cluster, through the bot core with a recording transport:
 * a pasted MOVED is answered in its thread, then completed with the slot's owner read live (right
 * target, wrong target, an address nobody announces); ordinary chat is left alone; the access rules
 * decide whether the cluster is read; ASK names the open migration; slot owners and CROSSSLOT advice;
 * CLUSTERDOWN after a master dies. Also signed Slack requests (a pasted error, /redis explain) and the
 * terminal commands with --cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotDeps, createBot } from '../../src/bot/core.ts';
import { buildBotDeps } from '../../src/bot/deps.ts';
import type { BotMessage } from '../../src/bot/message.ts';
import { createLogger } from '../../src/bot/slack/logger.ts';
import { runExplain } from '../../src/cli/explain.ts';
import { runSlot } from '../../src/cli/slot.ts';
import { parseConfig } from '../../src/config/load.ts';
import { conditions, type DevCluster, evenSlots, keySlot, startCluster } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { allText, texts } from '../bot/helpers/block-text.ts';
import { startTestBot } from '../bot/helpers/bot.ts';
import { startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { messageText, recorder } from '../bot/helpers/recorder.ts';
import { eventEnvelope, postEvent, postForm, slashBody } from '../bot/helpers/signed.ts';

let c: DevCluster;
const probe = { allowHost: isLoopbackHost };

beforeAll(async () => {
  c = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'explain-live' });
}, 60_000);
afterAll(async () => {
  await c?.stop();
});

function bot() {
  const config = parseConfig({
    clusters: [
      { name: 'prod', seeds: [c.node(0).address] },
      { name: 'other', seeds: ['127.0.0.1:1'] },
    ],
    access: {
      channels: { COPS: ['prod'], CTWO: ['prod', 'other'] },
      permissions: { diagnose: ['UALICE'] },
    },
  });
  const { sent, transport } = recorder();
  const deps: BotDeps = {
    ...buildBotDeps(config, { probe }),
    transport,
    logger: createLogger('silent'),
  };
  return { sent, b: createBot(deps) };
}

/** Slot 100 lies in the first master's even share. */
const SLOT = 100;
const owner = () => c.node(evenSlots(3).findIndex((r) => r.some((x) => SLOT >= x.start && SLOT <= x.end)));

const paste = (
  b: ReturnType<typeof bot>['b'],
  text: string,
  channel = 'COPS',
  user = 'UALICE',
  mentioned = false,
) => b.paste({ user, channel, text, threadTs: '1700000000.000100', mentioned });

async function ask(b: ReturnType<typeof bot>['b'], text: string, channel = 'COPS', user = 'UALICE') {
  const acks: BotMessage[] = [];
  await b.command({ user, channel, text }, async (m) => {
    acks.push(m);
  });
  return acks;
}

describe('a pasted error in a channel bound to one cluster', () => {
  it('MOVED to the real owner: answered in the thread, then updated with the live owner', async () => {
    const { sent, b } = bot();
    const line = `redis.clients.jedis.exceptions.JedisMovedDataException: MOVED ${SLOT} ${owner().address}`;
    expect(await paste(b, `${line}\n${line}\n${line}`)).toBe(true);
    expect(sent.map((s) => s.op)).toEqual(['reply', 'update']);
    expect(sent[0]?.ref).toEqual({ channel: 'COPS', ts: '1700000000.000100' });
    expect(messageText(sent[0]?.msg)).toContain('Reading prod live');
    const done = messageText(sent[1]?.msg);
    expect(done).toContain(`MOVED ${SLOT} ${owner().address} (Jedis), 3 times`);
    expect(done).toMatch(/appears 3 times: .*stale client topology/);
    expect(done).toContain(`Slot ${SLOT} is owned now by ${owner().address} (master, healthy) in prod.`);
    expect(done).toContain('is indeed the owner');
    expect(sent[1]?.msg?.buttons).toEqual([
      { actionId: 'diagnose_again', label: 'Diagnose prod', value: 'prod' },
    ]);
  });

  it('MOVED to another node, and to an address nobody announces, are called out', async () => {
    const { sent, b } = bot();
    const wrong = c.node(1).address;
    await paste(b, `(error) MOVED ${SLOT} ${wrong}\n(error) MOVED ${SLOT + 1} 10.99.0.1:6379`);
    const done = messageText(sent.at(-1)?.msg);
    expect(done).toContain(`${wrong} is not the owner now (${owner().address} is)`);
    expect(done).toContain('No node of prod announces 10.99.0.1:6379');
  });

  it('ordinary chat gets no answer, and no probe', async () => {
    const { sent, b } = bot();
    expect(await paste(b, 'is the cluster down? we MOVED the meeting')).toBe(false);
    expect(sent).toEqual([]);
  });
});

describe('the access rules decide whether the cluster is read', () => {
  it('a user without the diagnose permission gets the catalogue answer and why nothing was read', async () => {
    const { sent, b } = bot();
    await paste(b, `MOVED ${SLOT} ${owner().address}`, 'COPS', 'UBOB');
    expect(sent.map((s) => s.op)).toEqual(['reply']);
    expect(messageText(sent[0]?.msg)).toContain(
      'No live look at the slot or node: you may not diagnose prod.',
    );
  });

  it('a channel bound to two clusters: no guess, a button for each', async () => {
    const { sent, b } = bot();
    await paste(b, `MOVED ${SLOT} ${owner().address}`, 'CTWO');
    expect(sent.map((s) => s.op)).toEqual(['reply']);
    expect(messageText(sent[0]?.msg)).toContain('2 clusters are bound to this channel');
    expect(sent[0]?.msg?.buttons?.map((x) => x.label)).toEqual(['Diagnose prod', 'Diagnose other']);
  });

  it('an unbound channel: silent unless the bot is mentioned, then no live read', async () => {
    const { sent, b } = bot();
    expect(await paste(b, `MOVED ${SLOT} ${owner().address}`, 'CNONE')).toBe(false);
    expect(await paste(b, `MOVED ${SLOT} ${owner().address}`, 'CNONE', 'UALICE', true)).toBe(true);
    expect(sent.map((s) => s.op)).toEqual(['reply']);
    expect(messageText(sent[0]?.msg)).toContain('no cluster is bound to this channel');
  });
});

describe('/redis explain and /redis slot', () => {
  it('explain ASK during an open migration: the ack explains, the follow-up names the migration', async () => {
    const src = owner();
    const dst = c.node(1);
    await c.act(dst, 'CLUSTER', 'SETSLOT', SLOT, 'IMPORTING', src.id);
    await c.act(src, 'CLUSTER', 'SETSLOT', SLOT, 'MIGRATING', dst.id);
    try {
      const { sent, b } = bot();
      const acks = await ask(b, `explain (error) ASK ${SLOT} ${dst.address}`);
      expect(acks).toHaveLength(1);
      expect(messageText(acks[0])).toContain('Slot 100 is being migrated');
      expect(sent.map((s) => s.op)).toEqual(['ephemeral']);
      const live = messageText(sent[0]?.msg);
      expect(live).toContain(`${src.address} is migrating slot ${SLOT} to ${dst.address}`);
    } finally {
      await c.act(src, 'CLUSTER', 'SETSLOT', SLOT, 'STABLE');
      await c.act(dst, 'CLUSTER', 'SETSLOT', SLOT, 'STABLE');
    }
  });

  it('an error typed as the command itself is explained too', async () => {
    const { b } = bot();
    const [ack] = await ask(b, "CROSSSLOT Keys in request don't hash to the same slot", 'CNONE');
    expect(ack?.title).toContain('CROSSSLOT');
  });

  it('slot with a cluster: owners read live; keys in two slots get CROSSSLOT and a real common tag', async () => {
    const { sent, b } = bot();
    const acks = await ask(b, 'slot order:1001:items order:1001:total prod');
    expect(messageText(acks[0])).toContain('Looking up the owners');
    const text = messageText(sent.at(-1)?.msg);
    const slotOf = keySlot('order:1001:items');
    expect(text).toContain(`order:1001:items  ${slotOf}`);
    expect(text).toMatch(/\(master, healthy\)/);
    expect(text).toContain('fails with "CROSSSLOT');
    expect(text).toContain('{order:1001}:items, {order:1001}:total');
  });

  it('slot without a cluster answers at once; a host:port word is a key, never a target', async () => {
    const { sent, b } = bot();
    const [ack] = await ask(b, 'slot "my key" 10.0.0.1:6379');
    expect(sent).toEqual([]);
    const text = messageText(ack);
    expect(text).toMatch(new RegExp(`my key +${keySlot('my key')} `));
    expect(text).toContain('10.0.0.1:6379 was taken as a key');
    expect(text).toContain('Add a cluster name');
  });
});

describe('in the terminal', () => {
  it('explain --cluster host:port --json adds the live owner; slot --cluster --json gives [{key, slot, owner}]', async () => {
    let out = '';
    const code = await runExplain([`MOVED ${SLOT} ${owner().address}`], {
      json: true,
      cluster: c.node(2).address,
      probe,
      out: (t) => {
        out += t;
      },
      err: () => undefined,
    });
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { errors: Record<string, unknown>[] };
    expect(Object.keys(doc.errors[0]!).slice(0, 6)).toEqual([
      'code',
      'slot',
      'node',
      'meaning',
      'causes',
      'next',
    ]);
    expect(doc.errors[0]?.live).toEqual(
      expect.arrayContaining([expect.stringContaining('is indeed the owner')]),
    );

    let json = '';
    expect(
      await runSlot(['user:{42}:a', 'user:{42}:b'], {
        json: true,
        cluster: c.node(2).address,
        probe,
        out: (t) => {
          json += t;
        },
      }),
    ).toBe(0);
    const rows = JSON.parse(json) as {
      key: string;
      slot: number;
      owner: { address: string; state: string };
    }[];
    expect(rows.map((r) => r.slot)).toEqual([keySlot('{42}'), keySlot('{42}')]);
    expect(rows[0]?.owner.state).toBe('ok');
  });
});

describe('as Slack sends it (signed requests, fake Web API)', () => {
  it('a fenced, entity-escaped error in a message: threaded reply, then updated with the owner; /redis explain follows up', async () => {
    const fake = await startFakeSlack();
    const slack = await startTestBot(
      fake,
      { clusters: [{ name: 'prod', seeds: [c.node(0).address] }], access: { channels: { COPS: ['prod'] } } },
      {},
    );
    try {
      const chat = {
        type: 'message',
        channel: 'COPS',
        user: 'UALICE',
        text: 'is it down?',
        ts: '1800000001.000100',
      };
      await postEvent(slack.url, eventEnvelope(chat));
      const ts = '1800000002.000100';
      const text = `seeing this since 3am:\n\`\`\`\n&gt; io.lettuce.core.RedisCommandExecutionException: MOVED ${SLOT} ${owner().address}\n\`\`\``;
      const res = await postEvent(
        slack.url,
        eventEnvelope({ type: 'message', channel: 'COPS', user: 'UALICE', text, ts }),
      );
      expect(res.status).toBe(200);
      const reply = await waitUntil(
        () => fake.byMethod('chat.postMessage').find((x) => x.args.thread_ts === ts),
        10_000,
        'threaded reply',
      );
      expect(allText(reply)).toContain(`MOVED ${SLOT} ${owner().address} (Lettuce)`);
      const update = await waitUntil(
        () => fake.byMethod('chat.update').find((x) => x.args.ts === reply.result.ts),
        15_000,
        'reply updated with live facts',
      );
      expect(allText(update)).toContain(`Slot ${SLOT} is owned now by ${owner().address}`);
      expect(JSON.stringify(update.args.blocks)).toContain('"action_id":"diagnose_again"');
      expect(fake.byMethod('chat.postMessage').filter((x) => x.args.thread_ts === chat.ts)).toEqual([]);

      const body = slashBody({
        text: `explain MOVED ${SLOT} ${owner().address}`,
        responseUrl: `${fake.url}/respond/ex`,
      });
      const ack = (await (await postForm(slack.url, body)).json()) as Record<string, unknown>;
      expect(ack.response_type).toBe('ephemeral');
      expect(texts(ack).join('\n')).toContain('What it means');
      const follow = await waitUntil(
        () => fake.responses.find((r) => r.id === 'ex'),
        15_000,
        'live follow-up',
      );
      expect(texts(follow.body).join('\n')).toContain('Right now in prod');
    } finally {
      await slack.stop();
      await fake.close();
    }
  });
});

describe('CLUSTERDOWN after a master without a replica dies', () => {
  it('the follow-up says which nodes report fail and which owner is down', async () => {
    const victim = c.node(2);
    await c.kill(victim);
    await c.waitFor(() => conditions.flaggedByAll(c, victim, 'fail'), {
      what: 'fail flag',
      timeoutMs: 20_000,
    });
    await c.waitFor(() => conditions.allState(c, 'fail'), { what: 'cluster_state:fail', timeoutMs: 10_000 });
    const { sent, b } = bot();
    await ask(b, 'explain CLUSTERDOWN The cluster is down');
    const live = messageText(sent.at(-1)?.msg);
    expect(live).toMatch(/2 nodes of 2 that answered report cluster_state:fail/);
    expect(live).toContain(`${victim.address} owns slots 10923-16383 and is fail.`);
  });
});
