/** The one entry point for pasted text: turns whatever an engineer pasted into a ClusterSnapshot. */
import { cleanPastedText } from './clean-text.ts';
import { parseCheckOutput } from './parse-check.ts';
import { parseNodeLines } from './parse-nodes.ts';
import type { Block, Built, PasteLine } from './paste-blocks.ts';
import { span, splitBlocks } from './paste-blocks.ts';
import { infoContradictions, rawArrayLines } from './paste-consistency.ts';
import { dedupeDumps } from './paste-dedupe.ts';
import type { InfoParts } from './paste-info.ts';
import { readInfoBlock } from './paste-info.ts';
import {
  boundIssues,
  capOutputs,
  cutIndexes,
  cutLineIssue,
  DEFAULT_PASTE_LIMITS,
  limitNotes,
  limitPaste,
  type PasteLimits,
} from './paste-limits.ts';
import { oddLineWarnings } from './paste-odd.ts';
import { pastedReplies } from './paste-replies.ts';
import { redactSecrets } from './redact.ts';
import type { ClusterSnapshot, NodeObservation } from './types.ts';
import { unwrapLines } from './unwrap.ts';

export { looksLikeClusterOutput } from './paste-detect.ts';

/** Pastes longer than this are cut (and the cut is reported) so one message cannot stall the bot. */
export const MAX_PASTE_CHARS = DEFAULT_PASTE_LIMITS.maxChars;
/** Pastes with more lines than this are cut too (and the cut is reported). */
export const MAX_PASTE_LINES = DEFAULT_PASTE_LIMITS.maxLines;

/** Options for snapshotFromPaste: a fixed timestamp (tests), the registry name, other caps (tests). */
export interface PasteOptions {
  takenAt?: string;
  cluster?: string;
  limits?: PasteLimits;
}

/** Lines the per-line cap cut (by their index after cleaning), and the cap. */
interface Cut {
  indexes: ReadonlySet<number>;
  maxLineChars: number;
}

function listNumbers(nums: readonly number[], max = 15): string {
  const shown = nums.slice(0, max).join(', ');
  return nums.length > max ? `${shown} and ${nums.length - max} more` : shown;
}

function fieldsFree(obs: NodeObservation, parts: InfoParts): boolean {
  return !(
    (parts.clusterInfo && obs.clusterInfo) ||
    (parts.replication && obs.replication) ||
    (parts.server && obs.server)
  );
}

function attach(obs: NodeObservation, parts: InfoParts): void {
  if (parts.clusterInfo) obs.clusterInfo = parts.clusterInfo;
  if (parts.replication) obs.replication = parts.replication;
  if (parts.server) obs.server = parts.server;
}

function buildNodes(
  block: Block,
  isLast: boolean,
  snap: ClusterSnapshot,
  n: number,
  cut: Cut,
): NodeObservation | null {
  const whole = block.lines.filter((l) => !cut.indexes.has(l.index ?? -1));
  const res = parseNodeLines(
    whole.map((l) => ({ text: l.text, lineNo: l.lineNo })),
    isLast,
  );
  const cutIssues = block.lines
    .filter((l) => cut.indexes.has(l.index ?? -1) && l.text.trim() !== '')
    .map((l) => cutLineIssue(l, cut.maxLineChars));
  const issues = boundIssues([...cutIssues, ...res.issues], redactSecrets).sort((a, b) => a.line - b.line);
  snap.parseIssues.push(...issues);
  if (res.truncatedLine !== null) {
    snap.warnings.push(
      `line ${res.truncatedLine} looks cut off mid-line (truncated paste?): whatever followed it is missing`,
    );
  }
  if (res.nodes.length === 0) return null; // only unreadable lines: their issues say why
  const me = res.nodes.find((node) => node.flags.includes('myself'));
  const own = me && me.ip !== '' ? `${me.ip}:${me.port}` : null;
  const address = block.address ?? own ?? `paste#${n}`;
  const where = span(block.lines);
  if (!me) {
    snap.warnings.push(
      `the CLUSTER NODES output at ${where} has no "myself" line (filtered with grep, or cut?): it cannot be attributed to a node, so it is kept as ${address}`,
    );
  }
  if (block.address && own && block.address !== own && me?.hostname !== block.address.split(':')[0]) {
    snap.warnings.push(
      `the CLUSTER NODES output at ${where} was taken via ${block.address} but its myself line says ${own}; it is listed as ${block.address}`,
    );
  }
  if (block.nodesConf) {
    snap.warnings.push(
      `the nodes.conf at ${where} is a saved file: it can be older than the node's live view`,
    );
  }
  const obs: NodeObservation = {
    address,
    source: 'paste',
    nodes: { observer: res.observer, nodes: res.nodes, issues },
  };
  if (res.observer) obs.nodeId = res.observer;
  if (block.filter) {
    obs.filtered = block.filter;
    snap.warnings.push(
      `the CLUSTER NODES at ${where} was piped through "${block.filter}": only the lines it let through are here, so the cluster's size, coverage and quorum cannot be judged from it`,
    );
  }
  return obs;
}

