/**
 * del-node on real clusters: a master with 4,000 keys removed (its slots spread evenly over the other
 * masters with every key readable after, its replica re-pointed to the master with the fewest replicas and
 * synced, the node gone from every table and reset to know only itself, after the copy it made as a
 * replica of its last receiver); a master emptied into --to with replica migration off (it stays master); a
 * last replica removed only with --allow-no-replica (the plan lists it as dangerous); and every refusal:
 * a stranger, a last replica without the flag, both sides of an open migration, --to a replica, a seed at
 * the node, a dead node (failover or forget-node instead), the only up-to-date copy of a down master, a
 * master whose slots have nowhere to go, the only master. An empty master is removed without moving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAction } from '../../src/actions/service.ts';
import type { Plan } from '../../src/actions/types.ts';
import { countSlots, parseRanges } from '../../src/cluster/slots.ts';
import { conditions, type DevCluster, type DevNode, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { waitFlagged, waitState } from '../../src/devcluster/scenario-waits.ts';
import { configOf, mustPlan, optsOf, run, runCli } from './action-helpers.ts';

const { flaggedByAll } = conditions;
const timings: Record<string, number> = {};
let c: DevCluster;
let duo: DevCluster;
let keys: string[] = [];

/** The registry entry, seeded by a master that stays to the end. */
const cfg = () => configOf(c, { seeds: [c.node(1).address] });
const plan = (params: Parameters<typeof mustPlan>[2]) => mustPlan(c, 'del-node', params, cfg());
const refusal = async (params: Parameters<typeof mustPlan>[2]) => {
  const r = await planAction(cfg(), 'del-node', params, optsOf(c));
  if (!('refusal' in r)) throw new Error(`planned: ${r.plan.summary}`);
  return r.refusal;
};

/**
 * Every live node except `gone` lists no node with `gone`'s id; `gone` knows only itself and holds no
 * key. Then `gone` is stopped, as the plan's advice says.
 */
async function expectGone(gone: DevNode, dc = c): Promise<void> {
  for (const n of dc.live().filter((x) => x !== gone))
    expect(
      (await dc.view(n)).map((r) => r.id),
      n.address,
    ).not.toContain(gone.id);
  const own = await dc.view(gone);
  expect(own.map((r) => r.id)).toEqual([gone.id]);
  expect(own[0]!.slots).toEqual([]);
  expect(await dc.cli(gone, 'DBSIZE')).toBe('0');
  await dc.kill(gone);
}

function slotsMoved(p: Plan): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of p.steps) if (s.kind === 'move-slots') out.set(s.target.address, countSlots(s.slots));
  return out;
}

