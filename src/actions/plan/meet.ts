/**
 * meet (`--node <host:port>` [`--from <addr|id>`]): CLUSTER MEET from a cluster node to where a node
 * answers now, for a member whose peers lost it or still dial a stale address (its id is unchanged: the
 * entry is updated), or for a node that forgot the cluster. Skipped when every node already knows it
 * there; then wait until they all do. Refused for a stranger with keys or slots (that is add-node's job,
 * and it would refuse too). Pure.
 */
import type { ActionModule, Plan, PlanInput, Refusal } from '../types.ts';
import { answersUs, entryNode, memberOf } from './add.ts';
import { cliFor, commandStep, fixesOf, frame, optionalNodeParam, refuse, waitStep } from './common.ts';
import { joinBlockers, readNewcomer } from './newcomer.ts';

function plan(input: PlanInput): Plan | Refusal {
  const read = readNewcomer(input.newNode);
  if ('reason' in read)
    return refuse(
      input,
      'meet',
      read.code,
      [read.reason],
      'Name where the node answers now with --node <host:port>.',
    );
  const n = read;
  const member = memberOf(input, n.ref.id!);
  if (!member) {
    const blockers = joinBlockers(n);
    if (blockers.length > 0)
      return refuse(
        input,
        'meet',
        'ACTION_REFUSED',
        blockers,
        'Only an empty node that knows only itself may be introduced.',
      );
  }
  const chosen = optionalNodeParam(
    input,
    'meet',
    input.params.from,
    'Name the node to send MEET from with --from, or leave it out.',
    (f) =>
      answersUs(f)
        ? null
        : {
            code: 'ACTION_REFUSED',
            reason: `${f.label} does not answer`,
            hint: 'Send the MEET from a node that answers.',
          },
    () => entryNode(input, n.ref.id ?? undefined),
  );
  if ('refusal' in chosen) return chosen.refusal;
  const from = chosen.node;
  if (!from)
    return refuse(
      input,
      'meet',
      'ACTION_REFUSED',
      ['no other node of the cluster answers'],
      'Diagnose the cluster first.',
    );
  const stale = member
    ? input.model.nodes.filter((x) => x.id !== member.id && x.selfSeen && !x.probeError).length
    : 0;
  const [ip, port] = [
    n.obs.address.slice(0, n.obs.address.lastIndexOf(':')).replace(/^\[|\]$/g, ''),
    n.obs.address.slice(n.obs.address.lastIndexOf(':') + 1),
  ];
  const cport = String(n.self.cport ?? Number(port) + 10_000);
  const timeoutMs = 20_000;
  return frame(input, 'meet', {
    summary: `${from.label} meets ${n.obs.address} (${member ? `member ${n.ref.id!.slice(0, 8)}… at its current address` : 'a node that knows only itself'})`,
    steps: [
      commandStep(
        input,
        's1',
        `CLUSTER MEET ${n.obs.address} from ${from.label}`,
        { id: from.id, address: from.label },
        ['CLUSTER', 'MEET', ip, port, cport],
        {
          skipIf: { kind: 'known-by-all', node: n.ref },
          waitsFor: 'OK (the handshake runs over the cluster bus)',
        },
      ),
      waitStep(
        's2',
        `Wait until every node knows ${n.obs.address} there`,
        { kind: 'known-by-all', node: n.ref },
        timeoutMs,
        cliFor(input, from.label, ['CLUSTER', 'NODES']),
        `every answering node lists ${n.ref.id!.slice(0, 8)}… at ${n.obs.address} and it lists them (up to 20 s)`,
      ),
    ],
    preconditions: [
      `${n.obs.address} answers as node ${n.ref.id!.slice(0, 8)}…${member ? `, a member ${stale} answering peers should know there` : ', empty and knowing only itself'}`,
      `${from.label} answers`,
    ],
    risks: [
      {
        kind: 'none',
        text: member
          ? 'No slot, epoch or key moves: the peers find the same id at the new address and update their entry.'
          : `${n.obs.address} joins as an empty master owning no slot: nothing moves.`,
      },
    ],
    expected: [`every answering node knows ${n.ref.id!.slice(0, 8)}… at ${n.obs.address}`],
    fixes: fixesOf(input, 'meet', [n.obs.address, ...(member ? [member.label] : [])]),
  });
}

/** meet: CLUSTER MEET to where a node answers now. */
export const meetAction: ActionModule = {
  name: 'meet',
  description:
    'Introduce a node to the cluster at the address it answers on now (stale address, lost peers).',
  requires: ['node'],
  accepts: ['from'],
  probesNewNode: true,
  plan,
};
