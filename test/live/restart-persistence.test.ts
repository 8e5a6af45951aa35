/**
 * What restart advice promises about keys, on real clusters: a master running without persistence (the
 * dev clusters' save "" and appendonly no) is told to come back EMPTY, and does; one with appendonly yes
 * is told it rejoins with the keys it persisted, and does; the probe reads both from CONFIG GET. Once the
 * master is dead its own settings cannot be read: the advice turns conditional and names what the nodes
 * that answered run. The root cause stays master-failed-no-replica either way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { waitFlagged } from '../../src/devcluster/scenario-waits.ts';
import { persistenceOf, restartOutcome } from '../../src/diagnose/persistence.ts';
import { runLive } from '../../src/runbooks/run.ts';
import { configOf, mustPlan, optsOf } from './action-helpers.ts';

const started: DevCluster[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
});

/** 3 masters, the 2nd and 3rd with a replica; `config` on every node. */
async function cluster(label: string, config: [string, string][] = []): Promise<DevCluster> {
  const c = await startCluster({
    nodes: [
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'replica', of: 1 },
      { role: 'replica', of: 2 },
    ],
    nodeTimeoutMs: 1000,
    label,
    config,
  });
  started.push(c);
  return c;
}

const diagnose = (c: DevCluster) => runLive(configOf(c), optsOf(c));

describe.each([
  { persists: false, config: [] as [string, string][], how: 'save "", appendonly no' },
  // appendfsync always: with everysec a write can wait up to 2 s for a busy fsync, and SIGKILL loses it
  {
    persists: true,
    config: [
      ['appendonly', 'yes'],
      ['appendfsync', 'always'],
    ] as [string, string][],
    how: 'appendonly yes',
  },
])('a master without replica, persistence $how', ({ persists, config }) => {
  it('the advice says what a restart brings back, and the restart does exactly that', async () => {
    const c = await cluster(persists ? 'restart-aof' : 'restart-nosave', config);
    const victim = c.node(0);
    const keys = await writeKeys(c, victim, 5);

    // Alive: the probe read its settings.
    const up = await diagnose(c);
    const model = buildModel(up.snapshot);
    const node = model.nodes.find((n) => n.label === victim.address)!;
    expect(persistenceOf(model, node).own).toBe(persists ? 'on' : 'off');
    const said = restartOutcome(model, node);
    if (persists) {
      expect(said).toMatch(/^it rejoins with slots 0-\d+ and the keys it persisted \(appendonly yes\)/);
      expect(said).not.toContain('EMPTY');
    } else {
      expect(said).toMatch(
        /runs without persistence \(save "", appendonly no, read by the probe\), so a restart comes back EMPTY/,
      );
      expect(said).not.toMatch(/rejoins with .* keys/);
    }

    // Dead: its own settings are out of reach; the advice is conditional and names what the others run.
    await c.kill(victim);
    await waitFlagged(c, victim, 'fail');
    const down = (await diagnose(c)).diagnosis;
    expect(down.rootCauses[0]?.code).toBe('master-failed-no-replica');
    const restart = down.rootCauses[0]!.actions.find((a) => a.action === 'restart-node')!;
    expect(restart.why).toContain('and its keys only if it persisted them (RDB or AOF)');
    if (persists) expect(restart.why).not.toContain('run without persistence');
    else
      expect(restart.why).toContain(
        'all 4 other nodes whose settings were read run without persistence (save "", appendonly no): if it runs like them, it comes back EMPTY',
      );
    const { plan } = await mustPlan(c, 'restart-node', { node: victim.address });
    expect(plan.risks.map((r) => r.kind)).toEqual(['data-loss']);
    expect(plan.advice?.join(' ')).toContain('only if it persisted them');

    // The restart itself: keys back with appendonly yes, none without persistence.
    await c.restart(victim);
    const dbsize = Number(await c.cli(victim, 'DBSIZE'));
    expect(dbsize).toBe(persists ? keys.length : 0);
  }, 60_000);
});
