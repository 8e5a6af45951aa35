/**
 * Turns recognised errors into explanations: the catalogue's meaning, causes and next checks with the
 * host, port and slot of the error filled in, the repeat and flapping patterns of MOVED put first, and,
 * when a cluster model is given, what the cluster says about that slot or node right now. Pure.
 */
import { CLIENT_ERRORS } from './catalogue-client.ts';
import { REDIS_ERRORS } from './catalogue-redis.ts';
import type { CatalogueEntry } from './catalogue-types.ts';
import { type LiveLookup, liveFacts } from './live.ts';
import { readNode } from './recognise.ts';
import type { ExplainCode, ExplainedError, RecognisedError } from './types.ts';

const CATALOGUE = new Map<ExplainCode, CatalogueEntry>(
  [...REDIS_ERRORS, ...CLIENT_ERRORS].map((e) => [e.code, e]),
);

/** The catalogue entry of `code` (every code has one). */
export function catalogueEntry(code: ExplainCode): CatalogueEntry {
  return CATALOGUE.get(code)!;
}

interface Fill {
  host?: string;
  port?: number;
  slot?: number;
  count: number;
}

/** Fills {host}, {port}, {slot} and {count}; unknown ones read <host>, <port>, <slot>. */
export function fillIn(text: string, f: Fill): string {
  return text
    .replace(/\{host\}/g, f.host ?? '<host>')
    .replace(/\{port\}/g, f.port !== undefined ? String(f.port) : '<port>')
    .replace(/\{slot\}/g, f.slot !== undefined ? String(f.slot) : '<slot>')
    .replace(/\{count\}/g, String(f.count));
}

const HEADLINES: Record<ExplainCode, (e: RecognisedError) => string> = {
  CLUSTERDOWN: (e) =>
    e.variant === 'slot-not-served'
      ? 'CLUSTERDOWN Hash slot not served'
      : e.variant === 'cluster-down-readonly'
        ? 'CLUSTERDOWN The cluster is down and only accepts read commands'
        : e.variant === 'cluster-down'
          ? 'CLUSTERDOWN The cluster is down'
          : 'CLUSTERDOWN',
  MOVED: (e) => (e.slot !== undefined ? `MOVED ${e.slot} ${e.node ?? ''}`.trim() : 'MOVED'),
  ASK: (e) => (e.slot !== undefined ? `ASK ${e.slot} ${e.node ?? ''}`.trim() : 'ASK'),
  CROSSSLOT: () => "CROSSSLOT Keys in request don't hash to the same slot",
  TRYAGAIN: () => 'TRYAGAIN Multiple keys request during rehashing of slot',
  LOADING: () => 'LOADING Redis is loading the dataset in memory',
  READONLY: () => "READONLY You can't write against a read only replica",
  MASTERDOWN: () => 'MASTERDOWN Link with MASTER is down',
  NOAUTH: () => 'NOAUTH Authentication required',
  WRONGPASS: () => 'WRONGPASS invalid username-password pair or user is disabled',
  NOREPLICAS: () => 'NOREPLICAS Not enough good replicas to write',
  TOO_MANY_REDIRECTIONS: () => 'The client gave up after too many redirections or attempts',
  CLUSTER_UNREACHABLE: () => 'The client could not load the cluster topology from any node',
  SLOT_NOT_COVERED: (e) => `The client has no node for slot ${e.slot ?? '<slot>'} in its slot map`,
  SLOT_NODE_UNREACHABLE: (e) =>
    `The client cannot reach ${e.node ?? 'the node'} serving slot ${e.slot ?? '<slot>'}`,
  NODE_NOT_IN_TOPOLOGY: (e) =>
    `The client will not connect to ${e.node ?? 'a node'}: not in its cluster view`,
};

/** "MOVED 5649 10.0.0.2:6379 (Jedis: JedisMovedDataException), 3 times". */
export function headline(e: RecognisedError): string {
  const forms = e.forms.filter((f) => f !== 'raw' && f !== 'max redirections');
  const how = [e.clients.join('/'), forms.join('/')].filter(Boolean).join(': ');
  return `${HEADLINES[e.code](e)}${how ? ` (${how})` : ''}${e.count > 1 ? `, ${e.count} times` : ''}`;
}

/** Slots that MOVED sent to more than one node in this text, with the nodes. */
function flappingSlots(errors: readonly RecognisedError[]): Map<number, string[]> {
  const targets = new Map<number, string[]>();
  for (const e of errors) {
    if (e.code !== 'MOVED' || e.slot === undefined || !e.node) continue;
    const list = targets.get(e.slot) ?? [];
    if (!list.includes(e.node)) list.push(e.node);
    targets.set(e.slot, list);
  }
  for (const [slot, nodes] of targets) if (nodes.length < 2) targets.delete(slot);
  return targets;
}

/** Explains each error; with `live`, adds what the cluster says now about its slot or node. */
export function explainErrors(errors: readonly RecognisedError[], live?: LiveLookup): ExplainedError[] {
  const flapping = flappingSlots(errors);
  return errors.map((e) => {
    const entry = catalogueEntry(e.code);
    const variant = e.variant ? entry.variants?.[e.variant] : undefined;
    const node = e.node ? readNode(e.node) : null;
    const f: Fill = { count: e.count };
    if (node) {
      f.host = node.host;
      f.port = node.port;
    }
    if (e.slot !== undefined) f.slot = e.slot;
    const causes = [...(variant?.causes ?? entry.causes)];
    if (entry.repeated && e.count > 1) causes.unshift(entry.repeated);
    const others = e.slot !== undefined ? flapping.get(e.slot) : undefined;
    if (others) {
      causes.unshift(
        `Slot ${e.slot} was redirected to different nodes in this text (${others.join(', ')}): its owner changed between these errors (a failover or reshard), or nodes disagree about who owns it.`,
      );
    }
    const out: ExplainedError = {
      code: e.code,
      title: headline(e),
      meaning: fillIn(variant?.meaning ?? entry.meaning, f),
      causes: [...new Set(causes)].map((c) => fillIn(c, f)),
      next: entry.next.map((n) => fillIn(n, f)),
      count: e.count,
      clients: e.clients,
    };
    if (e.slot !== undefined) out.slot = e.slot;
    if (e.node) out.node = e.node;
    const facts = live ? liveFacts(e, live) : [];
    if (facts.length > 0) out.live = facts;
    return out;
  });
}

/** True when an error names a slot or a node, or is CLUSTERDOWN: a live look at the cluster helps. */
export function wantsLiveLook(e: RecognisedError): boolean {
  return e.slot !== undefined || e.node !== undefined || e.code === 'CLUSTERDOWN';
}