beforeAll(async () => {
  [c, duo] = await Promise.all([
    startCluster({
      nodeTimeoutMs: 1000,
      label: 'act-delnode',
      nodes: [
        { role: 'master' },
        { role: 'master' },
        { role: 'master' },
        { role: 'master' },
        { role: 'replica', of: 0 },
        { role: 'replica', of: 2 },
        { role: 'replica', of: 3, config: [['cluster-replica-no-failover', 'yes']] },
      ],
    }),
    startCluster({
      nodes: [{ role: 'master' }, { role: 'master', slots: [] }],
      nodeTimeoutMs: 1000,
      label: 'act-delnode-duo',
    }),
  ]);
  keys = await loadKeys(c, 'dn', 4000);
}, 90_000);
afterAll(async () => {
  await Promise.all([c, duo].map((x) => x?.stop()));
  console.log(`del-node, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('del-node on real clusters', () => {
  it('refuses a stranger, a last replica without the flag, --to a replica, and both sides of an open migration', async () => {
    const stranger = await refusal({ node: `${c.node(0).host.replace(/\.\d+$/, '.99')}:7000` });
    expect(stranger.code).toBe('ACTION_BAD_PARAMS');
    expect(stranger.reasons[0]).toMatch(/no node of the cluster is at/);
    const last = await refusal({ node: c.node(5).address });
    expect(last.reasons[0]).toMatch(
      new RegExp(
        `${c.node(5).address} is the last replica of ${c.node(2).address} with its data \\(\\d+ slots, \\d+ keys\\)`,
      ),
    );
    expect(last.hint).toContain('--allow-no-replica');
    const toReplica = await refusal({ node: c.node(0).address, to: c.node(4).address });
    expect(toReplica.code).toBe('ACTION_BAD_PARAMS');
    expect(toReplica.reasons[0]).toContain('a replica, not a master');
    const [src, dst] = [c.node(3), c.node(1)];
    const slot = parseRanges((await c.view(src)).find((r) => r.id === src.id)!.slots[0]!)![0]!.start;
    await c.cli(dst, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', src.id);
    await c.cli(src, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', dst.id);
    try {
      for (const side of [src, dst]) {
        const r = await refusal({ node: side.address });
        expect(r.reasons[0]).toContain(`is a side of an open migration of slot(s) ${slot}`);
        expect(r.alternatives?.[0]).toMatchObject({
          action: 'fix-open-slot',
          params: { slotRanges: `${slot}` },
        });
      }
    } finally {
      await c.cli(src, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      await c.cli(dst, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
    }
  }, 60_000);

  it('removes a master with keys: even spread, every key readable, its replica re-pointed and synced, gone everywhere', async () => {
    const [m0, r4] = [c.node(0), c.node(4)];
    const { plan: p } = await plan({ node: m0.address });
    expect([...slotsMoved(p).values()].sort()).toEqual([1365, 1366, 1365].sort());
    const moveTargets = p.steps
      .filter((s) => s.kind === 'move-slots')
      .map((s) => s.kind === 'move-slots' && s.target.address);
    expect(moveTargets).toEqual([c.node(1).address, c.node(2).address, c.node(3).address]);
    // The replica follows the master with the fewest replicas (node 1 has none), never the node removed,
    // although giving away its last slot (to node 3) makes the removed master and its replica follow node 3.
    const repoint = p.steps.find((s) => s.kind === 'command' && s.argv[1] === 'REPLICATE')!;
    expect(repoint.display).toEqual([`redis-cli -h ${r4.host} -p 7000 CLUSTER REPLICATE ${c.node(1).id}`]);
    const forget = p.steps.find((s) => s.kind === 'fanout')!;
    expect(forget.kind === 'fanout' && forget.withinMs).toBe(60_000);
    expect(forget.display).toHaveLength(6);
    expect(forget.display).toContain(`redis-cli -h ${r4.host} -p 7000 CLUSTER FORGET ${m0.id}`);
    expect(forget.display.join('\n')).not.toContain(`-h ${m0.host} `);
    expect(p.steps.map((s) => s.kind)).toEqual([
      'move-slots',
      'move-slots',
      'move-slots',
      'wait',
      'command',
      'wait',
      'wait',
      'fanout',
      'wait',
      'command',
    ]);
    expect(p.steps.at(-1)!.display).toEqual([`redis-cli -h ${m0.host} -p 7000 CLUSTER RESET SOFT`]);
    expect(p.dangerous).toEqual([]);
    expect(p.risks.map((r) => r.text)).toContain(
      `Giving away its last slot, ${m0.address} turns into a replica of ${c.node(3).address} (cluster-allow-replica-migration yes) and copies its data: a fork on ${c.node(3).address}. The reset waits until that copy is done.`,
    );
    const { result, events } = await run(c, p, 'master with 4000 keys', timings, cfg());
    expect(result.outcome, result.message).toBe('succeeded');
    const moved = events.flatMap((e) => (e.type === 'step-progress' && e.keysMoved !== undefined ? [e] : []));
    const ms = events.flatMap((e) => (e.type === 'step-finished' ? [e.elapsedMs] : []));
    console.log(
      `keys moved per step: ${JSON.stringify(moved.filter((e, i, a) => a[i + 1]?.index !== e.index).map((e) => e.keysMoved))}; ms per step: ${JSON.stringify(ms)}`,
    );
    expect((await readKeys(c, keys)).missing).toEqual([]);
    await expectGone(m0);
    const notes = events.flatMap((e) => (e.type === 'step-finished' ? [`${e.outcome} ${e.note}`] : []));
    expect(notes[4]).toBe(`ok ${r4.address} replied OK`);
    expect(notes[6]).toMatch(/^ok .*master_link_status:up/); // it had turned replica of node 3
    expect((await c.view(r4)).find((r) => r.flags.includes('myself'))!.masterId).toBe(c.node(1).id);
    expect((await c.info(r4))['master_link_status']).toBe('up');
    await c.waitFor(async () => (await c.info(c.node(3)))['connected_slaves'] === '1', {
      what: 'the reset node dropped off node 3',
      timeoutMs: 5000,
    });
  }, 120_000);

  it('removes the last replica of a master only with --allow-no-replica, listed as dangerous', async () => {
    const r5 = c.node(5);
    const { plan: p } = await plan({ node: r5.address, allow: ['allow-no-replica'] });
    expect(p.dangerous).toEqual(['allow-no-replica']);
    expect(p.risks.find((r) => r.kind === 'data-loss')?.text).toMatch(
      new RegExp(`${c.node(2).address} is left without a copy of its \\d+ slots`),
    );
    expect(p.steps.map((s) => s.display[0])).toEqual([
      `redis-cli -h ${r5.host} -p 7000 INFO replication`,
      `redis-cli -h ${c.node(1).host} -p 7000 CLUSTER FORGET ${r5.id}`,
      `redis-cli -h ${c.node(1).host} -p 7000 CLUSTER NODES`,
      `redis-cli -h ${r5.host} -p 7000 CLUSTER RESET SOFT`,
    ]);
    const { result } = await run(c, p, 'last replica', timings, cfg());
    expect(result.outcome, result.message).toBe('succeeded');
    await expectGone(r5);
    expect((await c.info(c.node(2)))['connected_slaves']).toBe('0');
  }, 60_000);

  it('refuses a dead node (failover or forget-node instead) and the only up-to-date copy of a down master', async () => {
    const [m3, r6] = [c.node(3), c.node(6)];
    await c.freeze(m3);
    await waitFlagged(c, m3, 'fail');
    const dead = await refusal({ node: m3.address });
    expect(dead.reasons[0]).toMatch(/is down \(flagged fail by the cluster/);
    expect(dead.alternatives?.[0]).toMatchObject({ action: 'failover-force', params: { node: r6.address } });
    const copy = await refusal({ node: r6.address, allow: ['allow-no-replica'] });
    expect(copy.reasons[0]).toMatch(
      new RegExp(
        `${m3.address} is down \\(fail\\) and ${r6.address} is its best replica .*: it holds the only up-to-date copy of \\d+ slots`,
      ),
    );
    expect(copy.alternatives?.[0]).toMatchObject({ action: 'failover-force' });
    await c.thaw(m3);
    await c.waitFor(async () => !(await flaggedByAll(c, m3, 'fail')), {
      what: 'fail cleared',
      timeoutMs: 10_000,
    });
    await waitState(c, 'ok');
  }, 60_000);

  it('empties a master into --to with cluster-allow-replica-migration no: it stays an empty master; its replica follows the master with the fewest replicas', async () => {
    const [m3, m1, r6] = [c.node(3), c.node(1), c.node(6)];
    for (const n of [m3, r6]) await c.cli(n, 'CONFIG', 'SET', 'cluster-allow-replica-migration', 'no');
    // A registry seed at the node removed would make every later diagnosis probe the reset node.
    for (const seeds of [[m3.address, m1.address], [m3.address]]) {
      const r = await planAction(configOf(c, { seeds }), 'del-node', { node: m3.address }, optsOf(c));
      expect('refusal' in r && r.refusal.reasons[0]).toMatch(
        seeds.length === 1
          ? /reached only through .*, the node being removed/
          : /seeds include .*, the node being removed/,
      );
    }
    const owned = countSlots(
      (await c.view(m3)).find((r) => r.id === m3.id)!.slots.flatMap((t) => parseRanges(t) ?? []),
    );
    const { plan: p } = await plan({ node: m3.address, to: m1.address });
    expect([...slotsMoved(p)]).toEqual([[m1.address, owned]]);
    expect(p.risks.map((r) => r.text).join('\n')).toContain(
      `${m3.address} runs with cluster-allow-replica-migration no: once its slots are gone it stays an empty master`,
    );
    expect(p.summary).toContain(
      `move its ${owned} slots to ${m1.address} (${owned}) with their keys, re-point ${r6.address} to ${c.node(2).address}`,
    );
    const { result, events } = await run(c, p, 'master into --to', timings, cfg());
    expect(result.outcome, result.message).toBe('succeeded');
    expect(result.after?.state).toBe('ok');
    const notes = events.flatMap((e) => (e.type === 'step-finished' ? [`${e.outcome} ${e.note}`] : []));
    // Without replica migration nothing followed anyone: the REPLICATE ran, and the node stayed a master.
    expect(notes[2]).toBe(`ok ${r6.address} replied OK`);
    expect(notes[4]).toMatch(
      new RegExp(`^ok ${m3.address} \\(${m3.id.slice(0, 8)}\\) is a master \\(after \\d+ ms\\)$`),
    );
    expect((await readKeys(c, keys)).missing).toEqual([]);
    await expectGone(m3);
    expect((await c.view(r6)).find((r) => r.flags.includes('myself'))!.masterId).toBe(c.node(2).id);
  }, 120_000);

  it('in the terminal: removes an empty master (forget and reset only, exit 0); refuses a master whose slots have nowhere to go (exit 4)', async () => {
    const [owner, empty] = [duo.node(0), duo.node(1)];
    const nowhere = await runCli(['plan', 'del-node', owner.address, '--node', owner.address]);
    expect(nowhere.code).toBe(4);
    expect(nowhere.stdout).toContain(
      `no other master owns slots (${empty.address} owns none): del-node spreads slots only over serving masters`,
    );
    expect(nowhere.stdout).toContain(
      `To move everything to an empty master, name it: --to ${empty.address}.`,
    );
    const done = await runCli([
      'apply',
      'del-node',
      owner.address,
      '--node',
      empty.address,
      '--yes',
      '--reason',
      'test: retire an empty master',
    ]);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toContain(`redis-cli -h ${owner.host} -p 7000 CLUSTER FORGET ${empty.id}`);
    expect(done.stdout).toMatch(/\[3\/3\] Reset .*: it forgets the cluster/);
    expect(done.stdout).toContain('Afterwards, by hand (redis-runbook does not run these)');
    expect(done.stdout).toContain(
      'Diagnosed again: cluster_state ok; no root cause was to be fixed; the end state holds.',
    );
    expect(done.stdout).toMatch(/\[OK\] Done: del-node/);
    await expectGone(empty, duo);
    const only = await planAction(configOf(duo), 'del-node', { node: owner.address }, optsOf(duo));
    expect('refusal' in only && only.refusal.reasons[0]).toBe(
      `${owner.address} is the only master: its 16384 slots have nowhere to go`,
    );
  }, 90_000);
});
