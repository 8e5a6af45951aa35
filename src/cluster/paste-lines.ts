/** Classifies cleaned paste lines (node line, INFO line, check line, prompt, heading...) and reads prompts. */
import { isCheckLine } from './parse-check.ts';
import { INFO_SECTIONS } from './parse-info.ts';
import { flagsColumn } from './parse-nodes-lenient.ts';

export type LineKind =
  | 'blank'
  | 'node'
  | 'vars'
  | 'check'
  | 'prompt'
  | 'info-header'
  | 'info'
  | 'heading'
  | 'other';

/** What a prompt or shell command line says will follow. */
export type PromptCommand = 'nodes' | 'cluster-info' | 'info' | 'check' | 'nodes-conf' | 'other';

/** A prompt ("127.0.0.1:7000> cluster nodes", "$ redis-cli -h h -p 7001 cluster nodes") read. */
export interface Prompt {
  address: string | null;
  command: PromptCommand;
  /** A filter the output was piped through ("grep fail", "head -20"), when the command line shows one. */
  filter?: string;
}

const FILTER_RE = /\|\s*((?:grep|egrep|fgrep|head|tail|awk|sed|cut|sort|uniq)\b[^|;&]*)/;

const NODE_START_RE = /^[0-9a-f]{8,40}(?:\.\.\.|…)?(?:\s|$)/i;
const FULL_ID_RE = /^[0-9a-f]{40}$/i;
const FLAG_WORD_RE = /\b(?:myself|master|slave|noflags|handshake|noaddr|fail\??|connected|disconnected)\b/;
const VARS_RE = /^vars\s+currentEpoch\s+\d+/;
const CLI_PROMPT_RE =
  /^(?:redis\s+)?(\[[0-9a-fA-F:.]{1,60}\]|[^\s>[\]]{1,255}?):(\d{1,5})(?:\[\d+\])?>\s?(.*)$/;
const NOT_CONNECTED_RE = /^not connected>\s?(.*)$/;
const SHELL_PROMPT_RE = /^(?:\[[^\]\s]{0,80}(?: [^\]]{0,80})?\]|[^\s$#%❯›]{0,120})\s?[$#%❯›]\s+(.*)$/;
const TOOL_START_RE =
  /^(?:sudo\s+(?:-\S+\s+)*)?(?:\S*\/)?(redis-cli|redis-trib(?:\.rb)?|cat|docker|kubectl|podman|oc)\b/;
const INFO_KV_RE = /^[a-z_][a-z0-9_.-]*:(?:\S|$)/;
const INFO_HEADER_RE = new RegExp(`^#\\s?(?:${INFO_SECTIONS.join('|')})\\s*$`, 'i');
const ADDR_RE =
  /(\[[0-9a-fA-F:]{2,60}\]|[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63}){1,10}|localhost):(\d{1,5})(?![\d.])/;

/** Reads the redis-cli command words ("cluster nodes", "info replication") into a PromptCommand. */
function commandOf(words: string): PromptCommand {
  const w = words.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^cluster nodes\b/.test(w)) return 'nodes';
  if (/^cluster info\b/.test(w)) return 'cluster-info';
  if (/^info\b/.test(w)) return 'info';
  return 'other';
}

/** "host:port" from redis-cli -h/-p; null without -h (the default 127.0.0.1 says nothing about the node). */
function hostPort(host: string | null, port: string | null): string | null {
  if (host === null) return null;
  return `${host.replace(/^\[|\]$/g, '')}:${port ?? '6379'}`;
}

const VALUE_OPTS = new Set([
  '-a',
  '-n',
  '-s',
  '-r',
  '-i',
  '-d',
  '--user',
  '--pass',
  '--cacert',
  '--cert',
  '--key',
  '--sni',
]);

