/**
 * ghost-nodes: entries for nodes that are gone but still listed. The fix is CLUSTER FORGET on every node
 * within 60 s (the ban FORGET sets); any node left out gossips the entry back.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import { formatCount } from '../../cluster/util.ts';
import { isDown } from '../context.ts';
import { listLabels, plural } from '../finding.ts';
import { findGhosts, type Ghost } from '../rules/ghosts.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

/** The redis-cli command that runs `args` on node `n`. */
export function cliOn(n: ModelNode, args: string): string {
  return `redis-cli -h ${n.ip} -p ${n.port} ${args}`;
}

/** Commands listed per node set; past this, the rest are named and counted (the plan runs them all). */
export const MAX_COMMANDS = 12;

/**
 * `args` on each of `nodes`, as redis-cli commands joined by " ; ": the first MAX_COMMANDS spelled out,
 * the others named and counted, with the `forget-node` plan that runs them all at once.
 */
function commandsOn(nodes: readonly ModelNode[], args: string, id: string): string {
  const shown = nodes.slice(0, MAX_COMMANDS).map((n) => cliOn(n, args));
  if (nodes.length <= MAX_COMMANDS) return shown.join(' ; ');
  const rest = nodes.length - MAX_COMMANDS;
  const named = nodes.slice(MAX_COMMANDS, MAX_COMMANDS + 4).map((n) => n.label);
  const who = rest <= 4 ? listLabels(named) : `${named.slice(0, 3).join(', ')} and ${rest - 3} more`;
  return `${shown.join(' ; ')} ; and the same on the ${formatCount(rest)} other nodes (${who}), or all at once with redis-runbook plan forget-node <cluster> --node ${id} (then apply)`;
}

/** The nodes a FORGET of the ghosts runs on, sorted once for every ghost (not once per ghost). */
export interface ForgetPool {
  up: ModelNode[];
  down: ModelNode[];
  /** Replicas among them, by the id of the master they follow. */
  followersOf: Map<string, ModelNode[]>;
}

/** Every node with an address outside `ghosts`, split into answering, down and followers. */
export function forgetPool(ctx: CauseContext, ghosts: ReadonlySet<string>): ForgetPool {
  const pool: ForgetPool = { up: [], down: [], followersOf: new Map() };
  for (const n of ctx.model.nodes) {
    if (ghosts.has(n.id) || !n.ip || !(n.port > 0)) continue;
    (isDown(n) ? pool.down : pool.up).push(n);
    if (n.role !== 'replica' || n.masterId === null) continue;
    const list = pool.followersOf.get(n.masterId);
    if (list) list.push(n);
    else pool.followersOf.set(n.masterId, [n]);
  }
  return pool;
}

/** FORGET `ghost` on every node that can run it, spelled out, with what to do about the rest. */
export function forgetEverywhere(
  ctx: CauseContext,
  ghost: ModelNode,
  ghosts: ReadonlySet<string>,
  caveat = 'It owns no slots, so clients are not affected.',
  pool: ForgetPool = forgetPool(ctx, ghosts),
): RecommendedAction {
  const followers = (pool.followersOf.get(ghost.id) ?? []).filter((n) => n.id !== ghost.id);
  const skip = new Set([ghost.id, ...followers.map((n) => n.id)]);
  // Most ghosts are outside the pool and have no follower: then nothing is left out.
  const others = (list: ModelNode[]) =>
    followers.length > 0 || !ghosts.has(ghost.id) ? list.filter((n) => !skip.has(n.id)) : list;
  const able = others(pool.up);
  const later = others(pool.down);
  const forget = (ns: ModelNode[]) => commandsOn(ns, `CLUSTER FORGET ${ghost.id}`, ghost.id);
  const notes: string[] = [];
  if (followers.length > 0)
    notes.push(
      `${listLabels(followers.map((n) => n.label))} still ${followers.length === 1 ? 'replicates' : 'replicate'} it and would refuse ("Can't forget my master!"): once ${followers.length === 1 ? 'it is' : 'they are'} promoted or pointed at a live master with CLUSTER REPLICATE, run the FORGET there too, in the same 60 s (${forget(followers)}), or ${followers.length === 1 ? 'it keeps' : 'they keep'} the id listed`,
    );
  if (later.length > 0)
    notes.push(
      `${listLabels(later.map((n) => n.label))} ${later.length === 1 ? 'is' : 'are'} down now and will gossip it back on return: run the FORGET there too right after ${later.length === 1 ? 'it starts' : 'they start'}`,
    );
  return {
    action: 'forget-node',
    target: `${ghost.label === ghost.id ? ghost.id : `${ghost.label} (${ghost.id})`} on all ${plural(able.length, 'node')}`,
    params: { node: ghost.id },
    why:
      `Only if ${ghost.label === ghost.id ? 'it' : ghost.label} is gone for good (if it should come back, start it instead). Run all of these within 60 s, because CLUSTER FORGET bans the id for 60 s only and any node that still knows it gossips it back: ` +
      `${forget(able)}.${notes.length > 0 ? ` ${notes.join('. ')}.` : ''} ${caveat}`,
  };
}

