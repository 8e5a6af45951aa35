/**
 * A fix request as the chat sees it: permission checked before the cluster is probed, a fresh plan
 * (or the planner's refusal, shown with its reasons), the request stored with its audit entry, and
 * the card posted in the incident thread. Never throws: every failure becomes a message to the asker.
 */
import type { Logger } from 'pino';
import { toApprovalError } from '../approvals/errors.ts';
import { mayRequest } from '../approvals/policy.ts';
import type { FixObserver } from '../approvals/types.ts';
import type { Config } from '../config/schema.ts';
import type { ActionName, ActionParams, Diagnosis } from '../diagnose/types.ts';
import { messageOf } from './error-text.ts';
import type { FixActor, FixDeps } from './fix-deps.ts';
import {
  type BotMessage,
  type EphemeralTarget,
  type MessageRef,
  problem,
  type Transport,
} from './message.ts';
import { approvalCard } from './render/approval.ts';

/** What the fix flows need from the core. */
export interface FixFlowDeps {
  config: Config;
  transport: Transport;
  logger: Logger;
  fixes: FixDeps;
  /** Updates cards and threads (the observer the worker gets too). */
  progress: FixObserver;
}

/** The named-user rule: a terminal operator without --as cannot request or decide fixes. */
export function needsName(actor: FixActor): BotMessage | null {
  if (!actor.operator) return null;
  return problem(
    'Fixes need a named user for the audit.',
    'Start the shell with --as <user>, or type --as <user> before the command.',
  );
}

/** Words for an approval store that does not answer, or any other failure of this room. */
export function storeProblem(err: unknown): BotMessage {
  const coded = toApprovalError(err);
  if (coded.code === 'APPROVAL_STORE_DOWN') {
    return problem(
      'The approval store (queue Redis) is not reachable, so nothing was recorded.',
      'Diagnosis still works. Try again in a minute; the bot reconnects by itself.',
    );
  }
  return problem(`The approval store failed (${coded.code}).`, coded.message.split('\n')[0] ?? '');
}

/** Requests `action` on `cluster`; posts the card in `thread` (or starts a thread with it). */
export async function requestFix(
  deps: FixFlowDeps,
  actor: FixActor,
  target: EphemeralTarget,
  fix: { cluster: string; action: ActionName; params: ActionParams; thread: MessageRef | null },
): Promise<void> {
  const { transport, fixes, config } = deps;
  const log = deps.logger.child({ cluster: fix.cluster, user: actor.user });
  const say = (msg: BotMessage) => transport.ephemeral(target, msg).catch(() => undefined);
  const named = needsName(actor);
  if (named) return say(named);
  const channel = actor.unbound ? null : actor.channel;
  const known = config.clusters.map((c) => c.name);
  const denied = mayRequest(config.access, { user: actor.user, channel }, fix.cluster, known);
  if (denied) {
    log.warn({ event: 'fix_request_refused', code: denied.code });
    await fixes.approvals
      .refused({
        user: actor.user,
        channel,
        thread: fix.thread?.ts ?? null,
        cluster: fix.cluster,
        action: fix.action,
        refusal: denied,
      })
      .catch((err) => log.warn({ event: 'audit_failed', code: toApprovalError(err).code }));
    return say(problem(denied.message, denied.hint));
  }
  let planned: Awaited<ReturnType<FixDeps['plan']>>;
  try {
    planned = await fixes.plan(fix.cluster, fix.action, fix.params);
  } catch (err) {
    log.warn({ event: 'fix_plan_failed', err }, 'could not plan');
    return say(problem(`Could not plan ${fix.action} on ${fix.cluster}.`, messageOf(err)));
  }
  if ('refusal' in planned) {
    const r = planned.refusal;
    const alternatives = (r.alternatives ?? []).map((a) => `${a.action} (${a.target}): ${a.why}`);
    return say({
      tone: 'warning',
      title: `No plan: ${fix.action} on ${fix.cluster} (${r.code})`,
      sections: [
        { heading: 'Why', lines: r.reasons, style: 'list' },
        { heading: 'What to do instead', lines: [r.hint, ...alternatives], style: 'list' },
      ],
      notes: ['Nothing was recorded or changed.'],
      fallback: `No plan for ${fix.action} on ${fix.cluster}: ${r.reasons.join('; ')}`,
    });
  }
  let request: Awaited<ReturnType<typeof fixes.approvals.propose>>;
  try {
    request = await fixes.approvals.propose({
      plan: planned.plan,
      user: actor.user,
      channel,
      thread: fix.thread?.ts ?? null,
      diagnosis: note(planned.diagnosis),
    });
  } catch (err) {
    log.warn({ event: 'fix_request_failed', code: toApprovalError(err).code });
    return say(storeProblem(err));
  }
  if (!request.ok) return say(problem(request.refusal.message, request.refusal.hint));
  const req = request.request;
  const card = approvalCard(req);
  let ref: MessageRef;
  try {
    ref = fix.thread ? await transport.reply(fix.thread, card) : await transport.post(actor.channel, card);
  } catch (err) {
    const why = transport.explainFailure?.(err) ?? 'posting failed';
    const notes = [
      ...(card.notes ?? []),
      `Only you can see this card: ${why} Approvers can use /redis approve ${req.id}.`,
    ];
    return say({ ...card, notes });
  }
  // Where the card is, so any replica can update it and post progress; the request works without it.
  await fixes.approvals.store
    .setCard(req.id, ref.ts, fix.thread?.ts ?? ref.ts)
    .catch((err) =>
      log.warn({ event: 'card_not_recorded', requestId: req.id, code: toApprovalError(err).code }),
    );
}

function note(d: Diagnosis): { state: string; rootCauses: string[] } {
  return { state: d.state, rootCauses: d.rootCauses.map((rc) => rc.code) };
}