/** Reads a shell command line that runs redis-cli / redis-trib / cat on nodes.conf. */
function readShellCommand(cmd: string): Prompt | null {
  const tool = TOOL_START_RE.exec(cmd);
  if (!tool) return null;
  if (tool[1] === 'cat' && /nodes[^\s/]*\.conf\b/.test(cmd)) return { address: null, command: 'nodes-conf' };
  const at = cmd.search(/\bredis-(?:cli|trib(?:\.rb)?)\b/);
  if (at < 0) return { address: null, command: 'other' };
  const tokens = cmd.slice(at).split(/\s+/).slice(1);
  let host: string | null = null;
  let port: string | null = null;
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const next = tokens[i + 1] ?? null;
    if (t === '-h' || t === '--host') {
      host = next;
      i++;
    } else if (t === '-p' || t === '--port') {
      port = next;
      i++;
    } else if (t === '-u' || t === '--uri') {
      const m = /^rediss?:\/\/(?:[^@/]*@)?([^:/]+|\[[^\]]+\])(?::(\d+))?/.exec(next ?? '');
      if (m) {
        host = m[1] ?? null;
        port = m[2] ?? '6379';
      }
      i++;
    } else if (t === '--cluster' || t === 'check') {
      const target = t === 'check' ? next : tokens[i + 2];
      if (t === 'check' || next === 'check') {
        const m = ADDR_RE.exec(target ?? '') ?? /^()(\d+)$/.exec(target ?? '');
        return { address: m ? `${m[1] || '127.0.0.1'}:${m[2]}` : null, command: 'check' };
      }
      i++;
    } else if (VALUE_OPTS.has(t)) i++;
    else if (!t.startsWith('-') && !/^[|;&>]/.test(t)) words.push(t);
    else if (/^[|;&]/.test(t)) break;
  }
  const out: Prompt = { address: hostPort(host, port), command: commandOf(words.join(' ')) };
  const filter = FILTER_RE.exec(cmd)?.[1]?.trim();
  if (filter) out.filter = filter.slice(0, 80);
  return out;
}

/** Reads a prompt or command line; null when the line is not one. */
export function readPrompt(line: string): Prompt | null {
  const s = line.trim();
  const cli = CLI_PROMPT_RE.exec(s);
  if (cli) {
    const host = cli[1] ?? '';
    return { address: `${host.replace(/^\[|\]$/g, '')}:${cli[2]}`, command: commandOf(cli[3] ?? '') };
  }
  const nc = NOT_CONNECTED_RE.exec(s);
  if (nc) return { address: null, command: commandOf(nc[1] ?? '') };
  const shell = SHELL_PROMPT_RE.exec(s);
  const cmd = shell ? (shell[1] ?? '') : s;
  const res = readShellCommand(cmd);
  if (!res) return null;
  // without a shell prompt, only a line that really runs redis-cli (or cats nodes.conf) counts
  if (!shell && res.command !== 'nodes-conf' && !/\bredis-(?:cli|trib)/.test(cmd)) return null;
  return res;
}

const CALL_RE = /^(\[[0-9a-fA-F:.]{2,60}\]|[A-Za-z0-9_.:-]{1,255}?):(\d{1,5}): (.+)$/;

/**
 * Reads a line of `redis-cli --cluster call <seed> cluster nodes|info` output, where each node's answer starts
 * with "ip:port: ". Returns the address, the command it answered, and the rest of the line.
 */
export function readCallPrefix(line: string): { address: string; command: string; rest: string } | null {
  const m = CALL_RE.exec(line.trim());
  if (!m) return null;
  const rest = m[3] ?? '';
  const kind = classifyLine(rest);
  if (kind !== 'node' && kind !== 'info' && kind !== 'info-header') return null;
  const command = kind === 'node' ? 'cluster nodes' : /^cluster_/.test(rest) ? 'cluster info' : 'info';
  return { address: `${(m[1] ?? '').replace(/^\[|\]$/g, '')}:${m[2]}`, command, rest };
}

/** Finds an "ip:port" / "host:port" in a heading line, if any. */
export function headingAddress(line: string): string | null {
  const m = ADDR_RE.exec(line);
  return m ? `${(m[1] ?? '').replace(/^\[|\]$/g, '')}:${m[2]}` : null;
}

function isHeading(s: string): boolean {
  if (/^#{1,6}\s+\S/.test(s)) return true;
  if (/^(?:={2,}|-{3,}|\*{3,}|_{3,})/.test(s)) return true;
  if (/^==> .* <==$/.test(s) || /^>>> Calling /.test(s)) return true;
  return s.length <= 80 && s.split(/\s+/).length <= 8 && /:\s*$/.test(s);
}

/** Classifies one cleaned line. */
export function classifyLine(line: string): LineKind {
  const s = line.trim();
  if (s === '') return 'blank';
  if (NODE_START_RE.test(s)) {
    const fields = s.split(/\s+/);
    if (FULL_ID_RE.test(fields[0] ?? '') || /[:@]/.test(fields[1] ?? '') || FLAG_WORD_RE.test(s))
      return 'node';
  }
  if (s.length < 4000 && flagsColumn(s.split(/\s+/)) >= 0) return 'node';
  if (VARS_RE.test(s)) return 'vars';
  if (isCheckLine(s)) return 'check';
  if (s.length > 4000) return 'other'; // no prompt, INFO line or heading is this long
  if (readPrompt(s)) return 'prompt';
  if (INFO_HEADER_RE.test(s)) return 'info-header';
  if (INFO_KV_RE.test(s)) return 'info';
  if (isHeading(s)) return 'heading';
  return 'other';
}
