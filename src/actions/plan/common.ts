/**
 * What every planner shares: finding the node a parameter names (address or id), step builders that
 * carry the exact redis-cli command an operator would type (credentials by name only), the plan frame
 * and refusals. Pure: no I/O, never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { redisCli, silentAddresses } from '../../cluster/redis-cli.ts';
import type { ActionName, RecommendedAction, RootCauseCode } from '../../diagnose/types.ts';
import type { ActionErrorCode } from '../errors.ts';
import type {
  CommandStep,
  Condition,
  FanoutStep,
  NodeRef,
  Plan,
  PlanInput,
  Refusal,
  WaitStep,
} from '../types.ts';

/** The node `text` names: "ip:port" (announced or as contacted), a full id, or a unique id prefix. */
export function findNode(input: PlanInput, text: string): { node: ModelNode } | { error: string } {
  const t = text.trim();
  const nodes = input.model.nodes;
  const byAddress = nodes.filter(
    (n) => n.label === t || n.addressesSeen.includes(t) || n.observation?.contactedAddress === t,
  );
  const live = byAddress.filter((n) => !n.flags.includes('handshake'));
  if (live.length === 1 || byAddress.length === 1) return { node: (live[0] ?? byAddress[0])! };
  if (live.length > 1) {
    const self = live.filter((n) => n.selfSeen && n.observation?.address === t);
    if (self.length === 1) return { node: self[0]! };
    return {
      error: `${t} is listed for ${live.length} node ids (${live.map((n) => n.id.slice(0, 8)).join(', ')}): name the node by id`,
    };
  }
  const id = t.toLowerCase();
  if (/^[0-9a-f]{4,40}$/.test(id)) {
    const hits = nodes.filter((n) => n.id.startsWith(id));
    if (hits.length === 1) return { node: hits[0]! };
    if (hits.length > 1) return { error: `id prefix ${t} matches ${hits.length} nodes: give more of the id` };
  }
  return { error: `no node of the cluster is at ${t} or has that id` };
}

/** The node a parameter names, or the ACTION_BAD_PARAMS refusal that says how to name it (`how`). */
export function nodeParam(
  input: PlanInput,
  action: ActionName,
  text: string | undefined,
  how: string,
): { node: ModelNode } | { refusal: Refusal } {
  const found = findNode(input, text ?? '');
  if ('node' in found) return found;
  return { refusal: refuse(input, action, 'ACTION_BAD_PARAMS', [found.error], how) };
}

/** Why a named node will not do: the refusal's code, its reason and the hint. */
export interface NodeObjection {
  code: ActionErrorCode;
  reason: string;
  hint: string;
}

/**
 * The node an optional parameter names, once `objection` finds nothing against it; `fallback()` when the
 * parameter is absent (undefined when there is no default either). Refused when the named node is unknown
 * (ACTION_BAD_PARAMS, with `how`) or objected to.
 */
export function optionalNodeParam(
  input: PlanInput,
  action: ActionName,
  text: string | undefined,
  how: string,
  objection: (n: ModelNode) => NodeObjection | null,
  fallback: () => ModelNode | undefined,
): { node: ModelNode | undefined } | { refusal: Refusal } {
  if (!text) return { node: fallback() };
  const found = nodeParam(input, action, text, how);
  if ('refusal' in found) return found;
  const no = objection(found.node);
  return no ? { refusal: refuse(input, action, no.code, [no.reason], no.hint) } : found;
}

/** The reference a step carries: the full id when known, and the announced address. */
export function nodeRef(n: ModelNode): NodeRef {
  return { id: n.idComplete ? n.id : null, address: n.label };
}

/** Where an operator reaches an announced address: the registry's natMap entry, else itself. */
function reach(input: PlanInput, address: string): string {
  return input.natMap?.[address] ?? address;
}

