/**
 * The bot core over a recording Transport and a scripted DiagnosisService (no Redis involved: these
 * pin the flow itself): deadline, coded errors, single-flight, steps the service did not stream,
 * and the fallbacks when Slack refuses an update.
 */
import { describe, expect, it } from 'vitest';
import { type BotDeps, createBot } from '../../src/bot/core.ts';
import type { BotMessage, Transport } from '../../src/bot/message.ts';
import { replyToPaste } from '../../src/bot/paste-analysis.ts';
import { createLogger } from '../../src/bot/slack/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Diagnosis, StepResult } from '../../src/diagnose/types.ts';
import type { DiagnosisService } from '../../src/runbooks/types.ts';
import { recorder } from './helpers/recorder.ts';

const step = (id: string, verdict: StepResult['verdict'] = 'ok'): StepResult => ({
  id,
  title: `step ${id}`,
  command: `redis-cli ${id}`,
  evidence: [`evidence ${id}`],
  verdict,
  meaning: `meaning ${id}`,
});

const diagnosis = (steps: StepResult[]): Diagnosis => ({
  source: 'live',
  cluster: 'prod',
  state: 'ok',
  rootCauses: [],
  findings: [],
  steps,
  warnings: [],
  visibility: { nodesKnown: 3, nodesSeen: 3, nodesAtLeast: 3, summary: '3 of 3 nodes answered' },
  fingerprint: 'f',
});

function service(run: DiagnosisService['diagnoseCluster']): DiagnosisService & { calls: number } {
  const s = {
    calls: 0,
    listRunbooks: () => [{ name: 'health' as const, title: 'Health', description: 'd' }],
    clusterNames: () => ['prod'],
    diagnoseCluster: (name: string, o?: Parameters<DiagnosisService['diagnoseCluster']>[1]) => {
      s.calls += 1;
      return run(name, o);
    },
    diagnosePaste: () => diagnosis([]),
  };
  return s;
}

function bot(svc: DiagnosisService, transport: Transport, extra: Partial<BotDeps> = {}) {
  return createBot({
    config: parseConfig({
      clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
      access: { channels: { '*': ['prod'] } },
    }),
    service: svc,
    transport,
    logger: createLogger('silent'),
    analyzePaste: () => null,
    ...extra,
  });
}

const ask = async (b: ReturnType<typeof bot>, text: string) => {
  const acks: BotMessage[] = [];
  await b.command({ user: 'UALICE', channel: 'C1', text }, async (m) => {
    acks.push(m);
  });
  return acks;
};

describe('live diagnosis flow', () => {
  it('acks first, posts the parent, streams steps in order, then updates the parent', async () => {
    const { sent, transport } = recorder();
    const svc = service(async (_n, o) => {
      const steps = [step('a'), step('b', 'problem'), step('c', 'skipped')];
      for (const [i, s] of steps.entries()) await o?.onStep?.(s, i, steps.length);
      return diagnosis(steps);
    });
    const acks = await ask(bot(svc, transport), 'diagnose prod');
    expect(acks.map((a) => a.text)).toEqual(['Diagnosing prod…']);
    expect(sent.map((s) => s.op)).toEqual(['post', 'reply', 'reply', 'reply', 'update']);
    expect(sent.slice(1, 4).map((s) => s.msg?.title)).toEqual([
      'Step 1/3: step a',
      'Step 2/3: step b',
      'Step 3/3: step c',
    ]);
    expect(sent.slice(1).every((s) => s.ref?.ts === 'p1')).toBe(true);
    expect(sent[4]?.msg?.fields?.find((f) => f.label === 'Steps')?.value).toMatch(
      /^1 ok, 1 problem, 1 skipped/,
    );
  });

  it('posts steps the service returned without streaming them', async () => {
    const { sent, transport } = recorder();
    await ask(
      bot(
        service(async () => diagnosis([step('x'), step('y')])),
        transport,
      ),
      'check prod',
    );
    expect(sent.filter((s) => s.op === 'reply').map((s) => s.msg?.title)).toEqual([
      'Step 1/2: step x',
      'Step 2/2: step y',
    ]);
  });

  it('a diagnosis that never finishes ends in a "timed out" verdict instead of hanging', async () => {
    const { sent, transport } = recorder();
    const never = service(() => new Promise<Diagnosis>(() => undefined));
    const b = bot(never, transport, { deadlineMs: 200 });
    await ask(b, 'diagnose prod');
    const update = sent.find((s) => s.op === 'update');
    expect(update?.msg?.title).toBe('prod: diagnosis timed out');
    // The hung probe is not joined by the next request: that one probes afresh.
    await ask(b, 'diagnose prod');
    expect(never.calls).toBe(2);
  });

  it('a coded error becomes a "diagnosis failed" verdict naming the code', async () => {
    const { sent, transport } = recorder();
    const failing = service(async () => {
      throw Object.assign(new Error('cluster "prod" needs its password in $PW, which is not set'), {
        code: 'PASSWORD_ENV_MISSING',
      });
    });
    await ask(bot(failing, transport), 'diagnose prod');
    expect(sent.find((s) => s.op === 'update')?.msg?.text).toMatch(
      /needs its password in \$PW.*PASSWORD_ENV_MISSING/,
    );
  });

  it('concurrent requests for the same cluster share one probe, each with its own messages', async () => {
    const { sent, transport } = recorder();
    let release: (d: Diagnosis) => void = () => undefined;
    const svc = service(() => new Promise<Diagnosis>((r) => (release = r)));
    const b = bot(svc, transport);
    const runs = [ask(b, 'diagnose prod'), ask(b, 'diagnose prod'), ask(b, 'diagnose prod')];
    await new Promise((r) => setTimeout(r, 50));
    release(diagnosis([step('a')]));
    await Promise.all(runs);
    expect(svc.calls).toBe(1);
    expect(sent.filter((s) => s.op === 'post')).toHaveLength(3);
    expect(new Set(sent.filter((s) => s.op === 'update').map((s) => s.ref?.ts))).toEqual(
      new Set(['p1', 'p2', 'p3']),
    );
    const later = ask(b, 'diagnose prod');
    await new Promise((r) => setTimeout(r, 50));
    expect(svc.calls).toBe(2);
    release(diagnosis([]));
    await later;
  });

  it('when the parent cannot be updated, the verdict is replied in its thread', async () => {
    const { sent, transport } = recorder({ failUpdate: true });
    await ask(
      bot(
        service(async () => diagnosis([])),
        transport,
      ),
      'diagnose prod',
    );
    const last = sent.at(-1);
    expect(last?.op).toBe('reply');
    expect(last?.msg?.title).toMatch(/^prod: /);
  });
});

