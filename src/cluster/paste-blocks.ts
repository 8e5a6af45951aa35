/** Splits classified paste lines into blocks: one per observer's CLUSTER NODES, INFO, or check report. */
import { parseNodeId } from './parse-address.ts';
import { flagsColumn } from './parse-nodes-lenient.ts';
import type { LineKind, PromptCommand } from './paste-lines.ts';
import { classifyLine, headingAddress, readCallPrefix, readPrompt } from './paste-lines.ts';
import type { NodeObservation } from './types.ts';

/** One cleaned line: its text, its index in the cleaned text, and its original line number. */
export interface PasteLine {
  text: string;
  index: number;
  lineNo: number;
}

export type BlockKind = 'nodes' | 'info' | 'check';

/** A run of lines that belong to one output, with the address the prompt or heading gave it. */
export interface Block {
  kind: BlockKind;
  lines: PasteLine[];
  /** From the prompt or heading before it; null when none said. */
  address: string | null;
  /** What the prompt said this output is (null without a prompt). */
  command: PromptCommand | null;
  /** The filter the prompt piped the output through ("grep fail"), if any. */
  filter?: string;
  /** A nodes block that had the nodes.conf "vars" line. */
  nodesConf: boolean;
  /** Order of the prompt/heading context this block came from (blocks of one context share it). */
  context: number;
}

/** One observation the paste produced, with the block it was read from. */
export interface Built {
  obs: NodeObservation;
  block: Block;
}

/** "line 4" or "lines 4-9": where a run of pasted lines sits in the original text. */
export function span(lines: readonly PasteLine[]): string {
  const first = lines[0]?.lineNo ?? 0;
  const last = lines[lines.length - 1]?.lineNo ?? first;
  return first === last ? `line ${first}` : `lines ${first}-${last}`;
}

/** Blocks in paste order, plus the lines no block took (chat, unknown commands' output). */
export interface SplitResult {
  blocks: Block[];
  skipped: PasteLine[];
}

interface NodesState {
  ids: Set<string>;
  hasMyself: boolean;
}

/** The id and myself-ness of a node line; a line too short to be whole (< 8 fields) never splits a block. */
function nodeKey(text: string): { id: string | null; myself: boolean } {
  const fields = text.trim().split(/\s+/);
  const f = flagsColumn(fields);
  if (fields.length < 8 && f < 0) return { id: null, myself: false };
  const id = parseNodeId(fields[0] ?? '')?.id ?? (f >= 0 ? (fields[0] ?? '').toLowerCase() : null);
  return { id, myself: (fields[f >= 0 ? f : 2] ?? '').split(',').includes('myself') };
}

/**
 * Groups lines into blocks. A new CLUSTER NODES block starts at a prompt or heading, at a node id that the
 * current block already listed, at a second `myself` line, or at a blank gap before a run that repeats ids
 * or brings a second `myself` line (so a double-spaced dump stays one block).
 */
