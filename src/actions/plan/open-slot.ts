/**
 * fix-open-slot: closes migrations left half done, each slot the way diagnose/open-slot-case.ts decides
 * from every node's own view and the key counts on both sides: roll back (SETSLOT STABLE) when no key
 * reached the target; otherwise finish with a move-slots step (the SETSLOTs already set are skipped, keys
 * move without REPLACE, SETSLOT NODE on the target first); after a failover of the source, continue from
 * the node that replaced it and never touch the dead one. Refuses what needs a person. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges, intersectRanges, parseRanges, slotsToRanges } from '../../cluster/slots.ts';
import { isDown } from '../../diagnose/context.ts';
import { importerDown, type OpenSlotCase, openSlotCase } from '../../diagnose/open-slot-case.ts';
import type { RecommendedAction } from '../../diagnose/types.ts';
import type { ActionModule, Plan, PlanInput, PlanStep, Refusal, Risk } from '../types.ts';
import { commandStep, fanoutStep, frame, nodeRef, refuse } from './common.ts';
import { receiverChecks } from './receivers.ts';
import { healthyMasters, moveStep, settleStep } from './slot-steps.ts';

const NAME = 'fix-open-slot';

/** What the plan does about a slot, per case, in the summary. */
const HOW: Record<OpenSlotCase['kind'], string> = {
  manual: 'by hand',
  rollback: 'roll back (no key reached the target)',
  'rollback-after-failover': 'roll back (no key reached the target; the source was failed over)',
  finish: 'finish the move',
  finalize: 'finish the move (the target already owns it)',
  repoint: 'finish the move from the node that replaced the failed source',
};

/** A slot's case plus, when it cannot be planned, why (and what to do instead). */
interface Judged {
  c: OpenSlotCase;
  refusal?: { reason: string; alternatives: RecommendedAction[] };
}

function restart(n: ModelNode): RecommendedAction {
  return {
    action: 'restart-node',
    target: n.label,
    why: `Start ${n.label} again with its data: it holds keys of the open slot, and commands must not run on a dead node.`,
    params: { node: n.label },
  };
}

function judge(input: PlanInput, slot: number): Judged {
  const c = openSlotCase(input.model, input.snapshot, slot);
  const { source: src, target: dst } = c;
  const who = (n?: ModelNode) => n?.label ?? 'an unknown node';
  if (c.kind === 'manual' || !src || !dst) {
    const sides = [...c.migrating, ...c.importing].map(
      (o) => `${o.kind} on ${who(input.model.byId.get(o.node))}`,
    );
    return {
      c,
      refusal: {
        reason: `slot ${slot} is ${sides.join(', ')}: more than two nodes or an unknown node are involved`,
        alternatives: [],
      },
    };
  }
  if (isDown(dst)) {
    return {
      c,
      refusal: {
        reason: `slot ${slot}: the target ${dst.label} is down and may hold keys of it (${c.keysOnTarget ?? 'not counted'})`,
        alternatives: [restart(dst)],
      },
    };
  }
  const srcDown = isDown(src) && !c.heir;
  if (srcDown && c.kind !== 'finalize') {
    return {
      c,
      refusal: {
        reason: `slot ${slot}: the source ${src.label} is down and nobody took its slots over; its keys of the slot are only there`,
        alternatives: [restart(src)],
      },
    };
  }
  return { c };
}

