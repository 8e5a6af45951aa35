/**
 * Least-privilege credentials on a real cluster: diagnosis works with a read-only ACL user; a failover
 * runs with a remediation user granted exactly what the README lists, and fails with a clear NOPERM
 * message (and runs nothing) with a user that lacks +cluster|failover. add-node copies the cluster's
 * functions with +function|list +function|dump +function|restore, and without them fails before the MEET.
 * Diagnosis and remediation use separate users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan, planAction } from '../../src/actions/service.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { aclConfig, calls, setAclUsers, waitCaughtUp } from './action-helpers.ts';

/** The ACLs the README's "Fixing" section lists (kept in one place so the test proves the text). */
const DIAGNOSIS_ACL =
  '-@all +ping +info +dbsize +config|get +cluster|nodes +cluster|info +cluster|countkeysinslot +function|list';
const FUNCTIONS_ACL = '+function|list +function|dump +function|restore';
const LIB = "#!lua name=acllib\nredis.register_function('aclget', function(keys) return 1 end)";
const EXECUTOR_ACL = '-@all +ping +info +cluster|nodes';

let c: DevCluster;
let spare: DevCluster;
beforeAll(async () => {
  const auth = { password: 'admin-pw', aclUser: 'admin', nodeTimeoutMs: 1000 };
  [c, spare] = await Promise.all([
    startCluster({ masters: 3, replicasPerMaster: 1, ...auth, label: 'act-acl' }),
    startCluster({ nodes: [{ role: 'master', slots: [] }], ...auth, label: 'act-acl-new' }),
  ]);
  const users: [string, string, string][] = [
    ['diag', 'diag-pw', DIAGNOSIS_ACL],
    [
      'fixer',
      'fix-pw',
      `${EXECUTOR_ACL} +cluster|failover +cluster|meet +cluster|replicate +cluster|forget ${FUNCTIONS_ACL}`,
    ],
    ['fixer-no-failover', 'nofail-pw', `${EXECUTOR_ACL} +cluster|meet +cluster|replicate +cluster|forget`],
  ];
  await setAclUsers(c, users);
  await setAclUsers(spare, users);
  for (const m of c.masters()) await c.cli(m, 'FUNCTION', 'LOAD', LIB);
}, 90_000);
afterAll(async () => {
  await Promise.all([c?.stop(), spare?.stop()]);
});

const config = (user: string, env: string) => aclConfig(c.node(0), user, env);
const opts = {
  probe: { allowHost: isLoopbackHost },
  env: { DIAG_PW: 'diag-pw', FIX_PW: 'fix-pw', NOFAIL_PW: 'nofail-pw' },
};

describe('least-privilege ACL users', () => {
  it('diagnosis sees every node with the read-only user; the plan shows the remediation user by name only', async () => {
    const r = await planAction(config('fixer', 'FIX_PW'), 'failover', { node: c.node(3).address }, opts);
    if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
    expect(r.diagnosis.visibility.nodesSeen).toBe(6);
    expect(r.diagnosis.findings.map((f) => f.code)).not.toContain('NODE_AUTH_FAILED');
    expect(r.diagnosis.rootCauses.map((x) => x.code)).toEqual(['healthy']);
    expect(r.plan.steps[0]?.display).toEqual([
      `REDISCLI_AUTH="$FIX_PW" redis-cli -h ${c.node(3).host} -p 7000 --user fixer CLUSTER FAILOVER`,
    ]);
    expect(JSON.stringify(r)).not.toMatch(/fix-pw|diag-pw/);
  });

  it('without +cluster|failover: NOPERM, said clearly, nothing ran; with it: the failover succeeds', async () => {
    await waitCaughtUp(c, c.node(3), c.node(0));
    const denied = await planAction(
      config('fixer-no-failover', 'NOFAIL_PW'),
      'failover',
      { node: c.node(3).address },
      opts,
    );
    if ('refusal' in denied) throw new Error(denied.refusal.reasons.join('; '));
    const failed = await executePlan(config('fixer-no-failover', 'NOFAIL_PW'), denied.plan, opts);
    expect(failed.outcome).toBe('failed');
    expect(failed.code).toBe('ACTION_NOPERM');
    expect(failed.message).toMatch(
      /CLUSTER FAILOVER: NOPERM .*cluster\|failover.*remediation user lacks this permission/,
    );
    expect(failed.message).not.toMatch(/nofail-pw/);
    expect(await calls(c, c.node(3), 'cluster|failover')).toBe(0);
    expect((await c.info(c.node(3)))['role']).toBe('slave');
    const ok = await executePlan(config('fixer', 'FIX_PW'), denied.plan, opts);
    expect(ok.outcome, ok.message).toBe('succeeded');
    expect(await calls(c, c.node(3), 'cluster|failover')).toBe(1);
  }, 60_000);

  it('add-node: without +function|list the copy fails before the MEET; with the function ACLs it copies them', async () => {
    const n = spare.node(0);
    const r = await planAction(
      config('fixer-no-failover', 'NOFAIL_PW'),
      'add-node',
      { node: n.address },
      opts,
    );
    if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
    const copy = r.plan.steps[0]!;
    expect(copy.kind === 'copy-functions' && copy.libraries).toEqual(['acllib']);
    const failed = await executePlan(config('fixer-no-failover', 'NOFAIL_PW'), r.plan, opts);
    expect(failed.outcome).toBe('failed');
    expect(failed.code).toBe('ACTION_NOPERM');
    expect(failed.message).toMatch(/FUNCTION LIST: NOPERM .*function\|list.*remediation user lacks/);
    expect(await calls(spare, n, 'cluster|meet')).toBe(0);
    const ok = await executePlan(config('fixer', 'FIX_PW'), r.plan, opts);
    expect(ok.outcome, ok.message).toBe('succeeded');
    expect(await spare.cli(n, 'FCALL', 'aclget', 0)).toBe('1');
  }, 60_000);
});
