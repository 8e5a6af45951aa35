/** A forget plan must reach the replica that still follows the forgotten id, once it is promoted. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { scenarioLive, scenarioMeta } from './scenario-fixtures.ts';

describe('cluster-config-lost: forgetting the old id', () => {
  it('lists the FORGET for the replica that takes over too, or the old id would stay listed (noaddr)', () => {
    const d = diagnose(scenarioLive('config-lost'));
    const cause = d.rootCauses.find((c) => c.code === 'cluster-config-lost');
    const takeover = cause?.actions.find((a) => a.action === 'failover-force');
    const forget = cause?.actions.find((a) => a.action === 'forget-node');
    const promoted = takeover?.target.split(' ')[0] ?? '';
    expect(scenarioMeta('config-lost').nodes.map((n) => n.address)).toContain(promoted);
    const [host, port] = promoted.split(':');
    expect(forget?.why).toMatch(
      new RegExp(
        `once it is promoted.*redis-cli -h ${host?.replace(/\./g, '\\.')} -p ${port} CLUSTER FORGET`,
      ),
    );
  });
});
