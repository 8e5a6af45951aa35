/** Helpers every runbook step uses: building results, operator commands, picking nodes, short lists. */
import type { ModelNode } from '../cluster/model-types.ts';
import { countSlots, formatRanges } from '../cluster/slots.ts';
import type { NodeObservation, SlotRange } from '../cluster/types.ts';
import type { Finding, FindingCode, StepResult } from '../diagnose/types.ts';
import type { RunbookContext, RunbookStep } from './types.ts';

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

/** Splits "host:port" (bracketed IPv6 allowed) for a redis-cli command line. */
function hostPort(address: string): { host: string; port: string } {
  const i = address.lastIndexOf(':');
  if (i <= 0) return { host: address, port: '6379' };
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: address.slice(i + 1) };
}

/** Credential part of a redis-cli command: env var name and user, never a password. */
function authPrefix(auth: RunbookContext['auth']): { env: string; flags: string } {
  const env = auth?.passwordEnv ? `REDISCLI_AUTH="$${auth.passwordEnv}" ` : '';
  const flags = auth?.username ? ` --user ${auth.username}` : '';
  return { env, flags };
}

/**
 * Rewrites every `redis-cli -h` in recommended-action text to carry the cluster's credentials (the env var
 * name and ACL user, never a password), so a command copied from a root cause works on a password cluster.
 * Idempotent; text without credentials configured comes back unchanged.
 */
export function withCliAuth(text: string, auth: RunbookContext['auth']): string {
  if (!auth?.passwordEnv && !auth?.username) return text;
  const { env, flags } = authPrefix(auth);
  return text.replace(/(REDISCLI_AUTH="[^"]*" )?redis-cli( --user \S+)? -h /g, `${env}redis-cli${flags} -h `);
}

/** Seconds a command to a node that did not answer the probe may take before `timeout` ends it. */
export const SILENT_NODE_TIMEOUT_S = 5;

/** Addresses the probe reached that accepted TCP but never answered (frozen): redis-cli would hang there. */
function silentAddresses(ctx: RunbookContext): string[] {
  return ctx.snapshot.observations
    .filter((o) => o.error?.kind === 'timeout')
    .map((o) => o.contactedAddress ?? o.address);
}

/**
 * `redis-cli -h H -p P <args>` for a node address, with the cluster's auth hints; bounded by `timeout` when
 * that node did not answer the probe, because redis-cli waits forever on a frozen process.
 */
export function cli(ctx: RunbookContext, address: string, args: string): string {
  const { host, port } = hostPort(address);
  const { env, flags } = authPrefix(ctx.auth);
  const bound = silentAddresses(ctx).includes(address) ? `timeout ${SILENT_NODE_TIMEOUT_S} ` : '';
  return `${env}${bound}redis-cli -h ${host} -p ${port}${flags} ${args}`;
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
  const { env, flags } = authPrefix(ctx.auth);
  const entry = entryAddress(ctx);
  const silent = silentAddresses(ctx)[0];
  if (!silent) return `${env}redis-cli${flags} --cluster check ${entry}`;
  return (
    `${env}timeout 10 redis-cli${flags} --cluster check ${entry}   # hangs while ${silent} does not answer ` +
    `(exit 124 after 10 s): read "cluster nodes" on ${entry} instead`
  );
}

/** What a command shows when no usable "host:port" is known (e.g. a paste without addresses). */
export const UNKNOWN_ADDRESS = '<host>:<port>';

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;

/** True when `address` can go on a command line as "host:port" (not "paste#1", not a node id). */
export function isHostPort(address: string | undefined): address is string {
  return !!address && HOST_PORT.test(address);
}

/** The address an operator can reach a node at: where the probe connected, else its label. */
export function reachAddress(n: ModelNode): string {
  const a = n.observation?.contactedAddress ?? n.label;
  return isHostPort(a) ? a : UNKNOWN_ADDRESS;
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
