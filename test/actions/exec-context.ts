/**
 * Test helper: an ExecContext for running one step runner on its own, over the run's real SessionPool
 * (remediation credentials, the one reply classifier) on a dev cluster; records every event and the name
 * of every command sent, pipelined ones included ("address CMD SUB", arguments left out).
 */
import type { ExecContext, NodeSession } from '../../src/actions/execute/context.ts';
import { SessionPool } from '../../src/actions/execute/session.ts';
import type { ExecutionEvent, NodeRef } from '../../src/actions/types.ts';
import type { DevCluster, DevNode } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { configOf, PW_ENV } from '../live/action-helpers.ts';

export interface TestExec {
  ctx: ExecContext;
  events: ExecutionEvent[];
  sent: string[];
  abort: AbortController;
  close(): void;
}

/** A NodeRef for a dev node. */
export function refOf(n: DevNode): NodeRef {
  return { id: n.id, address: n.address };
}

/** An ExecContext on `c`. */
export function testExec(c: DevCluster, stepIndex = 0): TestExec {
  const env = c.auth.password ? { [PW_ENV]: c.auth.password } : {};
  const pool = new SessionPool(configOf(c), { allowHost: isLoopbackHost, env });
  pool.know(c.nodes.map((n) => n.address));
  const events: ExecutionEvent[] = [];
  const sent: string[] = [];
  const abort = new AbortController();
  const note = (address: string, argv: readonly (string | number | Buffer)[]) => {
    const [cmd, sub] = argv.map(String);
    sent.push(`${address} ${cmd}${cmd === 'CLUSTER' ? ` ${sub}` : ''}`);
  };
  const record = (s: NodeSession): NodeSession => ({
    address: s.address,
    call: (argv, timeoutMs) => {
      note(s.address, argv);
      return s.call(argv, timeoutMs);
    },
    pipeline: (argvs, timeoutMs) => {
      for (const argv of argvs) note(s.address, argv);
      return s.pipeline!(argvs, timeoutMs);
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
