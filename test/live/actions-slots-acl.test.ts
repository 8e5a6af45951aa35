/**
 * The slot actions with least-privilege ACL users on a real cluster, exactly as the README lists them:
 * fix-coverage with the assigning permissions; a reshard whose user lacks +migrate stops with NOPERM and
 * says which slots it left open, fix-open-slot (with the moving permissions) closes them, and the reshard
 * then succeeds; every key stays readable. (MIGRATE logs in to the target as the same user and sends SELECT
 * there: without +select on the target its RESTOREs still land while the source keeps its copies.)
 * fix-coverage --discard-dead-owner-data needs the transaction permissions (without +cluster|bumpepoch it
 * stops with NOPERM and changes nothing), and fix-open-slot after a source failover needs +config|set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan, planAction } from '../../src/actions/service.ts';
import type { Plan } from '../../src/actions/types.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { waitFlagged, waitState } from '../../src/devcluster/scenario-waits.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { calls, setAclUsers } from './action-helpers.ts';
import { migrationWithFailedSource } from './slot-helpers.ts';

/** The ACLs the README's "Fixing" section lists for the slot actions (one place, so the test proves the text). */
const DIAGNOSIS_ACL =
  '-@all +ping +info +dbsize +config|get +cluster|nodes +cluster|info +cluster|countkeysinslot +function|list';
const EXECUTOR_ACL = '-@all +ping +info +cluster|nodes';
const ASSIGN_ACL = '+cluster|addslotsrange +cluster|addslots +cluster|setslot';
const MOVE_ACL =
  '~* +cluster|setslot +cluster|getkeysinslot +cluster|countkeysinslot +migrate +restore-asking +select +exists';
const TAKEOVER_ACL = '+multi +exec +discard +cluster|delslotsrange +cluster|delslots +cluster|bumpepoch';

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

describe('the slot actions the ACL test covers last', () => {
  it('fix-coverage --discard-dead-owner-data: NOPERM without +cluster|bumpepoch, nothing changed; runs with the listed ACL', async () => {
    const d = await startCluster({
      password: 'admin-pw',
      aclUser: 'admin',
      nodeTimeoutMs: 1500,
      label: 'act-acl-dead',
      nodes: [
        { role: 'master' },
        { role: 'master' },
        { role: 'master' },
        { role: 'replica', of: 1 },
        { role: 'replica', of: 2 },
      ],
    });
    try {
      await setAclUsers(d, [
        ['diag', 'diag-pw', DIAGNOSIS_ACL],
        ['slots', 'slots-pw', `${EXECUTOR_ACL} ${ASSIGN_ACL} ${TAKEOVER_ACL}`],
        [
          'denied',
          'nomig-pw',
          `${EXECUTOR_ACL} ${ASSIGN_ACL} ${TAKEOVER_ACL.replace(' +cluster|bumpepoch', '')}`,
        ],
      ]);
      const [dead, b] = [d.node(0), d.node(1)];
      const keys = await writeKeys(d, b, 10);
      await d.kill(dead);
      await waitFlagged(d, dead, 'fail');
      await waitState(d, 'fail');
      const cfg = (user: string, env: string) => ({ ...config(user, env), seeds: [b.address] });
      const r = await planAction(
        cfg('slots', 'SLOTS_PW'),
        'fix-coverage',
        { allow: ['discard-dead-owner-data'] },
        opts,
      );
      if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
      const denied = await executePlan(cfg('denied', 'NOMIG_PW'), r.plan, opts);
      expect(denied.outcome).toBe('failed');
      expect(denied.code).toBe('ACTION_NOPERM');
      expect(denied.message).toMatch(/CLUSTER BUMPEPOCH: NOPERM/);
      for (const n of [b, d.node(2)]) expect(await calls(d, n, 'exec')).toBe(0);
      const ok = await executePlan(cfg('slots', 'SLOTS_PW'), r.plan, opts);
      expect(ok.outcome, ok.message).toBe('succeeded');
      expect(ok.after?.state).toBe('ok');
      expect((await readKeys(d, keys)).missing).toEqual([]);
    } finally {
      await d.stop();
    }
  }, 120_000);

  it('fix-open-slot after a source failover: NOPERM without +config|set, nothing changed; runs with it', async () => {
    const d = await startCluster({
      masters: 3,
      replicasPerMaster: 1,
      password: 'admin-pw',
      aclUser: 'admin',
      nodeTimeoutMs: 1500,
      label: 'act-acl-heir',
    });
    try {
      await setAclUsers(d, [
        ['diag', 'diag-pw', DIAGNOSIS_ACL],
        ['slots', 'slots-pw', `${EXECUTOR_ACL} ${MOVE_ACL} +config|set`],
        ['denied', 'nomig-pw', `${EXECUTOR_ACL} ${MOVE_ACL}`],
      ]);
      const { target, keys } = await migrationWithFailedSource(d, ['AUTH2', 'admin', 'admin-pw']);
      const cfg = (user: string, env: string) => ({ ...config(user, env), seeds: [target.address] });
      const r = await planAction(cfg('slots', 'SLOTS_PW'), 'fix-open-slot', {}, opts);
      if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
      expect(r.plan.steps[0]?.display[0]).toContain('CONFIG SET cluster-require-full-coverage no');
      const denied = await executePlan(cfg('denied', 'NOMIG_PW'), r.plan, opts);
      expect(denied.outcome).toBe('failed');
      expect(denied.code).toBe('ACTION_NOPERM');
      expect(denied.message).toMatch(/CONFIG SET: NOPERM/);
      expect(denied.stepsDone).toBe(0);
      const ok = await executePlan(cfg('slots', 'SLOTS_PW'), r.plan, opts);
      expect(ok.outcome, ok.message).toBe('succeeded');
      for (const k of keys) expect(await d.cli(target, 'GET', k)).toBe(`value-of-${k}`);
    } finally {
      await d.stop();
    }
  }, 120_000);
});
