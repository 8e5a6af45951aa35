/**
 * The slot actions with least-privilege ACL users on a real cluster, exactly as the README lists them:
 * fix-coverage with the assigning permissions; a reshard whose user lacks +migrate stops with NOPERM and
 * says which slots it left open, fix-open-slot (with the moving permissions) closes them, and the reshard
 * then succeeds; every key stays readable. (MIGRATE logs in to the target as the same user and sends SELECT
 * there: without +select on the target its RESTOREs still land while the source keeps its copies.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan, planAction } from '../../src/actions/service.ts';
import type { Plan } from '../../src/actions/types.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';

/** The ACLs the README's "Fixing" section lists for the slot actions (one place, so the test proves the text). */
const DIAGNOSIS_ACL =
  '-@all +ping +info +dbsize +config|get +cluster|nodes +cluster|info +cluster|countkeysinslot';
const EXECUTOR_ACL = '-@all +ping +info +cluster|nodes';
const ASSIGN_ACL = '+cluster|addslotsrange +cluster|addslots +cluster|setslot';
const MOVE_ACL =
  '~* +cluster|setslot +cluster|getkeysinslot +cluster|countkeysinslot +migrate +restore-asking +select +exists';

let c: DevCluster;
let keys: string[] = [];
beforeAll(async () => {
  const assignSlots = [
    [{ start: 0, end: 5460 }],
    [{ start: 5461, end: 10922 }],
    [{ start: 10923, end: 15999 }],
  ];
  c = await startCluster({
    masters: 3,
    assignSlots,
    password: 'admin-pw',
    aclUser: 'admin',
    label: 'act-slots-acl',
  });
  const users: [string, string, string][] = [
    ['diag', 'diag-pw', DIAGNOSIS_ACL],
    ['slots', 'slots-pw', `${EXECUTOR_ACL} ${ASSIGN_ACL} ${MOVE_ACL}`],
    ['no-migrate', 'nomig-pw', `${EXECUTOR_ACL} ${ASSIGN_ACL} ${MOVE_ACL.replace(' +migrate', '')}`],
  ];
  for (const n of c.nodes) {
    for (const [name, pw, acl] of users)
      await c.cli(n, 'ACL', 'SETUSER', name, 'reset', 'on', `>${pw}`, ...acl.split(' '));
  }
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

function config(user: string, env: string): ClusterConfig {
  return {
    name: 'slots-acl',
    seeds: [c.node(0).address],
    username: 'diag',
    passwordEnv: 'DIAG_PW',
    remediation: { username: user, passwordEnv: env },
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
}
const opts = {
  probe: { allowHost: isLoopbackHost, keyCount: { timeMs: 20_000 } },
  env: { DIAG_PW: 'diag-pw', SLOTS_PW: 'slots-pw', NOMIG_PW: 'nomig-pw' },
};
async function plan(cfg: ClusterConfig, action: string, params: ActionParams = {}): Promise<Plan> {
  const r = await planAction(cfg, action, params, opts);
  if ('refusal' in r) throw new Error(`${action} refused: ${r.refusal.reasons.join('; ')}`);
  return r.plan;
}

describe('slot actions with least-privilege users', () => {
  it('fix-coverage runs with the assigning permissions', async () => {
    const cfg = config('slots', 'SLOTS_PW');
    const p = await plan(cfg, 'fix-coverage');
    expect(p.steps[0]?.display[0]).toMatch(
      /^REDISCLI_AUTH="\$SLOTS_PW" redis-cli -h \S+ -p 7000 --user slots CLUSTER ADDSLOTSRANGE/,
    );
    const r = await executePlan(cfg, p, opts);
    expect(r.outcome, r.message).toBe('succeeded');
    keys = await loadKeys(c, 'acl', 3000);
  }, 60_000);

  it('without +migrate the reshard stops with NOPERM naming the open slots; fix-open-slot rolls them back', async () => {
    const denied = config('no-migrate', 'NOMIG_PW');
    const p = await plan(denied, 'reshard', { from: c.node(0).address, to: c.node(1).address, slots: 100 });
    const failed = await executePlan(denied, p, opts);
    expect(failed.outcome).toBe('failed');
    expect(failed.code).toBe('ACTION_NOPERM');
    expect(failed.message).toMatch(/MIGRATE: NOPERM/);
    expect(failed.message).toContain('The source refused it: no key of that batch moved.');
    expect(failed.message).toMatch(/left open: slot \d+: IMPORTING on .* MIGRATING on/);
    expect(failed.message).not.toMatch(/nomig-pw|slots-pw/);
    const fix = await plan(config('slots', 'SLOTS_PW'), 'fix-open-slot');
    // No key reached the target: the slots are rolled back (SETSLOT STABLE), the keys stay where they are.
    expect(fix.summary).toMatch(/: roll back \(no key reached the target\)$/);
    const fixed = await executePlan(config('slots', 'SLOTS_PW'), fix, opts);
    expect(fixed.outcome, fixed.message).toBe('succeeded');
    expect((await readKeys(c, keys)).missing).toEqual([]);
  }, 90_000);

  it('with the moving permissions the reshard succeeds and every key stays readable', async () => {
    const cfg = config('slots', 'SLOTS_PW');
    const p = await plan(cfg, 'reshard', { from: c.node(0).address, to: c.node(1).address, slots: 100 });
    expect(p.steps[0]?.display.join('\n')).toContain('AUTH2 slots "$SLOTS_PW" KEYS');
    const r = await executePlan(cfg, p, opts);
    expect(r.outcome, r.message).toBe('succeeded');
    expect((await readKeys(c, keys)).missing).toEqual([]);
  }, 90_000);
});
