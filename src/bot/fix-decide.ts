/**
 * Approve and Deny, from a button or a typed command: the decision is one compare-and-set in the
 * approvals room (a loser hears who won), the card is updated for everyone, and a refused click gets an
 * answer only its clicker sees, saying why. Never throws.
 */
import { toApprovalError } from '../approvals/errors.ts';
import type { FixActor } from './fix-deps.ts';
import { type FixFlowDeps, needsName, storeProblem } from './fix-request.ts';
import type { EphemeralTarget } from './message.ts';
import { note, problem } from './message.ts';

/** Records `choice` on request `id` by `actor`, and tells the chat. */
export async function decideFix(
  deps: FixFlowDeps,
  actor: FixActor,
  target: EphemeralTarget,
  decision: { id: string; choice: 'approve' | 'deny'; reason?: string },
): Promise<void> {
  const { transport, fixes } = deps;
  const log = deps.logger.child({ requestId: decision.id.slice(0, 20), user: actor.user });
  const say = (msg: Parameters<typeof transport.ephemeral>[1]) =>
    transport.ephemeral(target, msg).catch(() => undefined);
  const named = needsName(actor);
  if (named) return say(named);
  let decided: Awaited<ReturnType<typeof fixes.approvals.decide>>;
  try {
    decided = await fixes.approvals.decide(decision.id, {
      user: actor.user,
      channel: actor.unbound ? null : actor.channel,
      choice: decision.choice,
      ...(decision.reason ? { reason: decision.reason } : {}),
    });
  } catch (err) {
    log.warn({ event: 'decision_failed', code: toApprovalError(err).code });
    return say(storeProblem(err));
  }
  if (!decided.ok) {
    log.info({ event: 'decision_refused', code: decided.refusal.code });
    if (decided.expired && decided.request) await deps.progress.changed(decided.request, 'expired');
    return say(problem(decided.refusal.message, decided.refusal.hint));
  }
  const req = decided.request;
  log.info({ event: 'decision_recorded', state: req.state });
  await deps.progress.changed(req, decided.event);
  const said =
    req.state === 'approved'
      ? decided.queued === false
        ? `Approved ${req.id}. The queue did not take the job yet; it is added as soon as the queue Redis answers.`
        : `Approved ${req.id}: it is queued and runs once a worker takes it. Progress goes in the thread.`
      : req.state === 'pending'
        ? `Your approval of ${req.id} is recorded (${req.approvals.length} of ${req.approvalsNeeded}); it needs another, different approver.`
        : `${req.id} is ${req.state}: nothing will run.`;
  await say(note(said, req.state === 'approved' ? 'ok' : 'info'));
}
