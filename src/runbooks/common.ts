/** Helpers every runbook step uses: building results, operator commands, picking nodes, short lists. */
import type { ModelNode } from '../cluster/model-types.ts';
import {
  isHostPort,
  redisCli,
  redisCliBare,
  silentAddresses,
  UNKNOWN_ADDRESS,
} from '../cluster/redis-cli.ts';
import { countSlots, formatRanges } from '../cluster/slots.ts';
import type { NodeObservation, SlotRange } from '../cluster/types.ts';
import type { Finding, FindingCode, StepResult } from '../diagnose/types.ts';
import type { RunbookContext, RunbookStep } from './types.ts';

export {
  isHostPort,
  reachAddress,
  SILENT_NODE_TIMEOUT_S,
  UNKNOWN_ADDRESS,
  withCliAuth,
} from '../cluster/redis-cli.ts';

/** Evidence lines a step shows before summarising the rest. */
export const MAX_LINES = 14;

type Body = Omit<StepResult, 'id' | 'title' | 'verdict' | 'skippedReason'>;

/** A step result with verdict 'ok'. */
export function ok(step: Pick<RunbookStep, 'id' | 'title'>, body: Body): StepResult {
  return { id: step.id, title: step.title, ...body, verdict: 'ok' };
}

/** A step result with verdict 'problem'. */
export function problem(step: Pick<RunbookStep, 'id' | 'title'>, body: Body): StepResult {
  return { id: step.id, title: step.title, ...body, verdict: 'problem' };
}

/** A step result with verdict 'skipped' and why. */
export function skipped(step: Pick<RunbookStep, 'id' | 'title'>, body: Body, why: string): StepResult {
  return { id: step.id, title: step.title, ...body, verdict: 'skipped', skippedReason: why };
}

/** Caps a list of lines, saying how many were left out. */
export function cap(lines: readonly string[], max = MAX_LINES): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `… and ${lines.length - max} more`];
}

/**
 * `redis-cli -h H -p P <args>` for a node address, with the cluster's auth hints; bounded by `timeout` when
 * that node did not answer the probe, because redis-cli waits forever on a frozen process.
 */
export function cli(ctx: RunbookContext, address: string, args: string): string {
  return redisCli(address, args, {
    auth: ctx.auth,
    bounded: silentAddresses(ctx.snapshot).includes(address),
  });
}

/**
 * A cluster-bus port check that needs nothing but bash (no netcat): prints "bus port P accepts TCP" when
 * it is open, bash's "Connection refused" when nothing listens, and nothing (exit 124) when nothing
 * answers within 3 s (a firewall dropping packets).
 */
export function busPortCheck(host: string, port: number | string): string {
  return `timeout 3 bash -c '</dev/tcp/${host}/${port}' && echo "bus port ${port} accepts TCP"`;
}

/** Other ways to check a bus port, and what each prints (checked against redis-server 7.0). */
export const BUS_CHECK_ALTERNATIVES =
  'Without bash: `nc -vz -w 2 <host> <bus port>`, or `redis-cli -h <host> -p <bus port> ping`, which answers "Error: Connection reset by peer" when the bus port is open (the bus drops a peer that does not speak its protocol) and "Connection refused" when it is closed. A stopped (SIGSTOP) process still accepts TCP on both ports: only a command on the data port tells it is frozen.';

/**
 * `redis-cli --cluster check H:P` against the entry node. It hangs for good while any node accepts TCP
 * and does not answer, so then it is bounded by `timeout` and says so.
 */
export function clusterCheck(ctx: RunbookContext): string {
  const entry = entryAddress(ctx);
  const silent = silentAddresses(ctx.snapshot)[0];
  if (!silent) return redisCliBare(`--cluster check ${entry}`, ctx.auth);
  return (
    `${redisCliBare(`--cluster check ${entry}`, ctx.auth, 'timeout 10 ')}   # hangs while ${silent} does not answer ` +
    `(exit 124 after 10 s): read "cluster nodes" on ${entry} instead`
  );
}

/**
 * The node to run cluster-wide commands against: the first one that answered, else the first observation
 * or known node with a real address, else a "<host>:<port>" placeholder.
 */
export function entryAddress(ctx: RunbookContext): string {
  const where = (o: NodeObservation) => o.contactedAddress ?? o.address;
  const answered = ctx.snapshot.observations.find((o) => o.nodes && !o.error && isHostPort(where(o)));
  const any = answered ?? ctx.snapshot.observations.find((o) => isHostPort(where(o)));
  if (any) return where(any);
  return ctx.model.nodes.find((n) => isHostPort(n.label))?.label ?? UNKNOWN_ADDRESS;
}

/** Observations that answered with their own CLUSTER NODES. */
export function answered(ctx: RunbookContext): NodeObservation[] {
  return ctx.snapshot.observations.filter((o) => o.nodes && !o.error);
}

/** Findings of the diagnosis with one of these codes. */
export function findings(ctx: RunbookContext, ...codes: FindingCode[]): Finding[] {
  return ctx.diagnosis.findings.filter((f) => codes.includes(f.code));
}