function handshakeAction(g: Ghost): RecommendedAction {
  return {
    action: 'forget-node',
    target: `whatever still introduces ${g.node.label}`,
    params: { node: g.node.id },
    why:
      `A handshake entry has a random id and expires by itself, so forgetting it does nothing. If it keeps coming back: stop any script or operator running CLUSTER MEET ${g.node.label.replace(/:(\d+)$/, ' $1')}, ` +
      `and look for a node that still lists a real id at ${g.node.label} (CLUSTER NODES | grep ${g.node.label}); forget that id on every node within 60 s.`,
  };
}

/** Ghosts explained one by one in the explanation; the rest are counted. */
const MAX_LISTED = 12;

function detect(ctx: CauseContext): RootCause[] {
  const ghosts = findGhosts(ctx);
  if (ghosts.length === 0) return [];
  const ids = new Set(ghosts.map((g) => g.node.id));
  const real = ghosts.filter((g) => g.kind !== 'handshake');
  const shakes = ghosts.filter((g) => g.kind === 'handshake');
  const pool = forgetPool(ctx, ids);
  const actions = [
    ...real.map((g) => forgetEverywhere(ctx, g.node, ids, undefined, pool)),
    ...shakes.map(handshakeAction),
  ];
  const list = ghosts.slice(0, MAX_LISTED).map((g) => `${g.node.label}: ${g.why}`);
  if (ghosts.length > MAX_LISTED)
    list.push(`and ${formatCount(ghosts.length - MAX_LISTED)} more (every one in this cause's nodes)`);
  return [
    {
      code: 'ghost-nodes',
      summary: `Ghost entries: ${plural(ghosts.length, 'node')} listed that ${ghosts.length === 1 ? 'is' : 'are'} gone (${listLabels(ghosts.map((g) => g.node.label))}).`,
      explanation:
        `${list.join('; ')}. None of them owns slots, so clients are served, but ghosts make redis-cli --cluster fix/reshard refuse or warn about "unreachable masters", ` +
        'inflate failure counts, and can come back after a FORGET when it does not reach every node. ' +
        `${real.length > 0 ? 'Remove each one with CLUSTER FORGET on every remaining node within 60 s (commands below). ' : ''}` +
        `${shakes.length > 0 ? 'Handshake entries vanish by themselves after the handshake timeout; one that keeps returning points to a MEET loop or a node still remembering a removed peer. ' : ''}` +
        'If a listed node is only temporarily down and should stay in the cluster, start it instead of forgetting it.',
      nodes: ghosts.map((g) => g.node.label),
      slots: '',
      actions,
    },
  ];
}

export const ghostNodes: RootCauseDetector = {
  code: 'ghost-nodes',
  rank: 80,
  explains: ['GHOST_NODE', 'NODE_HANDSHAKE', 'NODE_NOADDR', 'NODE_FAIL', 'NODE_UNREACHABLE'],
  detect,
};
