/**
 * The observer the entry point hands the fix worker: it turns transitions and execution events into
 * chat, through the same Transport (Slack or terminal). The card is updated at every transition; the
 * thread gets each decision, each step (posted when it starts, updated when it ends), the re-diagnosis
 * and the outcome naming the approvers; an interrupted run gets a fresh diagnosis. It uses only what the
 * request stores (channel, thread, card), so any replica can report any request. Never throws.
 */
import type { Logger } from 'pino';
import type { ExecutionEvent } from '../actions/types.ts';
import type { ApprovalRequest, AuditEventName, FixObserver } from '../approvals/types.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { codeOf } from './error-text.ts';
import { type BotMessage, type MessageRef, note, type Transport } from './message.ts';
import { approvalCard, outcomeMessage } from './render/approval.ts';
import { verdictMessage } from './render/diagnosis.ts';

/** What the observer posts through, and how it diagnoses afresh. */
export interface FixProgressDeps {
  transport: Transport;
  logger: Logger;
  /** A fresh live diagnosis of `cluster`, for requests whose outcome is unknown. */
  diagnose?: (cluster: string) => Promise<Diagnosis>;
}

const FINAL: AuditEventName[] = ['succeeded', 'failed', 'unknown-outcome'];

/** Builds the observer. */
export function createFixProgress(deps: FixProgressDeps): FixObserver {
  const { transport, logger } = deps;
  /** Step messages of runs in this process, to update each one when its step ends. */
  const steps = new Map<string, MessageRef>();
  const safely = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      logger.warn({ event: 'fix_chat_failed', what, code: codeOf(err) });
    }
  };
  const thread = (req: ApprovalRequest): MessageRef | null => {
    const ts = req.thread ?? req.card;
    return ts ? { channel: req.channel, ts } : null;
  };
  const reply = async (req: ApprovalRequest, msg: BotMessage): Promise<MessageRef | null> => {
    const parent = thread(req);
    if (parent) return transport.reply(parent, msg);
    return transport.post(req.channel, msg);
  };

  return {
    async changed(req, event) {
      if (req.card)
        await safely('card', () =>
          transport.update({ channel: req.channel, ts: req.card as string }, approvalCard(req)),
        );
      const line = decisionLine(req, event);
      if (line) await safely('decision', () => reply(req, line));
      if (FINAL.includes(event)) {
        await safely('outcome', () => reply(req, outcomeMessage(req)));
      }
      if (event === 'unknown-outcome' && deps.diagnose) {
        const diagnose = deps.diagnose;
        await safely('rediagnosis', async () => {
          const d = await diagnose(req.cluster);
          await reply(req, { ...verdictMessage(d, req.cluster, req.requestedBy, null), buttons: [] });
        });
      }
    },

    async progress(req, event) {
      const key = (i: number) => `${req.id}:${i}`;
      const msg = progressMessage(event);
      if (!msg) return;
      if (event.type === 'step-started') {
        await safely('step', async () => {
          const ref = await reply(req, msg);
          if (ref) steps.set(key(event.index), ref);
        });
        return;
      }
      if (event.type === 'step-finished' || event.type === 'step-failed') {
        const ref = steps.get(key(event.index));
        steps.delete(key(event.index));
        await safely('step', () => (ref ? transport.update(ref, msg) : reply(req, msg)));
        return;
      }
      await safely('progress', () => reply(req, msg));
    },
  };
}

/** The thread line of a decision (the outcome has its own message). */
function decisionLine(req: ApprovalRequest, event: AuditEventName): BotMessage | null {
  const last = req.approvals.at(-1)?.user ?? req.decidedBy ?? '?';
  switch (event) {
    case 'approved':
      return req.state === 'pending'
        ? note(
            `${last} approved ${req.id} (${req.approvals.length} of ${req.approvalsNeeded}); it needs another, different approver.`,
          )
        : note(`${last} approved ${req.id}: queued to run.`, 'ok');
    case 'denied':
      return note(
        `${req.decidedBy ?? '?'} denied ${req.id}${req.reason ? `: ${req.reason}` : ''}. Nothing will run.`,
        'skipped',
      );
    case 'cancelled':
      return note(`${req.requestedBy} withdrew ${req.id}. Nothing will run.`, 'skipped');
    case 'expired':
      return note(`${req.id} expired before it was approved. Nothing will run.`, 'skipped');
    case 'executing':
      return note(
        `Running ${req.id} (${req.plan.steps.length} steps) on ${req.cluster}; each step follows here.`,
        'running',
      );
    default:
      return null;
  }
}

/** One execution event as a thread message (progress ticks are not posted). */
export function progressMessage(event: ExecutionEvent): BotMessage | null {
  switch (event.type) {
    case 'preflight':
      return event.matches
        ? note(
            `Re-read the cluster: topology unchanged (fingerprint ${event.fingerprint.slice(0, 16)}).`,
            'ok',
          )
        : note(`Re-read the cluster: ${event.detail}. Nothing will run.`, 'problem');
    case 'step-started': {
      const title = `Step ${event.index + 1}/${event.total}: ${event.title}`;
      return {
        tone: 'running',
        title,
        sections: [{ lines: event.display, style: 'verbatim' }],
        fallback: title,
      };
    }
    case 'step-finished': {
      const text = `Step ${event.index + 1} ${event.outcome === 'ok' ? 'done' : 'skipped'} in ${secs(event.elapsedMs)}${event.note ? `: ${event.note}` : ''}.`;
      return note(text, event.outcome === 'ok' ? 'ok' : 'skipped');
    }
    case 'step-failed':
      return note(
        `Step ${event.index + 1} failed after ${secs(event.elapsedMs)}: ${event.message} (${event.code}). The steps after it do not run.`,
        'problem',
      );
    case 'verified': {
      const a = event.after;
      const text = `Re-diagnosis: cluster ${a.state}; ${a.causeGone ? 'the cause is gone' : 'the cause is still there'}${a.remaining.length > 0 ? `; remaining: ${a.remaining.join('; ')}` : ''}.`;
      return note(text, a.causeGone && a.state === 'ok' ? 'ok' : 'warning');
    }
    default:
      return null;
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
