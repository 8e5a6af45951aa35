/** Bounded waits the break scenarios share: flags, cluster state, promotion, and "never flagged". */
import type { DevCluster } from './cluster.ts';
import { allState, flaggedByAll, notFlagged, promoted } from './conditions.ts';
import { DevClusterError } from './errors.ts';
import type { DevNode } from './node.ts';
import { sleep } from './wait.ts';

/** How long a scenario waits for Redis to flag, fail over or change state. */
export const FAIL_WAIT = 20_000;

/** Waits until every other live node flags `node` with `flag`; DEVCLUSTER_TIMEOUT after FAIL_WAIT. */
export async function waitFlagged(c: DevCluster, node: DevNode, flag: 'fail' | 'fail?'): Promise<void> {
  await c.waitFor(() => flaggedByAll(c, node, flag), {
    what: `${node.address} flagged ${flag}`,
    timeoutMs: FAIL_WAIT,
  });
}

/** Waits until every live node (or every one of `nodes`) reports cluster_state `state`. */
export async function waitState(c: DevCluster, state: 'ok' | 'fail', nodes?: DevNode[]): Promise<void> {
  await c.waitFor(() => allState(c, state, nodes), { what: `cluster_state:${state}`, timeoutMs: FAIL_WAIT });
}

/** Waits until `replica` is a master owning slots in its own view and in every live node's. */
export async function waitPromoted(c: DevCluster, replica: DevNode): Promise<void> {
  await c.waitFor(() => promoted(c, replica), { what: `${replica.address} promoted`, timeoutMs: FAIL_WAIT });
}

/**
 * Waits two node timeouts, then throws DEVCLUSTER_STATE if any peer flags `node` fail or fail?: for breaks
 * that must leave the node reachable in the cluster's eyes.
 */
export async function assertNotFlagged(c: DevCluster, node: DevNode): Promise<void> {
  await sleep(2 * c.nodeTimeoutMs);
  if (!(await notFlagged(c, node.id)))
    throw new DevClusterError('DEVCLUSTER_STATE', `${node.address} got flagged fail/fail?`);
}