/** "10923-16383 (5461 slots)" */
export function slotText(ranges: readonly SlotRange[]): string {
  const n = countSlots(ranges);
  const text = formatRanges(ranges);
  const short = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return `${short} (${n} slot${n === 1 ? '' : 's'})`;
}

/** First 8 chars of a node id, for display. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "127.0.0.1:7002 (master, id 1a2b3c4d)" */
export function nodeName(n: ModelNode): string {
  const role = n.role === 'unknown' ? 'node' : n.role;
  return n.label === n.id ? `${role} ${shortId(n.id)}` : `${n.label} (${role}, id ${shortId(n.id)})`;
}

/** How the cluster and the probe see a node, in a few words. */
export function healthText(n: ModelNode): string {
  const parts: string[] = [];
  if (n.failBy.length > 0) parts.push(`flagged FAIL by ${n.failBy.length} node(s)`);
  else if (n.pfailBy.length > 0) parts.push(`flagged PFAIL (fail?) by ${n.pfailBy.length} node(s)`);
  if (n.probeError) parts.push(`probe: ${probeErrorText(n.probeError.kind)}`);
  if (parts.length === 0) parts.push(n.health === 'ok' ? 'healthy' : n.health);
  return parts.join('; ');
}

/** Plain words for a ProbeErrorKind. */
export function probeErrorText(kind: string): string {
  switch (kind) {
    case 'timeout':
      return 'no answer in time (frozen, overloaded or blackholed)';
    case 'refused':
      return 'connection refused (nothing listens: process down)';
    case 'auth':
      return 'authentication refused';
    case 'tls':
      return 'TLS handshake refused (check the tls settings)';
    case 'loading':
      return 'still loading its dataset';
    case 'not-cluster':
      return 'not in cluster mode';
    default:
      return 'error';
  }
}

/** Joins words with commas and a final "and". */
export function list(words: readonly string[], max = 6): string {
  const shown = words.slice(0, max);
  const more = words.length > max ? ` and ${words.length - max} more` : '';
  if (shown.length <= 1) return `${shown[0] ?? ''}${more}`;
  return more ? `${shown.join(', ')}${more}` : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** "1 node" / "3 nodes" */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The id and title of a step, which every result repeats. */
export interface StepHead {
  id: string;
  title: string;
}

/** Declares a step; `body` gets the context and the step's id/title to build its result with. */
export function defineStep(
  id: string,
  title: string,
  body: (ctx: RunbookContext, self: StepHead) => StepResult,
): RunbookStep {
  const head = { id, title };
  return { id, title, run: (ctx) => body(ctx, head) };
}

/** A skipped result whose reason depends on where the snapshot came from (a live probe or a paste). */
export function skippedBySource(
  ctx: RunbookContext,
  self: StepHead,
  body: Body,
  why: { live: string; paste: string },
): StepResult {
  return skipped(self, body, ctx.snapshot.source === 'live' ? why.live : why.paste);
}

/**
 * A skipped result when no node's own CLUSTER NODES view was available (nothing answered, or the paste
 * had none), so a step never reports "ok" about a cluster it could not see; null when there is a view.
 */
export function withoutView(ctx: RunbookContext, self: StepHead, command: string): StepResult | null {
  if (ctx.model.hasFullView && ctx.model.nodes.length > 0) return null;
  return skippedBySource(
    ctx,
    self,
    { command, evidence: [], meaning: 'Run the command yourself: nothing here could be checked.' },
    {
      live: 'no node answered with its CLUSTER NODES view',
      paste: 'the paste holds no CLUSTER NODES output',
    },
  );
}

/** A skipped result saying `meaning` and `why` when the model lacks a full view; null when it has one. */
export function withoutFullView(
  ctx: RunbookContext,
  self: StepHead,
  command: string,
  meaning: string,
  why: string,
): StepResult | null {
  return ctx.model.hasFullView ? null : skipped(self, { command, evidence: [], meaning }, why);
}

/** For a step that found nothing to report: skipped when there was no view to look in, else 'ok' saying `meaning`. */
export function nothingFound(
  ctx: RunbookContext,
  self: StepHead,
  command: string,
  meaning: string,
): StepResult {
  return withoutView(ctx, self, command) ?? ok(self, { command, evidence: [], meaning });
}

/** 'problem' when `isProblem`, else 'ok', with the same body. */
export function problemIf(isProblem: boolean, self: StepHead, body: Body): StepResult {
  return isProblem ? problem(self, body) : ok(self, body);
}

/** 'ok' with `fine` when `problems` is empty; else 'problem' listing them (capped) with `meaning`. */
export function okUnless(
  self: StepHead,
  command: string,
  problems: readonly string[],
  fine: { evidence: string[]; meaning: string },
  meaning: string,
): StepResult {
  if (problems.length === 0) return ok(self, { command, evidence: fine.evidence, meaning: fine.meaning });
  return problem(self, { command, evidence: cap(problems), meaning });
}