/** Quotes one argument for a POSIX shell when it needs it. */
function shellWord(v: string): string {
  return /^[A-Za-z0-9._:/@,=+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The exact command line for `argv` on `address`, bounded by `timeout` when the node did not answer the probe. */
export function cliFor(input: PlanInput, address: string, argv: readonly string[]): string {
  return cliText(input, address, argv.map(shellWord).join(' '));
}

/** Like cliFor, with `args` already written for the shell (placeholders, "$VAR" references). */
export function cliText(input: PlanInput, address: string, args: string): string {
  const at = reach(input, address);
  const bounded = silentAddresses(input.snapshot).some((a) => a === at || a === address);
  return redisCli(at, args, { ...(input.auth ? { auth: input.auth } : {}), bounded });
}

/** A command step whose display is exactly `argv` on `node`. */
export function commandStep(
  input: PlanInput,
  id: string,
  title: string,
  node: NodeRef,
  argv: string[],
  extra: { skipIf?: Condition; waitsFor?: string } = {},
): CommandStep {
  return {
    kind: 'command',
    id,
    title,
    node,
    argv,
    display: [cliFor(input, node.address, argv)],
    ...(extra.waitsFor ? { waitsFor: extra.waitsFor } : {}),
    ...(extra.skipIf ? { skipIf: extra.skipIf } : {}),
  };
}

/** The same command on every node in `nodes`, one display line each. */
export function fanoutStep(
  input: PlanInput,
  id: string,
  title: string,
  nodes: NodeRef[],
  argv: string[],
  withinMs: number,
  alreadyDone: string[] = [],
): FanoutStep {
  return {
    kind: 'fanout',
    id,
    title,
    nodes,
    argv,
    withinMs,
    display: nodes.map((n) => cliFor(input, n.address, argv)),
    ...(alreadyDone.length > 0 ? { alreadyDone } : {}),
  };
}

/** A wait step; `check` is the read-only command an operator would run to see it. */
export function waitStep(
  id: string,
  title: string,
  until: Condition,
  timeoutMs: number,
  check: string,
  waitsFor: string,
): WaitStep {
  return { kind: 'wait', id, title, until, timeoutMs, display: [check], waitsFor };
}

type PlanFields = Pick<Plan, 'summary' | 'steps' | 'preconditions' | 'risks' | 'expected' | 'fixes'> &
  Partial<Pick<Plan, 'mutates' | 'advice' | 'dangerous'>>;

/** A plan computed from `input` for `action`. */
export function frame(input: PlanInput, action: ActionName, fields: PlanFields): Plan {
  return {
    version: 1,
    action,
    cluster: input.cluster,
    params: input.params,
    summary: fields.summary,
    steps: fields.steps,
    preconditions: fields.preconditions,
    risks: fields.risks,
    expected: fields.expected,
    fixes: fields.fixes,
    fingerprint: input.diagnosis.fingerprint,
    createdAt: input.now,
    mutates: fields.mutates ?? true,
    ...(fields.advice ? { advice: fields.advice } : {}),
    dangerous: fields.dangerous ?? [],
  };
}

/** A refusal: nothing will be changed; `reasons` carry the numbers, `hint` what to do instead. */
export function refuse(
  input: Pick<PlanInput, 'cluster'>,
  action: ActionName,
  code: ActionErrorCode,
  reasons: string[],
  hint: string,
  alternatives?: RecommendedAction[],
): Refusal {
  return {
    refused: true,
    action,
    cluster: input.cluster,
    code,
    reasons,
    hint,
    ...(alternatives && alternatives.length > 0 ? { alternatives } : {}),
  };
}

/**
 * Root causes of the diagnosis this plan alone removes: those that recommend `action`, name one of the
 * `touched` nodes (labels), and recommend no other executable action (restart-node is advice, an
 * alternative); never 'healthy' or 'undetermined'. A cause that needs several actions (forget, then
 * meet, then add a replica) is not claimed by any one of them.
 */
export function fixesOf(input: PlanInput, action: ActionName, touched: readonly string[]): RootCauseCode[] {
  const codes = input.diagnosis.rootCauses
    .filter(
      (c) =>
        c.code !== 'healthy' &&
        c.code !== 'undetermined' &&
        c.actions.some((a) => a.action === action) &&
        c.actions.every((a) => a.action === action || a.action === 'restart-node') &&
        c.nodes.some((n) => touched.includes(n)),
    )
    .map((c) => c.code);
  return [...new Set(codes)];
}

/** "1.2 MB" / "340 bytes": a byte count for risks. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A node's id, shortened for sentences. */
export function short(id: string): string {
  return id.slice(0, 8);
}
