/**
 * del-node with least-privilege credentials on a real cluster: a remediation user granted exactly the ACL
 * the README lists for it removes a master with keys (slots, keys, replica re-pointed, forgotten, reset);
 * a user without +cluster|reset stops at the reset with a clear NOPERM, the FORGET already done, and the
 * message says what is left to do by hand. Diagnosis runs as a separate read-only user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan, planAction } from '../../src/actions/service.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { aclConfig, setAclUsers } from './action-helpers.ts';

/** The ACLs the README lists (one place, so the test proves the text). */
const DIAGNOSIS_ACL =
  '-@all +ping +info +dbsize +config|get +cluster|nodes +cluster|info +cluster|countkeysinslot +function|list';
const DEL_NODE_ACL =
  '-@all +ping +info +cluster|nodes +cluster|setslot +cluster|getkeysinslot +cluster|countkeysinslot +migrate +restore-asking +select +exists +cluster|replicate +cluster|forget +cluster|reset ~*';

let c: DevCluster;
let keys: string[] = [];
beforeAll(async () => {
  c = await startCluster({
    nodeTimeoutMs: 1000,
    password: 'admin-pw',
    aclUser: 'admin',
    label: 'act-delnode-acl',
    nodes: [
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'replica', of: 0 },
      { role: 'replica', of: 1 },
    ],
  });
  const users: [string, string, string][] = [
    ['diag', 'diag-pw', DIAGNOSIS_ACL],
    ['remover', 'rm-pw', DEL_NODE_ACL],
    ['remover-no-reset', 'nr-pw', DEL_NODE_ACL.replace(' +cluster|reset', '')],
  ];
  await setAclUsers(c, users);
  keys = await loadKeys(c, 'acl', 3000);
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

const config = (user: string, env: string) => aclConfig(c.node(2), user, env);
const opts = {
  probe: { allowHost: isLoopbackHost },
  env: { DIAG_PW: 'diag-pw', RM_PW: 'rm-pw', NR_PW: 'nr-pw' },
};

async function apply(cfg: ClusterConfig, params: ActionParams) {
  const r = await planAction(cfg, 'del-node', params, opts);
  if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
  return { plan: r.plan, result: await executePlan(cfg, r.plan, opts) };
}

describe('del-node with least-privilege users', () => {
  it('without +cluster|reset: NOPERM at the reset, the node already forgotten, said clearly', async () => {
    const r4 = c.node(4);
    const { result } = await apply(config('remover-no-reset', 'NR_PW'), {
      node: r4.address,
      allow: ['allow-no-replica'],
    });
    expect(result.outcome).toBe('failed');
    expect(result.code).toBe('ACTION_NOPERM');
    expect(result.failedStep).toBe(3);
    expect(result.message).toMatch(
      /CLUSTER RESET: NOPERM .*cluster\|reset.*remediation user lacks this permission/,
    );
    expect(JSON.stringify(result)).not.toMatch(/nr-pw|diag-pw|admin-pw/);
    for (const n of c.nodes.filter((x) => x !== r4))
      expect((await c.view(n)).map((x) => x.id)).not.toContain(r4.id);
    await c.kill(r4);
  }, 60_000);

  it('with the README ACL: a master with keys removed, its replica re-pointed, every key readable', async () => {
    const [m0, r3] = [c.node(0), c.node(3)];
    const { plan, result } = await apply(config('remover', 'RM_PW'), { node: m0.address });
    expect(plan.steps.some((s) => s.kind === 'command' && s.argv[1] === 'REPLICATE')).toBe(true);
    expect(plan.steps[0]!.display.join('\n')).toContain('AUTH2 remover "$RM_PW" KEYS');
    expect(result.outcome, result.message).toBe('succeeded');
    expect((await readKeys(c, keys)).missing).toEqual([]);
    expect((await c.view(m0)).map((x) => x.id)).toEqual([m0.id]);
    expect((await c.info(r3))['master_link_status']).toBe('up');
  }, 120_000);
});
