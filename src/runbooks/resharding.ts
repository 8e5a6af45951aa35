/** Interrupted resharding: open slots, which side holds the keys, and how to close or finish them safely. */
import {
  cap,
  cli,
  clusterCheck,
  defineStep,
  findings,
  nothingFound,
  ok,
  problem,
  reachAddress,
  skipped,
} from './common.ts';
import { planOpenSlot } from './resharding-plan.ts';
import { rootCauseStep } from './shared-steps.ts';
import type { Runbook, RunbookContext } from './types.ts';

const MAX_SLOTS = 20;

function openSlotNumbers(ctx: RunbookContext): number[] {
  return [...new Set(ctx.model.openSlots.map((o) => o.slot))].sort((a, b) => a - b);
}

const openStep = defineStep('open-slots', 'Find slots left open (MIGRATING / IMPORTING)', (ctx, self) => {
  const command = clusterCheck(ctx);
  const slots = openSlotNumbers(ctx);
  if (slots.length === 0)
    return nothingFound(ctx, self, command, 'No slot is open: no migration is in progress or left behind.');
  const evidence = cap(
    slots.slice(0, MAX_SLOTS).map((s) => planOpenSlot(ctx, s).state),
    MAX_SLOTS,
  );
  if (slots.length > MAX_SLOTS) evidence.push(`… ${slots.length - MAX_SLOTS} more open slots`);
  for (const f of findings(ctx, 'SLOT_MULTIPLE_OWNERS')) evidence.push(f.message);
  return problem(self, {
    command,
    evidence,
    meaning:
      'An open slot means a migration started and did not finish. Clients get ASK redirects and TRYAGAIN on ' +
      'multi-key commands; a node importing a slot ignores gossip about it until someone closes it by hand.',
  });
});

const keysStep = defineStep('keys', 'Which side holds the keys', (ctx, self) => {
  const slots = openSlotNumbers(ctx);
  const plans = slots.slice(0, MAX_SLOTS).map((s) => planOpenSlot(ctx, s));
  const first = ctx.model.openSlots[0];
  const side = first ? ctx.model.byId.get(first.node) : undefined;
  const command =
    first && side ? cli(ctx, reachAddress(side), `cluster countkeysinslot ${first.slot}`) : clusterCheck(ctx);
  if (slots.length === 0)
    return skipped(self, { command, evidence: [], meaning: 'No open slot.' }, 'no open slot');
  const evidence = plans.map((p) => p.keys);
  if (ctx.snapshot.openSlotKeys === undefined) {
    return skipped(
      self,
      { command, evidence, meaning: 'Count the keys on both sides before choosing to close or finish.' },
      ctx.snapshot.source === 'live' ? 'the nodes on both sides did not answer' : 'a paste has no key counts',
    );
  }
  return ok(self, {
    command,
    evidence,
    meaning: 'These counts decide between rolling back (target empty) and rolling forward.',
  });
});

const planStep = defineStep('plan', 'How to close or finish each open slot safely', (ctx, self) => {
  const slots = openSlotNumbers(ctx);
  const plans = slots.slice(0, MAX_SLOTS).map((s) => planOpenSlot(ctx, s));
  if (plans.length === 0) {
    return skipped(
      self,
      { command: clusterCheck(ctx), evidence: [], meaning: 'No open slot.' },
      'no open slot',
    );
  }
  const evidence = plans.flatMap((p) => [
    `slot ${p.slot}: ${p.why}`,
    ...p.steps.map((s, i) => `  ${i + 1}. ${s}`),
  ]);
  return problem(self, {
    command: plans[0]!.steps[0] ?? clusterCheck(ctx),
    evidence: cap(evidence, 40),
    meaning:
      'Finalize on the target first ("cluster setslot <slot> node <target-id>" on the target, then the source, ' +
      'then the others): told the other way round, a crash in between leaves the slot with no owner.',
  });
});

/** The resharding runbook. */
export const reshardingRunbook: Runbook = {
  name: 'resharding',
  title: 'Interrupted resharding: open slots',
  description:
    'A slot migration was left half done: find open slots, where the keys are, and close or finish them safely.',
  steps: [openStep, keysStep, planStep, rootCauseStep],
};