function findHost(built: readonly Built[], block: Block, index: number, parts: InfoParts): Built | undefined {
  if (block.address) {
    const same = built.find((b) => b.obs.address === block.address && fieldsFree(b.obs, parts));
    if (same) return same;
  }
  const near = built.filter((b) => b.block.context === block.context && b.block.kind === 'nodes');
  const before = [...near].reverse().find((b) => b.block.lines[0] && (b.block.lines[0].index ?? 0) < index);
  if (before && fieldsFree(before.obs, parts) && (!block.address || before.block.address === null))
    return before;
  const after = near.find((b) => (b.block.lines[0]?.index ?? 0) > index);
  if (after && fieldsFree(after.obs, parts) && (!block.address || after.block.address === null)) return after;
  return undefined;
}

/**
 * The host an INFO block is filed under, unless what it says contradicts that host's CLUSTER NODES: then
 * it came from another node, cluster or moment. Placed by proximity only, it is kept apart (undefined);
 * named by its own prompt, it stays with that node and the mismatch is reported.
 */
function fileInfo(
  host: Built | undefined,
  block: Block,
  parts: InfoParts,
  snap: ClusterSnapshot,
): { host?: Built; clash?: string } {
  const view = host?.obs.nodes;
  if (!host || !view) return host ? { host } : {};
  const found = infoContradictions(view, parts);
  if (found.length === 0) return { host };
  const clash = found.map((c) => c.text);
  const named = block.address !== null && block.address === host.obs.address;
  snap.warnings.push(
    `the INFO output at ${span(block.lines)} does not match the CLUSTER NODES of ${host.obs.address} (${clash.join('; ')}): ${
      named
        ? 'they were taken at different moments, so they may describe different states'
        : "it comes from another node, another cluster or another moment, so it is not read as that node's; paste each node's outputs one after another, behind their prompt lines"
    }`,
  );
  if (named) return { host };
  // another node of the same cluster still tells how many nodes it knows; only count clashes make it foreign
  return found.some((c) => c.counts)
    ? { clash: `contradicts the CLUSTER NODES of ${host.obs.address}: ${clash.join('; ')}` }
    : {};
}