function plan(input: PlanInput): Plan | Refusal {
  const scope = input.params.slotRanges === undefined ? null : parseRanges(input.params.slotRanges);
  if (input.params.slotRanges !== undefined && !scope) {
    return refuse(
      input,
      NAME,
      'ACTION_BAD_PARAMS',
      [`--slot-ranges "${input.params.slotRanges}" is not a list of slots`],
      'Give the open slots like "4748" or "100-120", or leave it out for all of them.',
    );
  }
  const open = [...new Set(input.model.openSlots.map((o) => o.slot))]
    .filter((s) => !scope || intersectRanges(scope, [{ start: s, end: s }]).length > 0)
    .sort((a, b) => a - b);
  if (open.length === 0) {
    return refuse(
      input,
      NAME,
      'ACTION_NOT_NEEDED',
      [`no slot${scope ? ` of ${formatRanges(scope)}` : ''} is MIGRATING or IMPORTING on any node`],
      'Nothing to close.',
    );
  }
  const judged = open.map((s) => judge(input, s));
  const bad = judged.filter((j) => j.refusal);
  if (bad.length > 0) {
    const ok = judged.filter((j) => !j.refusal).map((j) => j.c.slot);
    return refuse(
      input,
      NAME,
      'ACTION_REFUSED',
      bad.map((j) => j.refusal!.reason),
      `Bring the node back first, or close the slot by hand (CLUSTER SETSLOT <slot> STABLE / NODE) after comparing the keys on every side.${ok.length > 0 ? ` The other open slots can be fixed with --slot-ranges ${formatRanges(slotsToRanges(ok))}.` : ''}`,
      bad.flatMap((j) => j.refusal!.alternatives),
    );
  }
  return build(
    input,
    judged.map((j) => j.c),
  );
}

