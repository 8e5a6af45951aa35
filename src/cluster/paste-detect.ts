/** A cheap test of whether a chat message carries Redis Cluster output worth parsing. */
import { cleanPastedText } from './clean-text.ts';
import { flagsColumn } from './parse-nodes-lenient.ts';
import { unwrapLines } from './unwrap.ts';

const NODE_LINE_RE =
  /(?<![0-9a-f])[0-9a-f]{8,40}(?:\.\.\.|…)?[ \t]+\S{0,100}:\d{1,5}(?:@\d{1,5})?\S{0,300}[ \t]+(?:myself|master|slave|noflags|handshake|noaddr|fail\??|nofailover)(?:,[\w?]+)*[ \t]+(?:-|[0-9a-f]{8,40}(?:\.\.\.|…)?)[ \t]/i;
const CHECK_RE =
  /Performing Cluster Check|All 16384 slots covered|Not all 16384 slots are covered|Nodes don't agree about configuration|All nodes agree about slots configuration|(?:^|\W)[MS]: [0-9a-f]{40} \S+:\d+/;
// CLUSTER INFO: both keys, in either order (two searches: one regex joining them with [\s\S]* is quadratic)
const CLUSTER_STATE_RE = /cluster_state:(?:ok|fail)\b/;
const CLUSTER_COUNT_RE = /cluster_(?:slots_assigned|known_nodes|size):\d+/;
const INFO_REPL_RE = /#\s?Replication[\s\S]{0,200}role:(?:master|slave)/;
const VARS_RE = /vars currentEpoch \d+ lastVoteEpoch \d+/;

/**
 * True when `text` contains CLUSTER NODES lines, CLUSTER INFO, INFO replication, nodes.conf or
 * `--cluster check` output (also Slack-escaped, JSON-escaped, or hard-wrapped by a narrow terminal). Ordinary
 * chat and a lone ip:port are false.
 */
export function looksLikeClusterOutput(text: string): boolean {
  if (typeof text !== 'string' || text.length < 20) return false;
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  if (matches(sample)) return true;
  // a narrow terminal wraps even the node id away from its address: look again with the lines rejoined
  if (!/[0-9a-f]{20}/i.test(sample)) return false;
  const c = cleanPastedText(sample);
  const lines = c.text.split('\n').map((t, i) => ({
    text: t,
    lineNo: i + 1,
    width: c.widths[i] ?? t.length,
    blanks: c.blanks[i] ?? 0,
  }));
  const res = unwrapLines(lines);
  return res.width !== null && matches(res.lines.map((l) => l.text).join('\n'));
}

/**
 * Node lines people edited (redacted ids or addresses, dropped columns): two lines with a flags column
 * where Redis prints it, or one that also keeps the ping/pong/epoch columns.
 */
function editedNodeLines(sample: string): boolean {
  let found = 0;
  const lines = sample.split('\n', 2000);
  for (const line of lines) {
    if (line.length > 2000 || !/\b(?:master|slave|myself)\b/.test(line)) continue;
    const fields = line
      .trim()
      .replace(/^[>`*\s]+/, '')
      .split(/\s+/);
    if (flagsColumn(fields) < 0) continue;
    found++;
    if (found >= 2 || fields.length >= 6) return true;
  }
  return false;
}

function matches(sample: string): boolean {
  return (
    NODE_LINE_RE.test(sample) ||
    editedNodeLines(sample) ||
    CHECK_RE.test(sample) ||
    (CLUSTER_STATE_RE.test(sample) && CLUSTER_COUNT_RE.test(sample)) ||
    INFO_REPL_RE.test(sample) ||
    VARS_RE.test(sample)
  );
}
