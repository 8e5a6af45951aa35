/**
 * Test helper: an ExecContext for running one step runner on its own, over the run's real SessionPool
 * (remediation credentials, the one reply classifier) on a dev cluster; records every event and the name
 * of every command sent ("address CMD SUB", arguments left out).
 */
import type { ExecContext, NodeSession } from '../../src/actions/execute/context.ts';
import { SessionPool } from '../../src/actions/execute/session.ts';
import type { ExecutionEvent, NodeRef } from '../../src/actions/types.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import type { DevCluster, DevNode } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';

export interface TestExec {
  ctx: ExecContext;
  events: ExecutionEvent[];
  sent: string[];
  abort: AbortController;
  close(): void;
}

const PW_ENV = 'ACTIONS_TEST_PW';

/** A NodeRef for a dev node. */
export function refOf(n: DevNode): NodeRef {
  return { id: n.id, address: n.address };
}

/** A registry entry for `c` (its first live node as seed, its credentials by env var). */
export function configOf(c: DevCluster, name = 'actions-test'): ClusterConfig {
  return {
    name,
    seeds: [c.live()[0]!.address],
    ...(c.auth.username ? { username: c.auth.username } : {}),
    ...(c.auth.password ? { passwordEnv: PW_ENV } : {}),
    timeouts: { connectMs: 1000, commandMs: 1500, nodeDeadlineMs: 2500 },
  };
}

/** The environment holding `c`'s password for configOf. */
export function envOf(c: DevCluster): NodeJS.ProcessEnv {
  return c.auth.password ? { [PW_ENV]: c.auth.password } : {};
}

/** An ExecContext on `c`. */
export function testExec(c: DevCluster, stepIndex = 0): TestExec {
  const pool = new SessionPool(configOf(c), { allowHost: isLoopbackHost, env: envOf(c) });
  pool.know(c.nodes.map((n) => n.address));
  const events: ExecutionEvent[] = [];
  const sent: string[] = [];
  const abort = new AbortController();
  const record = (s: NodeSession): NodeSession => ({
    address: s.address,
    call: (argv, timeoutMs) => {
      const [cmd, sub] = argv.map(String);
      sent.push(`${s.address} ${cmd}${cmd === 'CLUSTER' ? ` ${sub}` : ''}`);
      return s.call(argv, timeoutMs);
    },
  });
  const ctx: ExecContext = {
    session: async (node) => record(await pool.session(node)),
    reachableSessions: async () => (await pool.reachableSessions()).map(record),
    emit: async (e) => {
      events.push(e);
    },
    stepIndex,
    migrateAuth: pool.migrateAuth,
    signal: abort.signal,
  };
  return { ctx, events, sent, abort, close: () => pool.close() };
}
