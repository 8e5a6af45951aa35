/**
 * One live diagnosis as the chat sees it: a parent message, each step in its thread as it completes,
 * then the parent updated with the verdict. Bounded by a deadline so a hung probe never leaves
 * "Diagnosing..." forever.
 */
import type { Logger } from 'pino';
import type { Diagnosis, StepResult } from '../diagnose/types.ts';
import { type Metrics, nullMetrics } from '../ops/metrics.ts';
import { selectRunbook } from '../runbooks/registry.ts';
import type { DiagnosisService, RunbookName } from '../runbooks/types.ts';
import type { DetailsStore } from './details/types.ts';
import type { BotMessage, EphemeralTarget, MessageRef, Transport } from './message.ts';
import { startedMessage, stepMessage, verdictMessage } from './render/diagnosis.ts';
import { sharedDiagnosis } from './single-flight.ts';

export interface RunDiagnosisInput {
  service: DiagnosisService;
  transport: Transport;
  logger: Logger;
  requester: { user: string; channel: string };
  target: EphemeralTarget;
  cluster: string;
  runbook: RunbookName | null;
  runbookTitle: string | null;
  deadlineMs?: number;
  /** Offer a "Request fix" button under each recommended action that has parameters. */
  fixButtons?: boolean;
  metrics?: Metrics;
  /** Aborted when the process is shutting down: the verdict then says so instead of waiting longer. */
  wrapUp?: AbortSignal;
  /** Keeps the verdict's details behind its Details button. */
  details: DetailsStore;
}

const DEFAULT_DEADLINE_MS = 60_000;

/** Runs the diagnosis and reports it; never throws (every failure becomes a message and a log line). */
export async function runDiagnosis(input: RunDiagnosisInput): Promise<void> {
  const { transport, logger, requester, cluster } = input;
  const log = logger.child({ cluster, user: requester.user, channel: requester.channel });
  // Let requests already waiting in the event loop be acknowledged before this one's slow work starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  // The parent is posted while the probe already runs: a slow or unreachable Slack must not delay it.
  const posts: PostState = { parent: null, failure: undefined, lostSteps: 0 };
  const parentPosted = transport
    .post(requester.channel, startedMessage(cluster, input.runbookTitle, requester.user))
    .then(
      (ref) => {
        posts.parent = ref;
      },
      (err: unknown) => {
        posts.failure = err;
        log.warn({ event: 'post_failed', code: errCode(err) }, 'could not post the parent message');
      },
    );
  const posted = new Set<string>();
  let chain: Promise<void> = parentPosted;
  const postStep = (step: StepResult, index: number, total: number) => {
    if (posted.has(step.id)) return;
    posted.add(step.id);
    chain = chain.then(async () => {
      if (!posts.parent) return;
      try {
        await transport.reply(posts.parent, stepMessage(step, index, total));
      } catch (err) {
        posts.failure = err;
        posts.lostSteps += 1;
        log.warn({ event: 'step_post_failed', step: step.id, code: errCode(err) }, 'step not posted');
      }
    });
  };
  const started = Date.now();
  const shared = sharedDiagnosis(input.service, cluster, input.runbook, postStep);
  const outcome = await withDeadline(shared.promise, input.deadlineMs ?? DEFAULT_DEADLINE_MS, input.wrapUp);
  if (outcome.kind !== 'done' && outcome.kind !== 'error') shared.forget();
  const steps = outcome.kind === 'done' ? (outcome.diagnosis.steps ?? []) : [];
  steps.forEach((s, i) => {
    postStep(s, i, steps.length);
  });
  await chain;
  const verdict = await input.details.attach(verdictFor(outcome, input), cluster);
  if (posts.parent && posts.lostSteps > 0) {
    const why = explain(transport, posts.failure);
    verdict.notes = [
      ...(verdict.notes ?? []),
      `${posts.lostSteps} step(s) could not be posted in the thread: ${why}`,
    ];
  }
  const ms = Date.now() - started;
  log.info({ event: 'diagnosis_done', outcome: outcome.kind, ms });
  const result = outcome.kind === 'done' ? outcome.diagnosis.state : outcome.kind;
  (input.metrics ?? nullMetrics).diagnosis('live', result, ms / 1000);
  await deliver(input, posts, verdict, log);
}

