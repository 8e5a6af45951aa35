/**
 * What the peers' CLUSTER NODES lines say about a node we cannot reach but that nobody flags yet: how many
 * list it, how many have a ping to it pending (non-zero ping-sent) and since when, and how many show their
 * bus link to it down. That tells "failure detection still running" from "only our path to it is broken".
 */
import type { ModelNode } from '../cluster/model-types.ts';
import type { RuleContext } from './context.ts';
import { lineIndex, type PeerLine } from './identity.ts';

export interface PeerWatch {
  /** Peer lines about the node (handshake and noaddr entries left out). */
  lines: PeerLine[];
  /** Lines with a ping awaiting its pong (ping-sent > 0). */
  pending: PeerLine[];
  /** Lines whose bus link to it is disconnected. */
  disconnected: PeerLine[];
  /** Oldest pending ping-sent stamp (ms since epoch, the peers' clocks); null if none. */
  pendingSince: number | null;
  /** How long the oldest pending ping has waited, by the newest timestamp in the views (a lower bound). */
  waitingMs: number | null;
  /** How long since the latest pong any peer got from it, by the same clock; null if unknown. */
  silentMs: number | null;
  /**
   * The peers cannot reach it either: every bus link to it is down, or pings are pending while no peer
   * has had a pong from it for 2 s or more (pongs normally arrive within milliseconds).
   */
  peersLosing: boolean;
}

const SILENT_MS = 2000;

/** Reads the peers' ping-sent / pong-recv / link columns for `n`. */
export function peerWatch(ctx: Pick<RuleContext, 'snapshot' | 'model'>, n: ModelNode): PeerWatch {
  const lines = (lineIndex(ctx).peers.get(n.id) ?? []).filter(
    (p) => !p.line.flags.includes('handshake') && !p.line.flags.includes('noaddr'),
  );
  const pending = lines.filter((p) => p.line.pingSent > 0);
  const now = ctx.model.clockMs;
  let oldest = 0;
  let latestPong = 0;
  for (const p of lines) {
    if (p.line.pingSent > 0 && (oldest === 0 || p.line.pingSent < oldest)) oldest = p.line.pingSent;
    latestPong = Math.max(latestPong, p.line.pongRecv);
  }
  const disconnected = lines.filter((p) => p.line.link === 'disconnected');
  const silentMs = latestPong > 0 && now >= latestPong ? now - latestPong : null;
  return {
    lines,
    pending,
    disconnected,
    pendingSince: oldest > 0 ? oldest : null,
    waitingMs: oldest > 0 && now >= oldest ? now - oldest : null,
    silentMs,
    peersLosing:
      lines.length > 0 &&
      (disconnected.length === lines.length ||
        (pending.length > 0 && silentMs !== null && silentMs >= SILENT_MS)),
  };
}

/** "2.1 s" / "under a second" / "about 3 min". */
export function duration(ms: number): string {
  if (ms < 1000) return 'under a second';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 120_000 ? `about ${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** "03:17:39.367 UTC": a ping-sent or pong-recv stamp as a time of day (the peers' clocks). */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 23)} UTC`;
}

/**
 * One clause on the peers' side: "3 of 5 peers have a ping to it pending since 03:17:39.367 UTC, and none
 * has had a pong from it for 4.0 s", or "none of 5 peers has a ping to it pending, ...", plus bus links.
 */
export function watchText(w: PeerWatch): string {
  const of = `${w.lines.length} peer${w.lines.length === 1 ? '' : 's'}`;
  const parts: string[] = [];
  const silent =
    w.silentMs !== null && w.silentMs >= 1000
      ? `no pong from it for ${duration(w.silentMs)}`
      : `its latest pong is under a second old`;
  if (w.pending.length > 0) {
    parts.push(
      `${w.pending.length} of ${of} ${w.pending.length === 1 ? 'has' : 'have'} a ping to it pending` +
        `${w.pendingSince !== null ? ` since ${clockTime(w.pendingSince)}` : ''} (ping-sent), ${silent}`,
    );
  } else if (w.lines.length > 0) {
    parts.push(`none of ${of} has a ping to it pending${w.silentMs !== null ? `, ${silent}` : ''}`);
  }
  if (w.disconnected.length > 0) {
    parts.push(
      `${w.disconnected.length === w.lines.length && w.lines.length > 1 ? 'all ' : ''}${w.disconnected.length} ${w.disconnected.length === 1 ? 'shows its' : 'show their'} cluster bus link to it disconnected`,
    );
  }
  return parts.join('; ');
}
/** Peer lines as evidence, pending pings first ("observer: raw line"). */
export function watchEvidence(w: PeerWatch, max = 4): string[] {
  const ordered = [...w.pending, ...w.lines.filter((p) => !w.pending.includes(p))];
  return ordered.slice(0, max).map((p) => `${p.observer}: ${p.line.raw}`);
}