describe('commands without a registry', () => {
  it('with no clusters, diagnose explains how to register one', async () => {
    const { transport } = recorder();
    const empty = createBot({
      config: parseConfig({}),
      service: { ...service(async () => diagnosis([])), clusterNames: () => [] },
      transport,
      logger: createLogger('silent'),
      analyzePaste: () => null,
    });
    const [ack] = await ask(empty, 'diagnose prod');
    expect(ack?.text).toContain('No clusters are registered');
    expect(ack?.sections?.[0]?.lines.join('\n')).toContain('passwordEnv:');
  });
});

describe('Details button', () => {
  const paste =
    'cluster_state:fail\ncluster_slots_assigned:16384\ncluster_slots_fail:5461\ncluster_known_nodes:6\n';
  const analyzePaste = (text: string) => replyToPaste(text, true);
  const detailsButton = (m: BotMessage | undefined) => m?.buttons?.find((b) => b.actionId === 'show_details');
  const who = { user: 'UALICE', channel: 'C1' };

  it('a paste reply is brief, names the unnamed node, and shows its details in the thread on click', async () => {
    const { sent, transport } = recorder();
    const b = bot(
      service(async () => diagnosis([])),
      transport,
      { analyzePaste },
    );
    await b.paste({ ...who, text: paste, threadTs: 't1', mentioned: false });
    const reply = sent[0]?.msg;
    expect(reply?.details).toBeUndefined();
    expect(reply?.sections?.map((s) => s.heading)).not.toContain('Whose view this is');
    expect(JSON.stringify(reply)).not.toContain('paste#');
    expect(JSON.stringify(reply)).toContain('The pasted node reports cluster_state:fail');
    const button = detailsButton(reply);
    expect(button?.label).toBe('Details');
    await b.action({ ...who, actionId: 'show_details', value: button!.value, threadTs: 't1' });
    expect(sent[1]?.op).toBe('reply');
    expect(sent[1]?.ref).toEqual({ channel: 'C1', ts: 't1' });
    expect(sent[1]?.msg?.sections?.map((s) => s.heading)).toContain('Whose view this is');
  });

  it('a live verdict keeps findings for Details; a forgotten or unknown id says so', async () => {
    const { sent, transport } = recorder();
    const d: Diagnosis = {
      ...diagnosis([step('a')]),
      findings: [
        { code: 'NODE_FAIL', severity: 'critical', message: 'm', nodes: [], slots: '', evidence: ['e'] },
      ],
    };
    const b = bot(
      service(async () => d),
      transport,
    );
    await ask(b, 'diagnose prod');
    const verdict = sent.find((s) => s.op === 'update')?.msg;
    expect(verdict?.sections?.some((s) => s.heading?.startsWith('Findings'))).toBe(false);
    const button = detailsButton(verdict);
    await b.action({ ...who, actionId: 'show_details', value: button!.value });
    const shown = sent.at(-1);
    expect(shown?.op).toBe('ephemeral');
    expect(shown?.msg?.sections?.map((s) => s.heading)).toContain('Findings (1)');
    await b.action({ ...who, actionId: 'show_details', value: 'no-such-id' });
    expect(sent.at(-1)?.msg?.text).toMatch(/no longer kept/);
  });

  it('a click by someone who may not read the cluster is refused', async () => {
    const { sent, transport } = recorder();
    const d: Diagnosis = {
      ...diagnosis([]),
      findings: [
        { code: 'NODE_FAIL', severity: 'critical', message: 'm', nodes: [], slots: '', evidence: ['e'] },
      ],
    };
    const b = bot(
      service(async () => d),
      transport,
      {
        config: parseConfig({
          clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
          access: { channels: { C1: ['prod'] } },
        }),
      },
    );
    await ask(b, 'diagnose prod');
    const button = detailsButton(sent.find((s) => s.op === 'update')?.msg);
    await b.action({ user: 'UMALLORY', channel: 'COTHER', actionId: 'show_details', value: button!.value });
    expect(sent.at(-1)?.op).toBe('ephemeral');
    expect(sent.at(-1)?.msg?.sections?.map((s) => s.heading)).not.toContain('Findings (1)');
  });
});
