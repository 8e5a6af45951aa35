/**
 * The fix commands and buttons, routed from the bot core: `fix`, `approve`, `deny`, `audit`, and the
 * Approve / Deny / Request fix buttons. Keeps core.ts a router. Without a queue Redis (no FixDeps) each
 * says that fixing is not enabled, and nothing else changes.
 */
import { toApprovalError } from '../approvals/errors.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import type { Command } from './commands.ts';
import { decideFix } from './fix-decide.ts';
import type { FixActor, FixDeps } from './fix-deps.ts';
import { createFixProgress } from './fix-progress.ts';
import { type FixFlowDeps, requestFix, storeProblem } from './fix-request.ts';
import { type BotMessage, type EphemeralTarget, note } from './message.ts';
import {
  ACTION_REMEDIATION_APPROVE,
  ACTION_REMEDIATION_DENY,
  ACTION_REQUEST_FIX,
  auditMessage,
  readRequestFix,
} from './render/approval.ts';

/** The commands this module routes. */
export type FixCommand = Extract<Command, { kind: 'fix' | 'approve' | 'deny' | 'audit' }>;

/** Action ids this module answers. */
export const FIX_ACTION_IDS = [ACTION_REMEDIATION_APPROVE, ACTION_REMEDIATION_DENY, ACTION_REQUEST_FIX];

/** The core's pieces the fix routes use. */
export interface FixRouteDeps extends Omit<FixFlowDeps, 'fixes' | 'progress'> {
  progress: FixFlowDeps['progress'] | undefined;
  fixes: FixDeps | undefined;
  /** The core's check of a cluster name and channel (null = allowed); `diagnose` also checks that permission. */
  gate(r: FixActor, cluster: string, command: string, diagnose: boolean): BotMessage | null;
  /** Clusters usable where `r` asked. */
  usable(r: FixActor): string[];
  target(r: FixActor): EphemeralTarget;
}

const NOT_ENABLED = note(
  'Fixing is not enabled here: this bot runs without a queue Redis (REDIS_URL), so it only diagnoses.',
  'warning',
);

/** The routes over the core's pieces, with the progress observer built on its transport (when fixing is on). */
export function createFixRoutes(
  deps: Omit<FixRouteDeps, 'progress'>,
  diagnose: (cluster: string) => Promise<Diagnosis>,
): FixRouteDeps {
  const progress = deps.fixes
    ? createFixProgress({ transport: deps.transport, logger: deps.logger, diagnose })
    : undefined;
  return { ...deps, progress };
}

/** A button click with where it was clicked. */
export interface FixClick extends FixActor {
  actionId: string;
  value: string;
  /** The thread of the clicked message (its own ts when it is not in a thread). */
  threadTs?: string;
}

/** Handles a fix command: acks at once, then does the slow work. */
export async function routeFixCommand(
  deps: FixRouteDeps,
  r: FixActor,
  cmd: FixCommand,
  ack: (msg: BotMessage) => Promise<void>,
): Promise<void> {
  const { fixes, progress } = deps;
  if (!fixes || !progress) return ack(NOT_ENABLED);
  const flow = { ...deps, fixes, progress };
  switch (cmd.kind) {
    case 'fix': {
      const refusal = deps.gate(r, cmd.cluster, 'fix', false);
      if (refusal) return ack(refusal);
      await ack(note(`Planning ${cmd.action} on ${cmd.cluster}: reading the cluster now…`, 'running'));
      return requestFix(flow, r, deps.target(r), { ...cmd, thread: null });
    }
    case 'approve':
    case 'deny':
      await ack(
        note(
          `Recording your ${cmd.kind === 'approve' ? 'approval' : 'denial'} of ${cmd.id.slice(0, 20)}…`,
          'running',
        ),
      );
      return decideFix(flow, r, deps.target(r), {
        id: cmd.id,
        choice: cmd.kind,
        ...(cmd.kind === 'deny' && cmd.reason ? { reason: cmd.reason } : {}),
      });
    case 'audit': {
      if (cmd.cluster) {
        const refusal = deps.gate(r, cmd.cluster, 'audit', true);
        if (refusal) return ack(refusal);
      }
      const clusters = cmd.cluster ? [cmd.cluster] : deps.usable(r);
      try {
        const entries = await fixes.approvals.recent(cmd.count, clusters);
        return ack(
          auditMessage(entries, cmd.cluster ?? `clusters usable here: ${clusters.join(', ') || 'none'}`),
        );
      } catch (err) {
        deps.logger.warn({ event: 'audit_read_failed', code: toApprovalError(err).code });
        return ack(storeProblem(err));
      }
    }
  }
}

/** Handles Approve, Deny and Request fix clicks (already acknowledged). */
export async function routeFixAction(deps: FixRouteDeps, click: FixClick): Promise<void> {
  const { fixes, progress } = deps;
  const target = deps.target(click);
  if (!fixes || !progress) return deps.transport.ephemeral(target, NOT_ENABLED);
  const flow = { ...deps, fixes, progress };
  if (click.actionId === ACTION_REQUEST_FIX) {
    const fix = readRequestFix(click.value);
    if (!fix)
      return deps.transport.ephemeral(target, note('This button does not name a fix I can read.', 'warning'));
    const refusal = deps.gate(click, fix.cluster, 'fix', false);
    if (refusal) return deps.transport.ephemeral(target, refusal);
    const thread = click.threadTs ? { channel: click.channel, ts: click.threadTs } : null;
    return requestFix(flow, click, target, { ...fix, thread });
  }
  const choice = click.actionId === ACTION_REMEDIATION_APPROVE ? 'approve' : 'deny';
  return decideFix(flow, click, target, { id: click.value, choice });
}
