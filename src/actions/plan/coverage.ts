/**
 * fix-coverage: assigns the slots no live master serves. Slots whose keys sit on exactly one master go to
 * it; empty slots go to the healthy masters so their counts end as even as possible, emptiest first, in
 * contiguous ranges (redis-cli scatters them at random). Refuses: keys on several nodes (a manual decision),
 * key counts missing, slots in flux or open, and slots a failed owner still holds, unless the user named
 * discard-dead-owner-data. Slots already served are never touched. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { spreadSlots } from '../../cluster/slot-spread.ts';
import {
  countSlots,
  formatRanges,
  intersectRanges,
  normalizeRanges,
  parseRanges,
  rangesToBitmap,
  slotsToRanges,
} from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import type { RootCauseCode } from '../../diagnose/types.ts';
import type { ActionModule, Plan, PlanInput, PlanStep, Refusal, Risk } from '../types.ts';
import { frame, refuse } from './common.ts';
import { deadAlternatives, deadOwners, deadReasons, deadRisks, liveReplicas } from './coverage-dead.ts';
import { type CoverageScope, holdersText, keysByHolder, readScope } from './coverage-scope.ts';
import { refusingWritesNow } from './min-replicas.ts';
import {
  announceSteps,
  assignStep,
  healthyMasters,
  holderOf,
  isHealthyMaster,
  rangesText,
  settleStep,
  takeOverStep,
} from './slot-steps.ts';

const NAME = 'fix-coverage';

/** Slots the plan assigns to one master: unassigned ones, and ones taken from a failed owner. */
interface Share {
  node: ModelNode;
  free: number[];
  taken: Map<string, number[]>;
}

/** Refusals that do not depend on who receives the slots. */
function precheck(input: PlanInput, c: CoverageScope): Refusal | null {
  const r = (code: Refusal['code'], reasons: string[], hint: string) =>
    refuse(input, NAME, code, reasons, hint);
  const all = [...c.unassigned, ...[...c.dead.values()].flat()];
  if (all.length === 0 && c.open.length === 0 && c.disputed.length === 0) {
    return r(
      'ACTION_NOT_NEEDED',
      [`every slot of ${formatRanges(c.scope)} is served by a live master`],
      'Nothing to assign.',
    );
  }
  if (c.open.length > 0) {
    return r(
      'ACTION_REFUSED',
      [`slots ${rangesText(slotsToRanges(c.open))} have no live owner and are open (MIGRATING/IMPORTING)`],
      'Close or finish the migration first: plan fix-open-slot.',
    );
  }
  if (c.disputed.length > 0) {
    return r(
      'ACTION_REFUSED',
      [
        `the nodes disagree about who owns ${rangesText(slotsToRanges(c.disputed))}: the cluster is still converging`,
      ],
      'Wait a few seconds and plan again; if it persists, look at the CONFIG_DISAGREEMENT finding.',
    );
  }
  if (c.uncounted === null) {
    return r(
      'ACTION_REFUSED',
      ['no key counts for these slots (they come from a live probe)'],
      'Plan against the live cluster, not a paste.',
    );
  }
  const unknown = intersectRanges(c.uncounted, slotsToRanges(all));
  if (unknown.length > 0) {
    return r(
      'ACTION_REFUSED',
      [
        `keys in ${rangesText(unknown)} were not counted on every node (the probe stopped at its limit or a node did not answer COUNTKEYSINSLOT): where their keys are is unknown`,
      ],
      `Plan again with --slot-ranges for fewer slots (e.g. those outside ${formatRanges(unknown)}), or plan again when the cluster is less busy.`,
    );
  }
  const several = all.filter((s) => (c.holders.get(s)?.length ?? 0) > 1);
  if (several.length > 0) {
    const first = several.slice(0, 5).map((s) => `slot ${s}: ${holdersText(keysByHolder(c, [s]))}`);
    return r(
      'ACTION_REFUSED',
      [
        `keys of ${rangesText(slotsToRanges(several))} are on several nodes (${first.join('; ')}${several.length > 5 ? '; …' : ''}): which copy wins is a manual decision`,
      ],
      `Choose the owner, move or delete the other copies (MIGRATE, or DUMP/RESTORE after comparing), then plan again; --slot-ranges can fix the other slots first.`,
    );
  }
  const misplaced = all.filter((s) => {
    const h = c.holders.get(s)?.[0];
    return h !== undefined && (!h.node || !isHealthyMaster(h.node));
  });
  if (misplaced.length > 0) {
    const by = holdersText(keysByHolder(c, misplaced));
    return r(
      'ACTION_REFUSED',
      [
        `keys of ${rangesText(slotsToRanges(misplaced))} are only on ${by}, which cannot take slots (a replica, or not a healthy master)`,
      ],
      'Promote that node (failover) or move its keys to a master first, then plan again.',
    );
  }
  return null;
}

