/**
 * One live diagnosis as the chat sees it: a parent message, each step in its thread as it completes,
 * then the parent updated with the verdict. Bounded by a deadline so a hung probe never leaves
 * "Diagnosing..." forever.
 */
import type { Logger } from 'pino';
import type { Diagnosis, StepResult } from '../diagnose/types.ts';
import { selectRunbook } from '../runbooks/registry.ts';
import type { DiagnosisService, RunbookName } from '../runbooks/types.ts';
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
}

const DEFAULT_DEADLINE_MS = 60_000;

/** Runs the diagnosis and reports it; never throws (every failure becomes a message and a log line). */
export async function runDiagnosis(input: RunDiagnosisInput): Promise<void> {
  const { transport, logger, requester, cluster } = input;
  const log = logger.child({ cluster, user: requester.user, channel: requester.channel });
  // Let requests already waiting in the event loop be acknowledged before this one's slow work starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  let parent: MessageRef | null = null;
  try {
    parent = await transport.post(
      requester.channel,
      startedMessage(cluster, input.runbookTitle, requester.user),
    );
  } catch (err) {
    log.warn({ event: 'post_failed', code: errCode(err) }, 'could not post the parent message');
  }
  const posted = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const postStep = (step: StepResult, index: number, total: number) => {
    posted.add(step.id);
    const ref = parent;
    if (!ref) return;
    chain = chain.then(() =>
      transport.reply(ref, stepMessage(step, index, total)).then(
        () => undefined,
        (err) =>
          log.warn({ event: 'step_post_failed', step: step.id, code: errCode(err) }, 'step not posted'),
      ),
    );
  };
  const started = Date.now();
  const shared = sharedDiagnosis(input.service, cluster, input.runbook, postStep);
  const outcome = await withDeadline(shared.promise, input.deadlineMs ?? DEFAULT_DEADLINE_MS);
  if (outcome.kind === 'timeout') shared.forget();
  const steps = outcome.kind === 'done' ? (outcome.diagnosis.steps ?? []) : [];
  steps.forEach((s, i) => {
    if (!posted.has(s.id)) postStep(s, i, steps.length);
  });
  await chain;
  const verdict = verdictFor(outcome, input);
  log.info({ event: 'diagnosis_done', outcome: outcome.kind, ms: Date.now() - started });
  await deliver(input, parent, verdict, log);
}

type Outcome =
  | { kind: 'done'; diagnosis: Diagnosis }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout'; ms: number };

function verdictFor(outcome: Outcome, input: RunDiagnosisInput): BotMessage {
  const { cluster } = input;
  if (outcome.kind === 'done') {
    const d = outcome.diagnosis;
    return verdictMessage(d, cluster, input.requester.user, input.runbook ?? selectRunbook(d));
  }
  if (outcome.kind === 'timeout') {
    const text = `The diagnosis of ${cluster} did not finish within ${Math.round(outcome.ms / 1000)} s. Steps that completed are in the thread; the cluster may be partly unreachable. Try /redis nodes ${cluster} or run the runbook again.`;
    return {
      tone: 'warning',
      title: `${cluster}: diagnosis timed out`,
      text,
      requestedBy: input.requester.user,
      fallback: text,
    };
  }
  const text = `Could not diagnose ${cluster}: ${firstLine(outcome.error)} (${errCode(outcome.error)}).`;
  return {
    tone: 'warning',
    title: `${cluster}: diagnosis failed`,
    text,
    requestedBy: input.requester.user,
    fallback: text,
  };
}

async function deliver(
  input: RunDiagnosisInput,
  parent: MessageRef | null,
  verdict: BotMessage,
  log: Logger,
) {
  const { transport } = input;
  if (parent) {
    try {
      await transport.update(parent, verdict);
      return;
    } catch (err) {
      log.warn({ event: 'update_failed', code: errCode(err) }, 'verdict update failed; replying instead');
    }
    try {
      await transport.reply(parent, verdict);
      return;
    } catch (err) {
      log.warn({ event: 'reply_failed', code: errCode(err) }, 'verdict reply failed');
    }
  }
  const notes = [
    ...(verdict.notes ?? []),
    'I could not post in this channel, so only you see this and the steps were not posted. Invite me (/invite) for the threaded version.',
  ];
  try {
    await transport.ephemeral(input.target, { ...verdict, notes });
  } catch (err) {
    log.error({ event: 'ephemeral_failed', code: errCode(err) }, 'could not deliver the verdict at all');
  }
}

async function withDeadline(work: Promise<Diagnosis>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', ms }), ms);
    timer.unref();
  });
  const done = work.then(
    (diagnosis): Outcome => ({ kind: 'done', diagnosis }),
    (error: unknown): Outcome => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
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