interface PostState {
  parent: MessageRef | null;
  /** The last error posting to the channel, to tell the user why the thread is incomplete. */
  failure: unknown;
  lostSteps: number;
}

function explain(transport: Transport, err: unknown): string {
  return transport.explainFailure?.(err) ?? `posting failed (${errCode(err)}).`;
}

type Outcome =
  | { kind: 'done'; diagnosis: Diagnosis }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout'; ms: number }
  | { kind: 'interrupted' };

function verdictFor(outcome: Outcome, input: RunDiagnosisInput): BotMessage {
  const { cluster } = input;
  const warning = (title: string, text: string): BotMessage => ({
    tone: 'warning',
    title: `${cluster}: ${title}`,
    text,
    requestedBy: input.requester.user,
    fallback: text,
  });
  switch (outcome.kind) {
    case 'done': {
      const d = outcome.diagnosis;
      const runbook = input.runbook ?? selectRunbook(d);
      return verdictMessage(d, cluster, input.requester.user, runbook, {
        fixButtons: input.fixButtons ?? false,
      });
    }
    case 'interrupted':
      return warning(
        'diagnosis interrupted',
        `The bot is restarting, so the diagnosis of ${cluster} stopped before it finished. Steps that completed are in the thread; run /redis diagnose ${cluster} again in a minute.`,
      );
    case 'timeout':
      return warning(
        'diagnosis timed out',
        `The diagnosis of ${cluster} did not finish within ${Math.round(outcome.ms / 1000)} s. Steps that completed are in the thread; the cluster may be partly unreachable. Try /redis nodes ${cluster} or run the runbook again.`,
      );
    default:
      return warning(
        'diagnosis failed',
        `Could not diagnose ${cluster}: ${firstLine(outcome.error)} (${errCode(outcome.error)}).`,
      );
  }
}

async function deliver(input: RunDiagnosisInput, posts: PostState, verdict: BotMessage, log: Logger) {
  const { transport } = input;
  const { parent } = posts;
  if (parent) {
    try {
      await transport.update(parent, verdict);
      return;
    } catch (err) {
      posts.failure = err;
      log.warn({ event: 'update_failed', code: errCode(err) }, 'verdict update failed; replying instead');
    }
    try {
      await transport.reply(parent, verdict);
      return;
    } catch (err) {
      posts.failure = err;
      log.warn({ event: 'reply_failed', code: errCode(err) }, 'verdict reply failed');
    }
  }
  const where = parent
    ? 'Only you can see this verdict: I could not add it to the thread.'
    : 'Only you can see this, and the steps were not posted.';
  const notes = [...(verdict.notes ?? []), `${where} ${explain(transport, posts.failure)}`];
  try {
    await transport.ephemeral(input.target, { ...verdict, notes });
    log.info(
      { event: 'verdict_ephemeral', code: errCode(posts.failure) },
      'verdict sent to the requester only',
    );
  } catch (err) {
    log.error({ event: 'ephemeral_failed', code: errCode(err) }, 'could not deliver the verdict at all');
  }
}

async function withDeadline(work: Promise<Diagnosis>, ms: number, wrapUp?: AbortSignal): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', ms }), ms);
    timer.unref();
    onAbort = () => resolve({ kind: 'interrupted' });
    if (wrapUp?.aborted) onAbort();
    else wrapUp?.addEventListener('abort', onAbort, { once: true });
  });
  const done = work.then(
    (diagnosis): Outcome => ({ kind: 'done', diagnosis }),
    (error: unknown): Outcome => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort) wrapUp?.removeEventListener('abort', onAbort);
  }
}

function errCode(err: unknown): string {
  const code =
    (err as { code?: unknown; data?: { error?: unknown } } | null)?.data?.error ??
    (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
