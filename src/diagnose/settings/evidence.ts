/**
 * Evidence that a node runs behind NAT or in a container, from what the probe really saw: the address
 * it was reached at differs from the one it announces (strong: the registry's natMap or a port mapping
 * sits between), or it runs as PID 1 or announces Docker's default bridge address (weak: a container,
 * but the clients may share its network). Pure; null when there is no such evidence.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { parseNodeAddress } from '../../cluster/parse-address.ts';

/** Why a node looks NAT-ed or containerised, and how sure that is. */
export interface AnnounceEvidence {
  strong: boolean;
  /** A clause for the finding ("but it is reached at ..."). */
  why: string;
  evidence: string[];
}

const IP_LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/** Why `node` looks like it runs behind NAT or in a container, or null. */
export function announceEvidence(node: ModelNode): AnnounceEvidence | null {
  const obs = node.observation;
  if (!obs) return null;
  const contacted = obs.contactedAddress ? parseNodeAddress(obs.contactedAddress) : null;
  if (
    contacted &&
    IP_LITERAL.test(contacted.ip) &&
    (contacted.ip !== node.ip || contacted.port !== node.port)
  ) {
    return {
      strong: true,
      why: `but redis-runbook reaches it at ${obs.contactedAddress} (the registry's natMap or seed list): a NAT or port mapping sits between`,
      evidence: [`announced ${node.label}, reached at ${obs.contactedAddress}`],
    };
  }
  const weak: string[] = [];
  if (obs.server?.process_id === '1') weak.push('it runs as PID 1, as in a container');
  if (/^172\.17\.\d{1,3}\.\d{1,3}$/.test(node.ip))
    weak.push(`${node.ip} is in Docker's default bridge network`);
  if (weak.length === 0) return null;
  return {
    strong: false,
    why: `and ${weak.join(' and ')}`,
    evidence: weak.map((w) => `${node.label}: ${w}`),
  };
}
