/**
 * The executor core on a real cluster: steps run in order through the runner registry, a done step is
 * skipped with a note, the first failure stops the plan, a throwing listener changes nothing, a fan-out
 * counts "already done" replies, a wait times out with what it saw, a mutating command is sent once
 * (INFO commandstats), and a node that just answered is not PINGed again before a check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSink, runSteps } from '../../src/actions/execute/run.ts';
import { SessionPool } from '../../src/actions/execute/session.ts';
import type { ExecutionEvent, NodeRef, Plan, PlanStep } from '../../src/actions/types.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, type DevNode, startCluster } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';

let c: DevCluster;
beforeAll(async () => {
  c = await startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000, label: 'actions-run' });
}, 60_000);
afterAll(async () => {
  await c?.stop();
});

const ref = (n: DevNode): NodeRef => ({ id: n.id, address: n.address });
const config = (): ClusterConfig => ({
  name: 'run-test',
  seeds: [c.node(0).address],
  timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
});

function planOf(steps: PlanStep[]): Plan {
  return {
    version: 1,
    action: 'failover',
    cluster: 'run-test',
    params: {},
    summary: 'test',
    steps,
    preconditions: [],
    risks: [],
    expected: [],
    fixes: [],
    fingerprint: 'x',
    createdAt: new Date(0).toISOString(),
    mutates: true,
    dangerous: [],
  };
}

async function run(
  steps: PlanStep[],
  listener?: (e: ExecutionEvent) => void,
  signal = new AbortController().signal,
) {
  const pool = new SessionPool(config(), { allowHost: isLoopbackHost, env: {} });
  pool.know(c.nodes.map((n) => n.address));
  const events: ExecutionEvent[] = [];
  const sink = eventSink((e) => {
    events.push(e);
    listener?.(e);
  });
  try {
    const result = await runSteps(planOf(steps), pool, sink, signal);
    return { result, events };
  } finally {
    pool.close();
  }
}

async function calls(n: DevNode, command: string): Promise<number> {
  const stats = await c.info(n, 'commandstats');
  return Number(/calls=(\d+)/.exec(stats[`cmdstat_${command}`] ?? '')?.[1] ?? 0);
}

describe('runSteps on a real cluster', () => {
  it('fails over, then skips the same failover with a note; the command was sent once; a throwing listener changes nothing', async () => {
    const replica = c.node(3);
    const slots = (await c.view(replica))
      .find((r) => r.id === c.node(0).id)!
      .slots.map((t) => ({ start: Number(t.split('-')[0]), end: Number(t.split('-').at(-1)) }));
    const steps: PlanStep[] = [
      {
        kind: 'command',
        id: 's1',
        title: 'promote',
        node: ref(replica),
        argv: ['CLUSTER', 'FAILOVER'],
        display: ['redis-cli cluster failover'],
        skipIf: { kind: 'role', node: ref(replica), role: 'master' },
      },
      {
        kind: 'wait',
        id: 's2',
        title: 'agreed',
        until: { kind: 'agreed-master', node: ref(replica), slots },
        timeoutMs: 15_000,
        display: [],
      },
    ];
    const first = await run(steps, () => {
      throw new Error('listener broke');
    });
    expect(first.result.error).toBeUndefined();
    expect(first.result.stepsDone).toBe(2);
    expect(first.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['step-started', 'step-finished', 'step-started', 'step-finished']),
    );
    const second = await run(steps);
    expect(second.result.outcomes[0]).toEqual({
      outcome: 'skipped',
      note: expect.stringMatching(/^already done: .* reports itself master/),
    });
    expect(await calls(replica, 'cluster|failover')).toBe(1);
  }, 30_000);

  it('reachableSessions PINGs only the nodes that have not just answered', async () => {
    const pool = new SessionPool(config(), { allowHost: isLoopbackHost, env: {} });
    try {
      pool.know(c.nodes.map((n) => n.address));
      await (await pool.session(ref(c.node(0)))).call(['CLUSTER', 'MYID']);
      const before = await Promise.all(c.nodes.map((n) => calls(n, 'ping')));
      const sessions = await pool.reachableSessions();
      const after = await Promise.all(c.nodes.map((n) => calls(n, 'ping')));
      expect(sessions).toHaveLength(c.nodes.length);
      expect(after.map((a, i) => a - before[i]!)).toEqual(c.nodes.map((_, i) => (i === 0 ? 0 : 1)));
    } finally {
      pool.close();
    }
  });

  it('stops at the first failure: the next step never starts', async () => {
    const steps: PlanStep[] = [
      {
        kind: 'command',
        id: 's1',
        title: 'bad',
        node: ref(c.node(1)),
        argv: ['CLUSTER', 'FORGET', 'f'.repeat(40)],
        display: [],
      },
      {
        kind: 'command',
        id: 's2',
        title: 'never',
        node: ref(c.node(1)),
        argv: ['CLUSTER', 'SAVECONFIG'],
        display: [],
      },
    ];
    const before = await calls(c.node(1), 'cluster|saveconfig');
    const { result, events } = await run(steps);
    expect(result.failedStep).toBe(0);
    expect(result.error?.code).toBe('ACTION_STEP_FAILED');
    expect(result.error?.message).toMatch(/CLUSTER FORGET: ERR Unknown node/);
    expect(events.filter((e) => e.type === 'step-started')).toHaveLength(1);
    expect(await calls(c.node(1), 'cluster|saveconfig')).toBe(before);
  });

  it('a fan-out counts "already done" replies as done; a wait times out saying what it saw', async () => {
    const fan = await run([
      {
        kind: 'fanout',
        id: 's1',
        title: 'forget nothing',
        nodes: c.nodes.map(ref),
        argv: ['CLUSTER', 'FORGET', 'e'.repeat(40)],
        withinMs: 60_000,
        alreadyDone: ['ERR Unknown node'],
        display: [],
      },
    ]);
    expect(fan.result.error).toBeUndefined();
    expect(fan.result.outcomes[0]?.note).toMatch(/^6 nodes in \d+ ms; already done on /);
    const wait = await run([
      {
        kind: 'wait',
        id: 's1',
        title: 'never',
        until: { kind: 'role', node: ref(c.node(1)), role: 'replica' },
        timeoutMs: 600,
        display: [],
      },
    ]);
    expect(wait.result.error?.code).toBe('ACTION_TIMEOUT');
    expect(wait.result.error?.message).toMatch(/reports itself master/);
  });

  it('an abort (shutdown) stops a wait at its next poll and runs no further step', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    const before = await calls(c.node(2), 'cluster|saveconfig');
    const { result } = await run(
      [
        {
          kind: 'wait',
          id: 's1',
          title: 'long wait',
          until: { kind: 'role', node: ref(c.node(2)), role: 'replica' },
          timeoutMs: 30_000,
          display: [],
        },
        {
          kind: 'command',
          id: 's2',
          title: 'never',
          node: ref(c.node(2)),
          argv: ['CLUSTER', 'SAVECONFIG'],
          display: [],
        },
      ],
      undefined,
      ac.signal,
    );
    expect(result.failedStep).toBe(0);
    expect(result.error?.message).toMatch(/stopped while waiting \(shutdown\)/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await calls(c.node(2), 'cluster|saveconfig')).toBe(before);
  });
});
