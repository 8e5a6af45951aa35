/**
 * ghost-nodes: entries for nodes that are gone but still listed. The fix is CLUSTER FORGET on every node
 * within 60 s (the ban FORGET sets); any node left out gossips the entry back.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown } from '../context.ts';
import { listLabels, plural } from '../finding.ts';
import { findGhosts, type Ghost } from '../rules/ghosts.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

/** The redis-cli command that runs `args` on node `n`. */
export function cliOn(n: ModelNode, args: string): string {
  return `redis-cli -h ${n.ip} -p ${n.port} ${args}`;
}

/** FORGET `ghost` on every node that can run it, spelled out, with what to do about the rest. */
export function forgetEverywhere(
  ctx: CauseContext,
  ghost: ModelNode,
  ghosts: ReadonlySet<string>,
  caveat = 'It owns no slots, so clients are not affected.',
): RecommendedAction {
  const members = ctx.model.nodes.filter((n) => n.id !== ghost.id && !ghosts.has(n.id) && n.ip && n.port > 0);
  const followers = members.filter((n) => n.role === 'replica' && n.masterId === ghost.id);
  const able = members.filter((n) => !isDown(n) && !followers.includes(n));
  const later = members.filter((n) => isDown(n) && !followers.includes(n));
  const commands = able.map((n) => cliOn(n, `CLUSTER FORGET ${ghost.id}`));
  const notes: string[] = [];
  if (followers.length > 0)
    notes.push(
      `${listLabels(followers.map((n) => n.label))} still ${followers.length === 1 ? 'replicates' : 'replicate'} it and would refuse ("Can't forget my master!"): once ${followers.length === 1 ? 'it is' : 'they are'} promoted or pointed at a live master with CLUSTER REPLICATE, run the FORGET there too, in the same 60 s (${followers.map((n) => cliOn(n, `CLUSTER FORGET ${ghost.id}`)).join(' ; ')}), or ${followers.length === 1 ? 'it keeps' : 'they keep'} the id listed`,
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
      `${commands.join(' ; ')}.${notes.length > 0 ? ` ${notes.join('. ')}.` : ''} ${caveat}`,
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

function detect(ctx: CauseContext): RootCause[] {
  const ghosts = findGhosts(ctx);
  if (ghosts.length === 0) return [];
  const ids = new Set(ghosts.map((g) => g.node.id));
  const real = ghosts.filter((g) => g.kind !== 'handshake');
  const shakes = ghosts.filter((g) => g.kind === 'handshake');
  const actions = [...real.map((g) => forgetEverywhere(ctx, g.node, ids)), ...shakes.map(handshakeAction)];
  const list = ghosts.map((g) => `${g.node.label}: ${g.why}`);
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
