/** Pure parser for `redis-cli --cluster check` and `redis-trib.rb check` output, however it was pasted. */
import { stripAnsi } from './clean-text.ts';
import { parseNodeId } from './parse-address.ts';
import { splitLines } from './paste-limits.ts';
import { isSlot, parseRanges } from './slots.ts';
import type { CheckNode, CheckReport } from './types.ts';

const NODE_RE = /^([MS]):\s+(\S+)\s+(\S+)/;
const SLOTS_RE = /^slots:\s*([^(]*)\((\d+) slots?\)\s*(\w+)?/;
const ENTRY_RE = /Performing Cluster Check \(using node ([^)\s]+)\)/;
// redis-trib and some redis-cli versions put the list in parentheses: "... migrating state (4242,4243)."
const OPEN_STATE_RE = /Node (\S+) has slots in (migrating|importing) state \(?([\d,\s]+)\)?/;
const OPEN_SLOTS_RE = /The following slots are open:\s*\(?([\d,\s]+)\)?/;
const ERROR_RE =
  /Could not connect to Redis at|Unable to load info for node|is not configured as a cluster node|Connection refused|Connection timed out|No route to host|NOAUTH|WRONGPASS|NOPERM|I\/O error|LOADING|Name or service not known/i;

/** Progress lines of --cluster fix/create/reshard that may be pasted along with a check. */
const FIX_LINE_RE =
  /^(?:Fixing (?:open slot|slots coverage|multiple owners)|Moving slot \d+ from|Covering slot \d+|Case \d+:|Set as (?:migrating|importing) in:|No single clear owner|Performing hash slots allocation|Adding replica|Nodes configuration updated|Assign a different config epoch|Sending CLUSTER MEET|Waiting for the cluster to join)/;

/** Normalises one check-output line: no ANSI colours, no "**", no quote markers or leading ">>>". */
export function normalizeCheckLine(raw: string): string {
  let s = stripAnsi(raw)
    .replace(/(?<!\*)\*\*(?!\*)/g, '')
    .trim();
  for (let i = 0; i < 10 && /^>(\s|>|$)/.test(s); i++) s = s.replace(/^>+\s*/, '');
  return s.trim();
}

function slotList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue;
    const n = Number(part);
    if (isSlot(n)) out.push(n);
  }
  return out;
}

/** Parses the slot list printed after "slots:": "[0-5460],[5462]" (redis-cli) or "0-5460,5462" (trib). */
function checkSlots(text: string): CheckNode['slots'] {
  return parseRanges(text.replace(/[[\]]/g, ' ')) ?? [];
}

/** True when the line is one a check report prints (used to tell check output from other text). */
export function isCheckLine(line: string): boolean {
  const s = normalizeCheckLine(line);
  return (
    NODE_RE.test(s) ||
    SLOTS_RE.test(s) ||
    /^replicates \S+$/.test(s) ||
    /^\d+ additional replica\(s\)$/.test(s) ||
    /^\[(OK|ERR|WARNING)\]/.test(s) ||
    /^\*\*\* /.test(s) ||
    /^(Performing Cluster Check|Check for open slots|Check slots coverage|Check for multiple slot owners)/.test(
      s,
    ) ||
    /^\S+:\d+ \([0-9a-f]{1,40}\.\.\.\) -> \d+ keys \| \d+ slots \| \d+ (slaves|replicas)\.$/.test(s) ||
    /^[\d.]+ keys per slot on average\.$/.test(s) ||
    /^Could not connect to Redis at /.test(s) ||
    FIX_LINE_RE.test(s)
  );
}

/**
 * Parses `redis-cli --cluster check` / `redis-trib.rb check` output into a CheckReport. Works with or
 * without ">>>" markers, with markdown quotes, bold markers and ANSI colours. Never throws.
 */
export function parseCheckOutput(text: string): CheckReport {
  const report: CheckReport = {
    entry: null,
    nodes: [],
    agree: null,
    openSlots: [],
    migrating: [],
    importing: [],
    allCovered: null,
    errors: [],
    messages: [],
  };
  let current: CheckNode | null = null;
  for (const raw of splitLines(text)) {
    const s = normalizeCheckLine(raw);
    if (s === '') continue;
    const entry = ENTRY_RE.exec(s);
    if (entry?.[1]) {
      report.entry = entry[1];
      current = null;
      continue;
    }
    const node = NODE_RE.exec(s);
    const id = node ? parseNodeId(node[2] ?? '') : null;
    if (node && id) {
      current = {
        role: node[1] === 'M' ? 'master' : 'replica',
        id: id.id,
        address: node[3] ?? '',
        slots: [],
        replicates: null,
        // redis-cli prints "N additional replica(s)" only when N > 0
        replicaCount: node[1] === 'M' ? 0 : null,
      };
      report.nodes.push(current);
      continue;
    }
    const slots = SLOTS_RE.exec(s);
    if (slots && current) {
      current.slots = checkSlots(slots[1] ?? '');
      continue;
    }
    const rep = /^replicates (\S+)$/.exec(s);
    if (rep && current) {
      current.replicates = parseNodeId(rep[1] ?? '')?.id ?? rep[1] ?? null;
      continue;
    }
    const count = /^(\d+) additional replica\(s\)$/.exec(s);
    if (count && current) {
      current.replicaCount = Number(count[1]);
      continue;
    }
    if (/All nodes agree about slots configuration/.test(s)) report.agree = true;
    else if (/Nodes don't agree about configuration/.test(s)) report.agree = false;
    if (/All 16384 slots covered/.test(s)) report.allCovered = true;
    else if (/Not all 16384 slots are covered/.test(s)) report.allCovered = false;
    const open = OPEN_STATE_RE.exec(s);
    if (open) {
      const list = open[2] === 'migrating' ? report.migrating : report.importing;
      list.push({ address: open[1] ?? '', slots: slotList(open[3] ?? '') });
    }
    const openSlots = OPEN_SLOTS_RE.exec(s);
    if (openSlots) report.openSlots = slotList(openSlots[1] ?? '');
    if (ERROR_RE.test(s) && !/^\[OK\]/.test(s)) report.errors.push(s);
    else if (/\[(ERR|WARNING)\]|^\*\*\* /.test(s)) report.messages.push(s);
    if (/^\[(ERR|WARNING)\]|^\*\*\* /.test(s) || /^>>> |^(Check|Performing|Fixing)/.test(s)) current = null;
  }
  return report;
}