function plan(input: PlanInput): Plan | Refusal {
  const c = readScope(input);
  if ('error' in c)
    return refuse(
      input,
      NAME,
      'ACTION_BAD_PARAMS',
      [c.error],
      'Give --slot-ranges like "0-5460,5462", or leave it out for every slot.',
    );
  const early = precheck(input, c);
  if (early) return early;
  const dead = deadOwners(input, c);
  const allow = input.params.allow?.includes('discard-dead-owner-data') ?? false;
  if (dead.length > 0) {
    const withReplica = dead.filter((d) => liveReplicas(input, d.node).length > 0);
    const reasons = deadReasons(c, dead);
    const fixable = slotsToRanges(c.unassigned);
    const rest =
      fixable.length > 0
        ? ` To assign only the ${countSlots(fixable)} unassigned slots, plan with --slot-ranges ${formatRanges(fixable)}.`
        : '';
    if (withReplica.length > 0) {
      const names = withReplica.map(
        (d) => `${liveReplicas(input, d.node)[0]!.label} (replica of ${d.node.label})`,
      );
      return refuse(
        input,
        NAME,
        'ACTION_REFUSED',
        [
          ...reasons,
          `${names.join(', ')} is up and holds that data: discarding it is never the fix while a replica can be promoted`,
        ],
        `Promote the replica (failover-force) or restart the owner.${rest}`,
        deadAlternatives(input, dead),
      );
    }
    if (!allow) {
      return refuse(
        input,
        NAME,
        'ACTION_REFUSED',
        reasons,
        `Restart the owner, or promote a replica; only if it is gone for good, plan again with --discard-dead-owner-data (its keys in those slots are lost).${rest}`,
        deadAlternatives(input, dead),
      );
    }
  }
  const masters = healthyMasters(input);
  if (masters.length === 0)
    return refuse(
      input,
      NAME,
      'ACTION_REFUSED',
      ['no healthy master answers: nobody can take the slots'],
      'Bring a master back first.',
    );
  const shares = new Map<string, Share>(masters.map((n) => [n.id, { node: n, free: [], taken: new Map() }]));
  const deadOf = new Map<number, string>(dead.flatMap((d) => d.slots.map((s) => [s, d.node.id] as const)));
  const give = (to: string, slots: readonly number[]) => {
    const share = shares.get(to)!;
    for (const s of slots) {
      const from = deadOf.get(s);
      if (from === undefined) share.free.push(s);
      else {
        const list = share.taken.get(from);
        if (list) list.push(s);
        else share.taken.set(from, [s]);
      }
    }
  };
  const all = [...c.unassigned, ...dead.flatMap((d) => d.slots)].sort((a, b) => a - b);
  const keyed = all.filter((s) => c.holders.has(s));
  for (const s of keyed) give(c.holders.get(s)![0]!.node!.id, [s]);
  const empty = all.filter((s) => !c.holders.has(s));
  // Empty slots go to masters that take writes: one that refuses them now (its min-replicas-to-write not
  // met) would serve them read-only. Only when every healthy master refuses do they go to those, and the
  // plan says so; slots with keys still go where their keys are.
  const writable = masters.filter((n) => refusingWritesNow(n) === null);
  const holders = (writable.length > 0 ? writable : masters).map((n) => ({
    id: n.id,
    slots: normalizeRanges([...holderOf(n).slots, ...slotsToRanges(shares.get(n.id)!.free)]),
  }));
  for (const [id, ranges] of spreadSlots(holders, slotsToRanges(empty))) {
    for (const r of ranges)
      give(
        id,
        Array.from({ length: r.end - r.start + 1 }, (_, i) => r.start + i),
      );
  }
  return build(
    input,
    c,
    [...shares.values()].filter((s) => s.free.length + s.taken.size > 0),
    dead,
    keyed,
  );
}

