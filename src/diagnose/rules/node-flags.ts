/** Flags the cluster itself printed: NODE_FAIL, NODE_PFAIL, NODE_HANDSHAKE, NODE_NOADDR. */
import type { ModelNode } from '../../cluster/model-types.ts';
import type { RuleContext } from '../context.ts';
import { describe, finding, lineEvidence, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

function flagged(n: ModelNode, flag: string): { observer: string; raw: string }[] {
  const re =
    flag === 'fail'
      ? /(^|[\s,])fail([\s,]|$)/
      : new RegExp(`(^|[\\s,])${flag.replace('?', '\\?')}([\\s,]|$)`);
  return n.flaggedLines.filter((l) => re.test(l.raw));
}

function failFinding(n: ModelNode): Finding {
  const owner = n.role !== 'replica' && n.slotCount > 0;
  const views = n.failBy.length + n.pfailBy.length + n.okBy.length;
  let impact: string;
  if (owner) impact = 'it still owns slots and nobody has taken them over';
  else if (n.role === 'replica') impact = 'its master has one replica fewer to fail over to';
  else if (n.slotsUnknown)
    impact = 'the paste does not show its slots, so whether clients are affected is unknown';
  else impact = 'it owns no slots, so clients are not affected directly';
  return finding(
    'NODE_FAIL',
    owner ? 'critical' : 'warning',
    `${describe(n)} is flagged fail by ${n.failBy.length} of ${views} views (${listLabels(n.failBy)}): ${impact}.`,
    [n.label],
    owner ? n.slots : [],
    lineEvidence(flagged(n, 'fail')),
  );
}

function pfailFinding(n: ModelNode): Finding {
  const views = n.pfailBy.length + n.okBy.length;
  return finding(
    'NODE_PFAIL',
    'warning',
    `${describe(n)} is flagged fail? (unreachable for longer than cluster-node-timeout) by ${n.pfailBy.length} of ${views} views (${listLabels(n.pfailBy)}); it becomes fail only when a majority of slot-owning masters agree.`,
    [n.label],
    n.role !== 'replica' ? n.slots : [],
    lineEvidence(flagged(n, 'fail?')),
  );
}

/** Node-flag rule family: one finding per node carrying fail, fail?, handshake or noaddr. */
export function nodeFlagsRule(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const n of ctx.model.nodes) {
    if (n.failBy.length > 0) out.push(failFinding(n));
    else if (n.pfailBy.length > 0) out.push(pfailFinding(n));
    if (n.handshakeBy.length > 0) {
      out.push(
        finding(
          'NODE_HANDSHAKE',
          'warning',
          `${n.label} is stuck in handshake in ${listLabels(n.handshakeBy)}'s view: a CLUSTER MEET never completed, usually because the address is wrong or the cluster bus port (${n.cport ?? 'port+10000'}) is not reachable.`,
          [n.label],
          '',
          lineEvidence(flagged(n, 'handshake')),
        ),
      );
    }
    if (n.noaddrBy.length > 0) {
      out.push(
        finding(
          'NODE_NOADDR',
          'warning',
          `${n.id} has no known address in ${listLabels(n.noaddrBy)}'s view (noaddr): nobody can reach it, and redis-cli skips it.`,
          [n.label],
          n.role !== 'replica' ? n.slots : [],
          lineEvidence(flagged(n, 'noaddr')),
        ),
      );
    }
  }
  return out;
}
