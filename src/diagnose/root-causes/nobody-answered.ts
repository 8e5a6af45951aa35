/**
 * A live probe where no node answered: nothing comes from the cluster itself, so the cause is
 * 'undetermined' by nature. Says what each address did (refused, timed out, rejected our credentials)
 * and what to check first, instead of listing unexplained findings.
 */
import type { NodeObservation, ProbeErrorKind } from '../../cluster/types.ts';
import { listLabels, plural } from '../finding.ts';
import type { RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const WHAT: Record<ProbeErrorKind, string> = {
  refused: 'refused the connection (nothing listens there)',
  timeout: 'did not answer in time (frozen, overloaded, or traffic dropped on the way)',
  auth: 'rejected our credentials',
  tls: 'refused our TLS handshake',
  loading: 'is still loading its dataset',
  'not-cluster': 'is not running in cluster mode',
  error: 'answered with an error',
};

/** The live observations when every one of them failed; null otherwise (or for pastes). */
export function allFailed(ctx: Pick<CauseContext, 'snapshot'>): NodeObservation[] | null {
  const live = ctx.snapshot.observations.filter((o) => o.source === 'live');
  if (ctx.snapshot.source !== 'live' || live.length === 0 || !live.every((o) => o.error)) return null;
  return live;
}

function detect(ctx: CauseContext): RootCause[] {
  const failed = allFailed(ctx);
  if (!failed) return [];
  const byKind = new Map<ProbeErrorKind, string[]>();
  for (const o of failed) {
    const kind = o.error!.kind;
    byKind.set(kind, [...(byKind.get(kind) ?? []), o.address]);
  }
  const parts = [...byKind.entries()].map(([k, addrs]) => `${listLabels(addrs)} ${WHAT[k]}`);
  const kinds = new Set(byKind.keys());
  const credentials = [...kinds].every((k) => k === 'auth' || k === 'tls');
  const checks: string[] = [];
  if (kinds.has('refused') || kinds.has('timeout')) {
    checks.push(
      `from the redis-runbook host, redis-cli -h <host> -p <port> PING each address (${listLabels(failed.map((o) => o.address))})`,
      'whether the redis-server processes run (systemctl status, ps, kubectl get pods -o wide) and on which addresses they run now: if the nodes moved (pods rescheduled, new IPs), update the seeds in the registry',
      'firewalls, security groups and NAT between redis-runbook and the data ports',
    );
  }
  if (kinds.has('timeout'))
    checks.push('frozen processes (ps state T: kill -CONT resumes them), host load and swap');
  if (kinds.has('auth'))
    checks.push(
      "the user and password redis-runbook used against the node's ACL (--user and --password-env with a host:port; username and passwordEnv for a registered cluster)",
    );
  if (kinds.has('tls'))
    checks.push(
      "the registry entry's tls settings against the nodes' (tls.ca signs the node certificates, tls.servername is a name in them, tls.cert/tls.key when the nodes require client certificates)",
    );
  if (kinds.has('not-cluster'))
    checks.push('that the seeds are cluster nodes (cluster-enabled yes), not another Redis');
  return [
    {
      code: 'undetermined',
      summary: credentials
        ? `No node let redis-runbook in: every address rejected our ${kinds.has('tls') ? 'TLS settings' : 'credentials'}${kinds.has('tls') && kinds.has('auth') ? ' or credentials' : ''}, so the cluster's state is unknown.`
        : `No node answered: ${plural(failed.length, 'address was', 'addresses were')} tried and none gave its view, so the cluster's state is unknown. It may be down entirely, or unreachable from redis-runbook.`,
      explanation:
        `${parts.join('; ')}. Nothing in this diagnosis comes from the cluster itself: whether the nodes are down, frozen, moved or only cut off from redis-runbook cannot be told from here. ` +
        `Check ${checks.map((c, i) => `(${i + 1}) ${c}`).join('; ')}. Then run the diagnosis again, or paste CLUSTER NODES from any node you can reach.`,
      nodes: failed.map((o) => o.address),
      slots: '',
      actions: [],
    },
  ];
}

export const nobodyAnswered: RootCauseDetector = {
  code: 'undetermined',
  rank: 99,
  explains: [
    'NODE_UNREACHABLE',
    'NODE_AUTH_FAILED',
    'NODE_TLS_FAILED',
    'NODE_LOADING',
    'NODE_NOT_CLUSTER',
    'BUS_PORT_UNREACHABLE',
  ],
  detect,
};
