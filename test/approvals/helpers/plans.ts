/** Plans and configs for approvals tests: plain data shaped like the planners' output. Test-only. */
import type { Plan } from '../../../src/actions/types.ts';
import type { ActionName, DangerousOption } from '../../../src/diagnose/types.ts';

/** A small mutating plan on `cluster` (one command step) with a fixed fingerprint. */
export function testPlan(
  cluster: string,
  opts: { action?: ActionName; dangerous?: DangerousOption[]; fingerprint?: string; steps?: number } = {},
): Plan {
  const steps = Array.from({ length: opts.steps ?? 1 }, (_, i) => ({
    id: `s${i + 1}`,
    kind: 'command' as const,
    title: `step ${i + 1}`,
    display: [`redis-cli -h 127.0.0.1 -p 7000 CLUSTER FAILOVER # ${i + 1}`],
    node: { id: null, address: '127.0.0.1:7000' },
    argv: ['CLUSTER', 'FAILOVER'],
  }));
  return {
    version: 1,
    action: opts.action ?? 'failover',
    cluster,
    params: { node: '127.0.0.1:7000' },
    summary: `Promote 127.0.0.1:7000 on ${cluster}`,
    steps,
    preconditions: ['127.0.0.1:7000 is a replica'],
    risks: [{ kind: 'availability', text: 'writes pause for about a second' }],
    expected: ['127.0.0.1:7000 is a master'],
    fixes: ['master-failed-no-replica'],
    fingerprint: opts.fingerprint ?? 'f'.repeat(64),
    createdAt: new Date().toISOString(),
    mutates: true,
    dangerous: opts.dangerous ?? [],
  };
}

/** Access rules used across the approvals tests: ALICE requests, BOB and CAROL approve, in COPS. */
export const ACCESS = {
  channels: { COPS: ['prod', 'dev'], COTHER: ['dev'] },
  groups: { oncall: ['UALICE', 'UDAVE'], leads: ['UBOB', 'UCAROL'] },
  permissions: { diagnose: ['*'], request: ['@oncall', 'UBOB'], approve: ['@leads'] },
};