export function splitBlocks(input: readonly PasteLine[]): SplitResult {
  // "ip:port: <output>" (redis-cli --cluster call) becomes a prompt line plus the output line
  const lines: PasteLine[] = [];
  for (const l of input) {
    const call = l.text.length < 4000 ? readCallPrefix(l.text) : null;
    if (call) lines.push({ ...l, text: `${call.address}> ${call.command}` }, { ...l, text: call.rest });
    else lines.push(l);
  }
  const blocks: Block[] = [];
  const skipped: PasteLine[] = [];
  let ctxAddress: string | null = null;
  let ctxCommand: PromptCommand | null = null;
  let ctxFilter: string | undefined;
  let context = 0;
  const usedKinds = new Set<BlockKind>();
  let current: Block | null = null;
  let nodes: NodesState = { ids: new Set(), hasMyself: false };
  let gap = false;
  let infoKeys = new Set<string>();

  const open = (kind: BlockKind): Block => {
    const fromCtx = !usedKinds.has(kind);
    usedKinds.add(kind);
    const block: Block = {
      kind,
      lines: [],
      address: fromCtx ? ctxAddress : null,
      command: fromCtx ? ctxCommand : null,
      nodesConf: fromCtx && ctxCommand === 'nodes-conf',
      context,
    };
    if (fromCtx && ctxFilter) block.filter = ctxFilter;
    blocks.push(block);
    nodes = { ids: new Set(), hasMyself: false };
    infoKeys = new Set();
    return block;
  };

  const kinds: LineKind[] = lines.map((l) => classifyLine(l.text));
  const keys = lines.map((l, i) => (kinds[i] === 'node' ? nodeKey(l.text) : null));
  // runHasMyself[i]: the run of node lines starting at i (up to the next blank, prompt or heading) has a myself line
  const runHasMyself: boolean[] = new Array(lines.length).fill(false);
  for (let i = lines.length - 1; i >= 0; i--) {
    const k = kinds[i];
    if (k === 'node') runHasMyself[i] = (keys[i]?.myself ?? false) || (runHasMyself[i + 1] ?? false);
    else if (k === 'other' || k === 'vars') runHasMyself[i] = runHasMyself[i + 1] ?? false;
  }

  const runRepeatsIds = (from: number, ids: ReadonlySet<string>): boolean => {
    for (let j = from; j < lines.length; j++) {
      const k = kinds[j];
      if (k === 'node') {
        const id = keys[j]?.id;
        if (id && ids.has(id)) return true;
      } else if (k !== 'other' && k !== 'vars') return false;
    }
    return false;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as PasteLine;
    const kind = kinds[i] ?? 'other';
    if (kind === 'blank') {
      gap = true;
      continue;
    }
    if (kind === 'prompt' || kind === 'heading') {
      const prompt = kind === 'prompt' ? readPrompt(line.text) : null;
      ctxAddress = prompt ? prompt.address : headingAddress(line.text);
      ctxCommand = prompt ? prompt.command : null;
      ctxFilter = prompt?.filter;
      context++;
      usedKinds.clear();
      current = null;
      gap = false;
      continue;
    }
    if (kind === 'other') {
      skipped.push(line);
      continue;
    }
    let block: Block | null = current;
    if (kind === 'node') {
      const key = keys[i] ?? { id: null, myself: false };
      // blank lines inside one dump do not split it; a blank gap before a run that brings a second myself
      // line, or ids this block already listed, does
      const split =
        block?.kind === 'nodes' &&
        ((key.id !== null && nodes.ids.has(key.id)) ||
          (key.myself && nodes.hasMyself) ||
          (gap && (((runHasMyself[i] ?? false) && nodes.hasMyself) || runRepeatsIds(i, nodes.ids))));
      if (split) {
        // a second observer's dump: whatever the prompt or heading named was the first one
        ctxAddress = null;
        ctxCommand = null;
      }
      if (block?.kind !== 'nodes' || split) block = open('nodes');
      if (key.id !== null) nodes.ids.add(key.id);
      if (key.myself) nodes.hasMyself = true;
    } else if (kind === 'vars') {
      if (block?.kind !== 'nodes') {
        gap = false;
        continue; // a lone "vars currentEpoch" line: recognised, nothing to attach it to
      }
      block.nodesConf = true;
    } else if (kind === 'check') {
      if (block?.kind !== 'check') block = open('check');
    } else {
      // a key or "# Section" seen twice means a second node's INFO pasted right after the first
      const key =
        kind === 'info-header' ? line.text.trim().toLowerCase() : (line.text.trim().split(':')[0] ?? '');
      const repeat = block?.kind === 'info' && infoKeys.has(key);
      if (repeat) {
        ctxAddress = null;
        ctxCommand = null;
      }
      if (block?.kind !== 'info' || repeat) block = open('info');
      infoKeys.add(key);
    }
    block.lines.push(line);
    current = block;
    gap = false;
  }
  return { blocks, skipped };
}