function build(text: string, snap: ClusterSnapshot, limits: PasteLimits): void {
  const limited = limitPaste(text, limits);
  snap.warnings.push(...limitNotes(limited.report));
  const input = limited.lines.join('\n');
  const cleaned = cleanPastedText(input);
  const unwrapped = unwrapLines(
    cleaned.text.split('\n').map((t, i) => ({
      text: t,
      lineNo: cleaned.lineMap[i] ?? i + 1,
      width: cleaned.widths[i] ?? t.length,
      blanks: cleaned.blanks[i] ?? 0,
    })),
  );
  const lines: PasteLine[] = unwrapped.lines.map((l, i) => ({ ...l, index: i }));
  const cut: Cut = { indexes: cutIndexes(lines, limited.cut), maxLineChars: limits.maxLineChars };
  if (unwrapped.width !== null) {
    const n = unwrapped.rejoined.length;
    snap.warnings.push(
      `${n} line${n === 1 ? ' was' : 's were'} wrapped at ${unwrapped.width} columns and rejoined (starting at line${n === 1 ? '' : 's'} ${listNumbers(unwrapped.rejoined)}): if the terminal can be widened, a fresh copy is safer`,
    );
  }
  let lastIndex = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i]?.text ?? '').trim() !== '') {
      lastIndex = i;
      break;
    }
  }
  const endsMidLine = !input.slice(input.trimEnd().length).includes('\n');
  const split = splitBlocks(lines);
  const { kept: blocks, note } = capOutputs(split.blocks, limits.maxOutputs);
  if (note) snap.warnings.push(note);
  const { skipped } = split;
  const built: Built[] = [];
  let n = 0;
  for (const block of blocks) {
    if (block.kind !== 'nodes') continue;
    const isLast = endsMidLine && block.lines.some((l) => l.index === lastIndex);
    const obs = buildNodes(block, isLast, snap, n + 1, cut);
    if (obs) {
      n++;
      built.push({ obs, block });
    }
  }
  for (const block of blocks) {
    if (block.kind === 'check') {
      snap.checkReports.push(parseCheckOutput(block.lines.map((l) => l.text).join('\n')));
      continue;
    }
    if (block.kind !== 'info') continue;
    const parts = readInfoBlock(block.lines.map((l) => l.text).join('\n'));
    if (!parts.clusterInfo && !parts.replication && !parts.server) {
      if (parts.clusterEnabled === undefined) skipped.push(...block.lines);
      continue;
    }
    const { host, clash } = fileInfo(
      findHost(built, block, block.lines[0]?.index ?? 0, parts),
      block,
      parts,
      snap,
    );
    if (host) attach(host.obs, parts);
    else {
      const obs: NodeObservation = { address: block.address ?? `paste#${++n}`, source: 'paste' };
      if (clash) obs.unmatched = clash;
      attach(obs, parts);
      built.push({ obs, block });
    }
    if (parts.clusterEnabled === '0') {
      snap.warnings.push(
        `INFO at ${span(block.lines)} says cluster_enabled:0: that node is not running in cluster mode`,
      );
    }
  }
  const seen = new Map<string, number>();
  for (const b of dedupeDumps(built, snap)) {
    const prev = seen.get(b.obs.address);
    if (prev !== undefined && b.obs.nodes) {
      snap.warnings.push(
        `${b.obs.address} was pasted more than once; each dump is kept as its own observation`,
      );
    }
    seen.set(b.obs.address, (prev ?? 0) + 1);
    snap.observations.push(b.obs);
  }
  const raw = rawArrayLines(lines);
  if (raw.length > 0) {
    snap.warnings.push(
      `lines ${raw[0]}-${raw[raw.length - 1]} look like raw CLUSTER SLOTS / CLUSTER SHARDS output (one value per line, as redis-cli prints without a terminal), which is not read: paste CLUSTER NODES from each node instead`,
    );
  }
  const { replies, used } = pastedReplies(lines);
  if (replies.length > 0) snap.replies = replies;
  const unread = skipped.filter((l) => !used.has(l.lineNo) && !/\bcluster\s+slots\b/i.test(l.text));
  if (unread.length > 0) {
    const nums = [...new Set(unread.map((l) => l.lineNo))].sort((a, b) => a - b);
    const arrays = unread.filter((l) => /^\s*(?:\d+\)\s)+\s*(?:\(integer\)|"|\(nil\))/.test(l.text));
    if (arrays.length >= 3) {
      snap.warnings.push(
        `${span(arrays)} look like CLUSTER SLOTS / CLUSTER SHARDS (redis-cli array) output, which is not read: paste CLUSTER NODES from each node instead`,
      );
    }
    snap.warnings.push(
      `skipped ${nums.length} line${nums.length === 1 ? '' : 's'} that ${nums.length === 1 ? 'is' : 'are'} not cluster output: ${listNumbers(nums)}`,
    );
  }
  if (snap.parseIssues.length > 0) {
    const nums = [...new Set(snap.parseIssues.map((i) => i.line))].sort((a, b) => a - b);
    snap.warnings.push(
      `${nums.length} line${nums.length === 1 ? '' : 's'} could not be fully read: ${listNumbers(nums)}`,
    );
  }
  snap.warnings.push(...oddLineWarnings(built.flatMap((b) => b.obs.nodes?.nodes ?? [])));
  if (built.some((b) => b.obs.nodes?.nodes.some((node) => node.abbreviated && !node.odd))) {
    snap.warnings.push('some node ids are abbreviated ("e7d1eecc..."): they are matched by prefix only');
  }
  if (snap.observations.length === 0 && snap.checkReports.length === 0 && !snap.replies) {
    snap.warnings.push(
      'found no CLUSTER NODES, CLUSTER INFO, INFO or redis-cli --cluster check output in the paste, so there is nothing to diagnose',
    );
  }
}

/**
 * Reads a paste (Slack message, terminal copy, log line, nodes.conf...) into a ClusterSnapshot with
 * source 'paste'. Never throws: what it cannot read becomes parseIssues (original line numbers) and warnings.
 */
export function snapshotFromPaste(text: string, opts: PasteOptions = {}): ClusterSnapshot {
  const snap: ClusterSnapshot = {
    source: 'paste',
    takenAt: opts.takenAt ?? new Date().toISOString(),
    observations: [],
    checkReports: [],
    parseIssues: [],
    warnings: [],
  };
  if (opts.cluster) snap.cluster = opts.cluster;
  try {
    build(typeof text === 'string' ? text : String(text), snap, opts.limits ?? DEFAULT_PASTE_LIMITS);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    snap.warnings.push(
      `PASTE_READ_FAILED: reading the paste stopped at an internal error (${redactSecrets(message).slice(0, 200)}); treat this snapshot as incomplete`,
    );
  }
  return snap;
}
