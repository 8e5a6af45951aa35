/**
 * What the live probe (or redis-cli check) could not do: NODE_UNREACHABLE, NODE_AUTH_FAILED, NODE_TLS_FAILED, NODE_LOADING,
 * NODE_NOT_CLUSTER, BUS_PORT_UNREACHABLE.
 */
import { splitAddress } from '../../cluster/model-check.ts';
import type { ModelNode } from '../../cluster/model-types.ts';
import type { NodeObservation } from '../../cluster/types.ts';
import type { RuleContext } from '../context.ts';
import { describe, finding } from '../finding.ts';
import { peerWatch, watchEvidence, watchText } from '../peer-watch.ts';
import type { Finding } from '../types.ts';

/** The node the model filed the observation under (by the id the node reported, else by address). */
function nodeFor(ctx: RuleContext, obs: NodeObservation): ModelNode | undefined {
  const id = ctx.model.observedNode.get(obs);
  return id ? ctx.model.byId.get(id) : undefined;
}

/** A node that answered at another address while some views still list it at `address`. */
function movedFrom(ctx: RuleContext, address: string): ModelNode | undefined {
  return ctx.model.nodes.find((n) => n.selfSeen && n.label !== address && n.addressesSeen.includes(address));
}

function isOwner(n: ModelNode | undefined): boolean {
  return !!n && n.role !== 'replica' && n.slotCount > 0;
}

function unreachable(ctx: RuleContext, obs: NodeObservation, noneAnswered: boolean): Finding {
  const n = nodeFor(ctx, obs);
  const kind = obs.error?.kind;
  const moved = n ? undefined : movedFrom(ctx, obs.address);
  if (moved) return oldAddressFinding(obs, moved);
  const what = n ? describe(n) : obs.address;
  const why =
    kind === 'refused'
      ? 'the connection was refused: nothing listens there (process down or wrong port)'
      : 'it did not answer in time: frozen (SIGSTOP, swapping, long command), overloaded, or the network drops packets';
  const vouched = !!n && n.okBy.length > 0 && n.failBy.length === 0 && n.pfailBy.length === 0;
  const evidence = [`${obs.address}: ${kind}: ${obs.error?.message ?? ''}`.trim()];
  let tail = '';
  if (n && vouched) {
    const w = peerWatch(ctx, n);
    const seen = watchText(w);
    tail =
      ` Its peers do not flag it yet: ${n.okBy.length} ${n.okBy.length === 1 ? 'view lists' : 'views list'} it healthy${seen ? `; ${seen}` : ''}. ` +
      (w.peersLosing
        ? 'They cannot reach it either, so failure detection is most likely under way (it takes cluster-node-timeout).'
        : 'Either failure detection is still in progress (it takes cluster-node-timeout), or only the path between redis-runbook and the node is broken (firewall, NAT, wrong address).');
    evidence.push(...watchEvidence(w));
  }
  // A slot owner that does not answer may leave its slots unserved, whatever its peers still think.
  const severity = isOwner(n) || noneAnswered ? 'critical' : 'warning';
  return finding(
    'NODE_UNREACHABLE',
    severity,
    `${what} could not be probed: ${why}.${tail}`,
    [n?.label ?? obs.address],
    isOwner(n) ? n!.slots : [],
    evidence,
  );
}

/** Nothing answers at an address a node left: a fact about the address, not about the node. */
function oldAddressFinding(obs: NodeObservation, moved: ModelNode): Finding {
  return finding(
    'NODE_UNREACHABLE',
    'info',
    `Nothing answers at ${obs.address} (${obs.error?.kind === 'refused' ? 'connection refused' : 'no reply in time'}), where some views still list node ${moved.id.slice(0, 8)}…; ` +
      `that node answers for itself as ${describe(moved)}, so this is an old address its peers still hold, not a failure of the node.`,
    [obs.address],
    '',
    [
      `${obs.address}: ${obs.error?.kind}: ${obs.error?.message ?? ''}`.trim(),
      `${moved.id} answered at ${moved.label}`,
    ],
  );
}

function probeErrorFinding(ctx: RuleContext, obs: NodeObservation, noneAnswered: boolean): Finding | null {
  const err = obs.error;
  if (!err) return null;
  const n = nodeFor(ctx, obs);
  const label = n?.label ?? obs.address;
  const evidence = [`${obs.address}: ${err.kind}: ${err.message}`];
  switch (err.kind) {
    case 'timeout':
    case 'refused':
      return unreachable(ctx, obs, noneAnswered);
    case 'auth':
      return finding(
        'NODE_AUTH_FAILED',
        'warning',
        `${label} refused our credentials (${err.message}): its own view, replication state and settings are missing from this diagnosis.`,
        [label],
        '',
        evidence,
      );
    case 'tls':
      return finding(
        'NODE_TLS_FAILED',
        'warning',
        `${label} did not complete the TLS handshake with redis-runbook (${err.message}): its own view, replication state and settings are missing from this diagnosis.`,
        [label],
        '',
        evidence,
      );
    case 'loading':
      return finding(
        'NODE_LOADING',
        isOwner(n) ? 'critical' : 'warning',
        `${n ? describe(n) : label} is loading its dataset into memory and answers LOADING to every command until it finishes${isOwner(n) ? ': its slots are unavailable meanwhile' : ''}.`,
        [label],
        isOwner(n) ? n!.slots : [],
        evidence,
      );
    case 'not-cluster':
      return finding(
        'NODE_NOT_CLUSTER',
        'warning',
        `${label} is not running in cluster mode (cluster-enabled no): it is the wrong address, or it was restarted with another configuration.`,
        [label],
        '',
        evidence,
      );
    default:
      ctx.warn(`${label} answered with an error, so its view is missing: ${err.message}`);
      return null;
  }
}

/** Probe rule family: one finding per failed probe or closed bus port, plus redis-cli's connect errors. */
export function probeRule(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const live = ctx.snapshot.observations.filter((o) => o.source === 'live');
  const noneAnswered = live.length > 0 && live.every((o) => o.error);
  for (const obs of ctx.snapshot.observations) {
    const f = probeErrorFinding(ctx, obs, noneAnswered);
    if (f) out.push(f);
    if (!obs.error && obs.busPort && !obs.busPort.open) {
      const n = nodeFor(ctx, obs);
      out.push(
        finding(
          'BUS_PORT_UNREACHABLE',
          'warning',
          `${n ? describe(n) : obs.address} answers on its data port but its cluster bus port ${obs.busPort.port} does not accept connections: peers cannot ping it and will mark it failing.`,
          [n?.label ?? obs.address],
          '',
          [
            `${obs.address}: bus port ${obs.busPort.port} closed${obs.busPort.error ? `: ${obs.busPort.error}` : ''}`,
          ],
        ),
      );
    }
  }
  const probed = new Set(live.map((o) => o.address));
  for (const e of ctx.model.checkErrors) {
    if (probed.has(e.address)) continue;
    const addr = splitAddress(e.address);
    const n = ctx.model.nodes.find(
      (x) => x.label === e.address || (addr && x.ip === addr.ip && x.port === addr.port),
    );
    out.push(
      finding(
        'NODE_UNREACHABLE',
        isOwner(n) ? 'critical' : 'warning',
        `redis-cli could not connect to ${n ? describe(n) : e.address}; check leaves such nodes out of everything it reports.`,
        [n?.label ?? e.address],
        isOwner(n) ? n!.slots : [],
        [e.line],
      ),
    );
  }
  return out;
}