function build(input: PlanInput, cases: OpenSlotCase[]): Plan | Refusal {
  const steps: PlanStep[] = [];
  const id = () => `s${steps.length + 1}`;
  const risks: Risk[] = [];
  const expected: string[] = [];
  const masters = healthyMasters(input);
  const others = (...not: ModelNode[]) => masters.filter((m) => !not.some((n) => n.id === m.id));
  const moves = new Map<string, { src: ModelNode; dst: ModelNode; slots: number[] }>();
  for (const c of cases) {
    const src = c.source!;
    const dst = c.target!;
    const slot = c.slot;
    const skipIf = { kind: 'slots-settled' as const, slots: [{ start: slot, end: slot }] };
    const stable = (n: ModelNode) =>
      commandStep(
        input,
        id(),
        `Close slot ${slot} on ${n.label} (STABLE)`,
        nodeRef(n),
        ['CLUSTER', 'SETSLOT', `${slot}`, 'STABLE'],
        { skipIf },
      );
    if (c.kind === 'rollback' || c.kind === 'rollback-after-failover') {
      if (c.importing.length > 0) steps.push(stable(dst));
      if (c.kind === 'rollback' && c.migrating.length > 0) steps.push(stable(src));
      const owner = c.kind === 'rollback' ? src : c.heir!;
      risks.push({
        kind: 'none',
        text: `slot ${slot}: no key reached ${dst.label} (0 counted): closing it (roll back) loses nothing; ${owner.label} keeps it${c.keysOnSource !== null && c.kind === 'rollback' ? ` with its ${c.keysOnSource} keys` : ''}.`,
      });
      expected.push(`slot ${slot} is owned by ${owner.label} and open nowhere`);
    } else if (c.kind === 'repoint') {
      const heir = c.heir!;
      const down = importerDown(dst);
      const coverage = (v: 'yes' | 'no') =>
        commandStep(
          input,
          id(),
          `${v === 'no' ? 'Relax' : 'Restore'} full coverage on ${dst.label}`,
          nodeRef(dst),
          ['CONFIG', 'SET', 'cluster-require-full-coverage', v],
        );
      if (down) steps.push(coverage('no'));
      steps.push(
        commandStep(
          input,
          id(),
          `Import slot ${slot} from ${heir.label} (the failed-over source) instead of ${src.label}`,
          nodeRef(dst),
          ['CLUSTER', 'SETSLOT', `${slot}`, 'IMPORTING', heir.id],
        ),
      );
      steps.push(moveStep(input, id(), heir, dst, [{ start: slot, end: slot }], others(heir, dst)));
      if (down) {
        steps.push(coverage('yes'));
        risks.push({
          kind: 'availability',
          text: `${dst.label} reports cluster_state:fail (it still names the dead ${src.label} as owner), so it refuses the keys: cluster-require-full-coverage is set to no on it for the move and back to yes after. If the plan stops in between, set it back by hand (CONFIG SET cluster-require-full-coverage yes).`,
        });
      }
      risks.push({
        kind: 'none',
        text: `slot ${slot}: ${src.label} (the source) is down and ${heir.label} replaced it; the move continues from ${heir.label}${c.keysOnHeir !== null ? ` (${c.keysOnHeir} keys there)` : ''}; nothing runs on ${src.label}.`,
      });
      expected.push(`slot ${slot} is owned by ${dst.label} and open nowhere`);
    } else if (isDown(src)) {
      // finalize with a dead source: the target owns the slot; tell it and the other masters.
      const argv = ['CLUSTER', 'SETSLOT', `${slot}`, 'NODE', dst.id];
      steps.push(
        commandStep(input, id(), `Finalize slot ${slot} on ${dst.label} (target)`, nodeRef(dst), argv, {
          skipIf,
        }),
      );
      const rest = others(dst);
      if (rest.length > 0)
        steps.push(
          fanoutStep(
            input,
            id(),
            `Finalize slot ${slot} on the other masters`,
            rest.map(nodeRef),
            argv,
            10_000,
          ),
        );
      risks.push({
        kind: 'none',
        text: `slot ${slot}: ${dst.label} already owns it; ${src.label} (down) is not touched.`,
      });
      expected.push(`slot ${slot} is owned by ${dst.label} and open nowhere`);
    } else {
      const key = `${src.id}>${dst.id}`;
      const m = moves.get(key) ?? { src, dst, slots: [] };
      m.slots.push(slot);
      moves.set(key, m);
      risks.push({
        kind: 'none',
        text: `slot ${slot}: ${c.keysOnSource ?? 'an uncounted number of'} keys move from ${src.label} to ${dst.label}${c.keysOnTarget ? ` (${c.keysOnTarget} are there already)` : ''}.${c.importing.length > 0 && c.migrating.length === 0 ? ` Only ${dst.label} had it open: if no resharding was running (a node restarted with keys of a slot it does not own), this still loses nothing but makes ${dst.label} its owner.` : ''}`,
      });
      expected.push(`slot ${slot} is owned by ${dst.label} and open nowhere`);
    }
  }
  for (const m of moves.values())
    steps.push(moveStep(input, id(), m.src, m.dst, slotsToRanges(m.slots), others(m.src, m.dst)));
  const slots = slotsToRanges(cases.map((c) => c.slot));
  steps.push(settleStep(input, id(), slots, masters[0] ?? cases[0]!.target!));
  const replace = input.params.allow?.includes('replace-existing-keys') ?? false;
  risks.push(
    replace
      ? {
          kind: 'data-loss',
          text: 'replace-existing-keys: MIGRATE runs with REPLACE, so a key that exists on both sides keeps the SOURCE copy and the target copy is overwritten.',
        }
      : {
          kind: 'none',
          text: 'MIGRATE runs without REPLACE: a key that exists on both sides stops the move (BUSYKEY) with the key named, and nothing is overwritten.',
        },
  );
  if (moves.size > 0 || cases.some((c) => c.kind === 'repoint')) {
    risks.push({
      kind: 'availability',
      text: 'While keys move, clients get ASK redirects for these slots and multi-key commands on split keys get TRYAGAIN.',
    });
  }
  return receiverChecks(
    input,
    frame(input, NAME, {
      summary: `Close ${cases.length === 1 ? `slot ${cases[0]!.slot}` : `${cases.length} open slots (${formatRanges(slots)})`}: ${[...new Set(cases.map((c) => HOW[c.kind]))].join('; ')}`,
      steps,
      preconditions: cases.map(
        (c) =>
          `slot ${c.slot} is still open the same way (${[...c.migrating, ...c.importing].map((o) => `${o.kind} on ${input.model.byId.get(o.node)?.label ?? o.node}`).join(', ')})`,
      ),
      risks,
      expected,
      fixes: input.diagnosis.rootCauses.some((rc) => rc.code === 'resharding-interrupted')
        ? ['resharding-interrupted']
        : [],
      dangerous: replace ? ['replace-existing-keys'] : [],
    }),
  );
}

/** fix-open-slot: its planner and parameters. */
export const fixOpenSlotAction: ActionModule = {
  name: NAME,
  description:
    'Close slots left MIGRATING/IMPORTING: roll back when no key moved, else finish the move (target first).',
  requires: [],
  accepts: ['slotRanges', 'allow'],
  plan,
};
