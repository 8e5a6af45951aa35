/**
 * Test helper: an ExecContext over real connections to a dev cluster (createNodeClient, no stub), so
 * step runners can be run on their own; records every event. Errors become ActionErrors (BUSYKEY coded).
 */

import { ActionError } from '../../src/actions/errors.ts';
import type { ExecContext, NodeSession } from '../../src/actions/execute/context.ts';
import type { ExecutionEvent, NodeRef } from '../../src/actions/types.ts';
import type { DevCluster, DevNode } from '../../src/devcluster/index.ts';
import { createNodeClient, type NodeClient } from '../../src/diagnose/probe/connect.ts';
import { splitAddress } from '../../src/diagnose/probe/nat.ts';

export interface TestExec {
  ctx: ExecContext;
  events: ExecutionEvent[];
  /** Every command sent, as "address CMD SUB" (arguments left out). */
  sent: string[];
  abort: AbortController;
  close(): void;
}

/** A NodeRef for a dev node. */
export function refOf(n: DevNode): NodeRef {
  return { id: n.id, address: n.address };
}

/** An ExecContext on `c` with the cluster's credentials. */
export function testExec(c: DevCluster, stepIndex = 0): TestExec {
  const clients = new Map<string, NodeClient>();
  const events: ExecutionEvent[] = [];
  const sent: string[] = [];
  const abort = new AbortController();
  const settings = {
    ...(c.auth.username ? { username: c.auth.username } : {}),
    ...(c.auth.password ? { password: c.auth.password } : {}),
    connectMs: 1000,
    commandMs: 60_000,
    nodeDeadlineMs: 60_000,
  };
  const session = async (address: string): Promise<NodeSession> => {
    let nc = clients.get(address);
    if (!nc) {
      const hp = splitAddress(address)!;
      nc = createNodeClient(hp.host, hp.port, settings);
      clients.set(address, nc);
      await nc.client.connect();
    }
    const client = nc.client;
    return {
      address,
      call: async (argv) => {
        const [cmd, ...rest] = argv.map(String);
        sent.push(`${address} ${cmd} ${cmd === 'CLUSTER' ? rest[0] : ''}`.trim());
        try {
          return await client.call(cmd!, ...rest);
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          throw new ActionError(
            /BUSYKEY/.test(msg) ? 'ACTION_BUSYKEY' : 'ACTION_STEP_FAILED',
            `${address} ${cmd}: ${msg}`,
          );
        }
      },
    };
  };
  const migrateAuth = c.auth.password
    ? c.auth.username
      ? ['AUTH2', c.auth.username, c.auth.password]
      : ['AUTH', c.auth.password]
    : [];
  const ctx: ExecContext = {
    session: (node) => session(node.address),
    reachableSessions: async () => Promise.all(c.live().map((n) => session(n.address))),
    emit: async (e) => {
      events.push(e);
    },
    stepIndex,
    migrateAuth,
    signal: abort.signal,
  };
  return {
    ctx,
    events,
    sent,
    abort,
    close: () => {
      for (const nc of clients.values()) nc.client.disconnect();
    },
  };
}
