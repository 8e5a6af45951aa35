/**
 * `/redis diagnose` as Slack sends it, against a LIVE 3-master redis-server cluster (H2's harness) and
 * the real diagnosis service: ack body, parent, steps in its thread, verdict update, nodes table, and
 * the fallback when the bot is not in the channel. The cluster needs a password: it must never leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditions, type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { allText, texts } from './helpers/block-text.ts';
import { startTestBot, type TestBot } from './helpers/bot.ts';
import { type ApiCall, type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';
import { actionBody, postForm, slashBody } from './helpers/signed.ts';

const PASSWORD = 'h5-live-Pa55word';
let cluster: DevCluster;
let fake: FakeSlack;
let bot: TestBot;

beforeAll(async () => {
  process.env.H5_SLACK_LIVE_PASSWORD = PASSWORD;
  cluster = await startCluster({
    masters: 3,
    nodeTimeoutMs: 1000,
    password: PASSWORD,
    label: 'h5-slack-live',
  });
  fake = await startFakeSlack();
  bot = await startTestBot(fake, {
    clusters: [
      { name: 'prod', seeds: cluster.nodes.map((n) => n.address), passwordEnv: 'H5_SLACK_LIVE_PASSWORD' },
    ],
    access: { channels: { COPS: ['prod'], CNOTIN: ['prod'] } },
  });
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await cluster?.stop();
});

async function slash(text: string, channel = 'COPS', responseId = 'r') {
  const res = await postForm(
    bot.url,
    slashBody({ text, channel, responseUrl: `${fake.url}/respond/${responseId}` }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs a diagnose-like command and waits for its parent to be updated; returns parent, steps, verdict. */
async function runToVerdict(text: string) {
  const posted = fake.byMethod('chat.postMessage').length;
  const ack = await slash(text);
  const parent = await waitUntil(
    () =>
      fake
        .byMethod('chat.postMessage')
        .slice(posted)
        .find((c) => !c.args.thread_ts),
    10_000,
    'parent',
  );
  const ts = String(parent.result.ts);
  const update = await waitUntil(
    () => fake.byMethod('chat.update').find((c) => c.args.ts === ts),
    30_000,
    'verdict',
  );
  const steps = fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts === ts);
  return { ack, parent, ts, update, steps };
}

/** Waits (20 s at most) for a topology table posted after the first `before` messages. */
function tableAfter(before: number, what: string): Promise<ApiCall> {
  return waitUntil(
    () =>
      fake
        .byMethod('chat.postMessage')
        .slice(before)
        .find((c) => allText(c).includes('Topology')),
    20_000,
    what,
  );
}

describe('/redis against a live cluster', () => {
  it('check on a healthy cluster: ack at once, parent, steps in its thread, verdict healthy', async () => {
    const { ack, parent, update, steps, ts } = await runToVerdict('check prod');
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Diagnosing prod'),
    });
    expect(allText(parent)).toContain('Diagnosing prod...');
    expect(parent.args.channel).toBe('COPS');
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.every((s) => s.args.thread_ts === ts)).toBe(true);
    expect(allText(steps[0] as ApiCall)).toMatch(/Step 1\/\d+/);
    const verdict = allText(update);
    expect(verdict).toMatch(/Cluster state\*\nOK/);
    expect(verdict).toContain('healthy');
    expect(verdict).toContain('Runbook*\nhealth');
    // Steps were all posted before the verdict replaced the parent.
    expect(Math.max(...steps.map((s) => s.at))).toBeLessThanOrEqual(update.at);
  });

  it('diagnose after a master without replica dies: verdict names the root cause, severity and actions', async () => {
    const victim = cluster.node(2);
    await cluster.kill(victim);
    await cluster.waitFor(() => conditions.flaggedByAll(cluster, victim, 'fail'), {
      what: 'fail flag',
      timeoutMs: 20_000,
    });
    const { update, steps } = await runToVerdict('diagnose prod');
    const verdict = allText(update);
    expect(verdict).toContain('master-failed-no-replica');
    expect(verdict).toMatch(/Severity\*\ncritical/);
    expect(verdict).toContain(victim.address);
    expect(verdict).toContain('Recommended actions');
    expect(verdict).toContain('restart-node');
    expect(steps.some((s) => allText(s).includes(':red_circle:'))).toBe(true);
    const buttons = (update.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    expect(buttons?.elements?.map((e) => e.action_id)).toEqual([
      'diagnose_again',
      'show_nodes',
      'show_details',
    ]);
  });

  it('nodes posts a compact topology table naming the dead node', async () => {
    const before = fake.byMethod('chat.postMessage').length;
    const ack = await slash('nodes prod');
    expect(ack.body.response_type).toBe('ephemeral');
    const table = await tableAfter(before, 'nodes table');
    const text = allText(table);
    expect(text).toMatch(/prod: 3 nodes, 3 masters/);
    expect(text).toMatch(new RegExp(`${cluster.node(2).address.replace(/\./g, '\\.')}\\s+master\\s+fail`));
  });

  it('the "Show nodes" button posts the table in the channel it was clicked in', async () => {
    const before = fake.byMethod('chat.postMessage').length;
    const res = await postForm(bot.url, actionBody('show_nodes', 'prod', `${fake.url}/respond/button`));
    expect(res.status).toBe(200);
    const table = await tableAfter(before, 'nodes table from the button');
    expect(table.args.channel).toBe('COPS');
  });

  it('not in the channel: the verdict still reaches the user ephemerally via response_url', async () => {
    fake.notInChannel.add('CNOTIN');
    await slash('diagnose prod', 'CNOTIN', 'notin');
    const r = await waitUntil(
      () => fake.responses.find((x) => x.id === 'notin' && String(x.body.text).includes('prod')),
      30_000,
      'ephemeral verdict',
    );
    expect(r.body.response_type).toBe('ephemeral');
    expect(texts(r.body.blocks).join('\n')).toContain('Invite me');
  });

  it('never shows the cluster password or the bot token in posts or logs', () => {
    const posts = fake.calls.filter((c) => c.method.startsWith('chat.') || c.method.startsWith('files.'));
    expect(posts.length).toBeGreaterThan(10);
    const everything = [
      ...posts.map((c) => JSON.stringify(c.args)),
      ...fake.responses.map((r) => JSON.stringify(r.body)),
      ...bot.logs,
    ].join('\n');
    expect(everything).not.toContain(PASSWORD);
    const leak = everything.split('\n').filter((l) => l.includes('xoxb-'));
    expect(leak.map((l) => l.slice(0, 300))).toEqual([]);
  });
});
