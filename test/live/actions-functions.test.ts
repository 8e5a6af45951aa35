/**
 * Redis 7 functions and the node actions, on real clusters: add-node copies the cluster's libraries to the
 * new master before it joins (FUNCTION DUMP/RESTORE, binary payload), so after a reshard to it FCALL of a
 * key in a moved slot succeeds; a newcomer holding the same library skips the copy; one holding another
 * library is refused and keeps it; add-replica needs no copy (a replica gets the functions by replication);
 * a reshard to a master without the library names it as a risk, and the diagnosis reports FUNCTIONS_DIFFER.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, type DevNode, startCluster } from '../../src/devcluster/index.ts';
import { keysInRanges } from '../../src/devcluster/scenario-kit.ts';
import { mustPlan, mustRefuse, run } from './action-helpers.ts';

const LIB = `#!lua name=rblib
redis.register_function('rbget', function(keys, args) return redis.call('GET', keys[1]) end)
`;
const OTHER = `#!lua name=otherlib
redis.register_function('other', function(keys, args) return 1 end)
`;

const timings: Record<string, number> = {};
let c: DevCluster;
let spares: DevCluster[] = [];

function spare(label: string): Promise<DevCluster> {
  return startCluster({ nodes: [{ role: 'master', slots: [] }], nodeTimeoutMs: 1000, label });
}

/** Library names FUNCTION LIST shows on `n` of `cluster`. */
async function libs(cluster: DevCluster, n: DevNode): Promise<string[]> {
  const reply = (await cluster.call(n, ['FUNCTION', 'LIST'])) as unknown[][];
  return reply.map((l) => String(l[1])).sort();
}

beforeAll(async () => {
  [c, ...spares] = await Promise.all([
    startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'act-fn' }),
    spare('act-fn-new'),
    spare('act-fn-same'),
    spare('act-fn-other'),
    spare('act-fn-rep'),
  ]);
  for (const m of c.masters()) await c.cli(m, 'FUNCTION', 'LOAD', LIB);
  await spares[1]!.cli(spares[1]!.node(0), 'FUNCTION', 'LOAD', LIB);
  await spares[2]!.cli(spares[2]!.node(0), 'FUNCTION', 'LOAD', OTHER);
}, 90_000);
afterAll(async () => {
  await Promise.all([c, ...spares].map((x) => x?.stop()));
  console.log(`functions, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('functions and add-node', () => {
  it('add-node copies the libraries first; after a reshard to it, FCALL of a key in a moved slot works', async () => {
    const a = spares[0]!.node(0);
    const { plan } = await mustPlan(c, 'add-node', { node: a.address });
    const copy = plan.steps[0]!;
    expect(copy.kind).toBe('copy-functions');
    expect(copy.kind === 'copy-functions' && copy.libraries).toEqual(['rblib']);
    const from = c
      .masters()
      .find((m) => copy.kind === 'copy-functions' && copy.source.address === m.address)!;
    expect(copy.display).toEqual([
      `redis-cli -h ${a.host} -p 7000 FUNCTION LIST   # must list nothing, or exactly the libraries below (then skipped)`,
      `redis-cli -h ${from.host} -p 7000 --raw FUNCTION DUMP | head -c -1 > functions.rdb   # binary payload`,
      `redis-cli -h ${a.host} -p 7000 -x FUNCTION RESTORE < functions.rdb`,
    ]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['copy-functions', 'command', 'wait']);
    const { result, events } = await run(c, plan, 'add-node', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    expect(events.find((e) => e.type === 'step-finished' && e.index === 0)).toMatchObject({
      outcome: 'ok',
      note: expect.stringMatching(/now holds rblib \(1 function\) \(a \d+-byte FUNCTION DUMP/),
    });
    expect(await libs(spares[0]!, a)).toEqual(['rblib']);

    const source = c.node(0);
    const { plan: move } = await mustPlan(c, 'reshard', { from: source.address, to: a.address, slots: 10 });
    const step = move.steps[0]!;
    const key = keysInRanges('fn', step.kind === 'move-slots' ? step.slots : [], 1)[0]!;
    await c.cli(source, 'SET', key, 'moved-value');
    expect(move.risks.map((r) => r.text).join('\n')).not.toMatch(/lacks function/);
    const moved = await run(c, move, 'reshard-to-new', timings);
    expect(moved.result.outcome, moved.result.message).toBe('succeeded');
    expect(await spares[0]!.cli(a, 'FCALL', 'rbget', 1, key)).toBe('moved-value');
  }, 90_000);

  it('a newcomer that already holds the same library: the copy is skipped as done', async () => {
    const b = spares[1]!.node(0);
    const { plan } = await mustPlan(c, 'add-node', { node: b.address });
    expect(plan.steps[0]?.kind).toBe('copy-functions');
    const { result, events } = await run(c, plan, 'add-node-same', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    expect(events.find((e) => e.type === 'step-finished' && e.index === 0)).toMatchObject({
      outcome: 'skipped',
      note: expect.stringMatching(/already done: .* holds the same libraries \(rblib/),
    });
  }, 60_000);

  it('a newcomer holding another library is refused, and keeps it', async () => {
    const o = spares[2]!.node(0);
    const r = await mustRefuse(c, 'add-node', { node: o.address });
    expect(r.code).toBe('ACTION_REFUSED');
    expect(r.reasons.join('\n')).toMatch(
      /already holds function libraries \(otherlib \(1 function\)\) that differ from the cluster's \(rblib \(1 function\)/,
    );
    expect(r.hint).toMatch(/FUNCTION DELETE/);
    expect(await libs(spares[2]!, o)).toEqual(['otherlib']);
  });

  it('add-replica copies nothing: the replica gets the library by replication', async () => {
    const d = spares[3]!.node(0);
    const { plan } = await mustPlan(c, 'add-replica', { node: d.address, master: c.node(1).address });
    expect(plan.steps.map((s) => s.kind)).not.toContain('copy-functions');
    const { result } = await run(c, plan, 'add-replica', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    expect(await libs(spares[3]!, d)).toEqual(['rblib']);
  }, 60_000);

  it('a reshard to a master without the library names the risk; the diagnosis says the masters differ', async () => {
    await c.cli(c.node(2), 'FUNCTION', 'DELETE', 'rblib');
    try {
      const { plan, diagnosis } = await mustPlan(c, 'reshard', {
        from: c.node(1).address,
        to: c.node(2).address,
        slots: 1,
      });
      expect(plan.risks.map((r) => r.text).join('\n')).toMatch(
        new RegExp(
          `${c.node(2).address} lacks function library rblib \\(1 function\\) that ${c.node(1).address} holds \\(FUNCTION LIST differs\\): FCALL`,
        ),
      );
      const differ = diagnosis.findings.find((f) => f.code === 'FUNCTIONS_DIFFER');
      expect(differ).toMatchObject({ severity: 'info', nodes: [c.node(2).address] });
      expect(differ?.message).toMatch(
        /\(rblib on .*; no library on 127\S+\)\. FCALL of a key served by a master that lacks/,
      );
    } finally {
      await c.cli(c.node(2), 'FUNCTION', 'LOAD', LIB);
    }
  });
});