function build(
  input: PlanInput,
  c: CoverageScope,
  shares: Share[],
  dead: ReturnType<typeof deadOwners>,
  keyed: number[],
): Plan {
  const steps: PlanStep[] = [];
  const id = () => `s${steps.length + 1}`;
  for (const sh of shares) {
    // Any other healthy master: the first by address, so planning again picks the same one.
    const via = healthyMasters(input).find((n) => n.id !== sh.node.id);
    const last = Math.max(...sh.free);
    const assigned = via ? sh.free.filter((s) => s !== last) : sh.free;
    if (assigned.length > 0) steps.push(assignStep(input, id(), sh.node, slotsToRanges(assigned)));
    if (via && sh.free.length > 0) steps.push(...announceSteps(input, steps.length + 1, sh.node, last, via));
    for (const [from, slots] of sh.taken)
      steps.push(takeOverStep(input, id(), sh.node, slotsToRanges(slots), input.model.byId.get(from)!));
  }
  const all = slotsToRanges(shares.flatMap((sh) => [...sh.free, ...[...sh.taken.values()].flat()]));
  steps.push(settleStep(input, id(), all, shares[0]!.node));
  const per = shares.map((sh) => {
    const got = slotsToRanges([...sh.free, ...[...sh.taken.values()].flat()]);
    const after = normalizeRanges([...sh.node.slots, ...got]);
    return { sh, got, after };
  });
  const keyedBy = keysByHolder(c, keyed);
  const emptyCount = countSlots(all) - keyed.length;
  const risks: Risk[] = [];
  if (emptyCount > 0)
    risks.push({
      kind: 'none',
      text: `${emptyCount} of these slots hold 0 keys on every node that answered: no data at stake there.`,
    });
  if (keyed.length > 0)
    risks.push({
      kind: 'none',
      text: `${rangesText(slotsToRanges(keyed))} hold keys only on ${holdersText(keyedBy)}: each goes to the node that holds its keys, which become reachable again.`,
    });
  const silent = input.model.nodes.filter((n) => n.probeError && !dead.some((d) => d.node.id === n.id));
  if (silent.length > 0) {
    risks.push({
      kind: 'availability',
      text: `${silent.map((n) => n.label).join(', ')} did not answer the probe: keys they may hold in these slots were not counted. They are not deleted, but stay unreachable until moved (a restarted node opens such slots as importing).`,
    });
  }
  if (dead.length > 0) risks.push(...deadRisks(c, dead, shares[0]!.node.label));
  for (const { sh, got } of per) {
    const why = refusingWritesNow(sh.node);
    if (why === null) continue;
    risks.push({
      kind: 'availability',
      text: `${sh.node.label} refuses writes now (${why}): ${rangesText(got)} will be served for reads only until it counts enough good replicas again (restart its replicas or add one).`,
    });
  }
  // Once per node and per slot, not once per slot and node: this runs for each of the 16,384 slots.
  const serving = input.model.nodes.map(isHealthyMaster);
  const planned = rangesToBitmap(all);
  const stillUncovered = input.model.slotOwner.some((o, s) => (o < 0 || !serving[o]) && !planned[s]);
  const fixes = fixesOf(input, all);
  return frame(input, NAME, {
    summary: `Assign ${rangesText(all)}: ${per.map((p) => `${formatRanges(p.got)} to ${p.sh.node.label}`).join(', ')}`,
    steps,
    preconditions: [
      ...(c.unassigned.length > 0
        ? [
            `${rangesText(slotsToRanges(c.unassigned))} are still unassigned, ${keyed.length > 0 ? 'with keys only where counted above' : 'holding no key on any node that answers'}`,
          ]
        : []),
      ...dead.map(
        (d) => `${rangesText(slotsToRanges(d.slots))} still belong to ${d.node.label}, which is still down`,
      ),
      `${shares.map((sh) => sh.node.label).join(', ')} answer as healthy masters`,
    ],
    risks,
    expected: [
      ...per.map(
        (p) =>
          `${p.sh.node.label} owns ${countSlots(p.after)} slots in ${p.after.length} range${p.after.length === 1 ? '' : 's'} (${formatRanges(p.after)})`,
      ),
      `every node agrees on the owners of ${formatRanges(all)} and none has them open`,
      ...(stillUncovered ? [] : ['every slot is served: cluster_state:ok']),
      ...dead.map(
        (d) =>
          `${d.node.label} stays listed as a failed master${d.node.slotCount > d.slots.length ? '' : ' owning no slot'}: forget it (forget-node) once it is gone for good`,
      ),
    ],
    fixes,
    dangerous: dead.length > 0 ? ['discard-dead-owner-data'] : [],
  });
}

/** Root causes that recommend fix-coverage for slots this plan assigns. */
function fixesOf(input: PlanInput, slots: readonly SlotRange[]): RootCauseCode[] {
  const out = input.diagnosis.rootCauses.filter(
    (rc) =>
      rc.code !== 'healthy' &&
      rc.code !== 'undetermined' &&
      rc.actions.some((a) => a.action === NAME) &&
      intersectRanges(parseRanges(rc.slots) ?? [], slots).length > 0,
  );
  return [...new Set(out.map((rc) => rc.code))];
}

/** fix-coverage: its planner and parameters. */
export const fixCoverageAction: ActionModule = {
  name: NAME,
  description:
    'Assign slots no live master serves: empty ones spread evenly in contiguous ranges, keyed ones to the node holding their keys.',
  requires: [],
  accepts: ['slotRanges', 'allow'],
  plan,
};
