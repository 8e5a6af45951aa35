/**
 * Bus links seen from several views: a node that answers for itself, is flagged by nobody, yet every
 * peer shows `disconnected` with a ping pending, cannot be reached on its cluster bus port
 * (BUS_PORT_UNREACHABLE from views; the live probe reports the same from a TCP check).
 */
import type { RuleContext } from '../context.ts';
import { describe, finding } from '../finding.ts';
import type { Finding } from '../types.ts';

const MIN_PENDING_MS = 1000;

/** Links rule family: BUS_PORT_UNREACHABLE inferred from two or more peer views. */
export function linksRule(ctx: RuleContext): Finding[] {
  const { model, snapshot } = ctx;
  const stuck = new Map<string, { observer: string; raw: string; since: number }[]>();
  for (const obs of snapshot.observations) {
    const lines = obs.nodes?.nodes ?? [];
    let observer: string | undefined; // looked up once, and only for a view with a stuck link
    for (const l of lines) {
      // Cheapest tests first: almost every line is connected.
      if (l.link !== 'disconnected' || l.pingSent <= 0 || l.flags.includes('myself')) continue;
      if (l.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'handshake' || f === 'noaddr')) continue;
      const node = model.byId.get(l.id) ?? model.nodes.find((n) => n.id.startsWith(l.id));
      if (!node) continue;
      if (observer === undefined) {
        const self = lines.find((x) => x.flags.includes('myself'));
        observer = model.byId.get(self?.id ?? '')?.label ?? obs.address;
      }
      const ref = { observer, raw: l.raw, since: l.pingSent };
      const list = stuck.get(node.id);
      if (list) list.push(ref);
      else stuck.set(node.id, [ref]);
    }
  }
  const out: Finding[] = [];
  for (const [id, refs] of stuck) {
    const n = model.byId.get(id);
    if (!n?.selfSeen || n.failBy.length > 0 || n.pfailBy.length > 0 || n.observation?.busPort) continue;
    const observers = new Set(refs.map((r) => r.observer));
    if (observers.size < 2 || observers.size * 2 < n.seenBy.length) continue;
    let oldest = Number.POSITIVE_INFINITY;
    for (const r of refs) oldest = Math.min(oldest, r.since);
    if (model.clockMs > 0 && model.clockMs - oldest < MIN_PENDING_MS) continue;
    const age = model.clockMs > 0 ? ` for about ${Math.round((model.clockMs - oldest) / 100) / 10} s` : '';
    out.push(
      finding(
        'BUS_PORT_UNREACHABLE',
        'warning',
        `Peers cannot open a cluster-bus link to ${describe(n)}: ${observers.size} of ${n.seenBy.length} views show it disconnected with a ping pending${age}, ` +
          `yet it answers and nobody flags it. Its bus port ${n.cport ?? n.port + 10000} is probably blocked (firewall) or announced wrongly (cluster-announce-bus-port).`,
        [n.label],
        '',
        refs.map((r) => `${r.observer}: ${r.raw}`),
      ),
    );
  }
  return out;
}
