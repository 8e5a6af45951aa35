/**
 * Loads H2's recorded real-cluster scenarios (test/fixtures/<scenario>/) two ways: as one paste (every
 * running node's outputs behind a "ip:port> CMD" prompt, plus check.txt) and as a live-like snapshot.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseInfoFields } from '../../src/cluster/parse-info.ts';
import { parseClusterNodes } from '../../src/cluster/parse-nodes.ts';
import type { ClusterSnapshot, NodeConfig, NodeObservation } from '../../src/cluster/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** One node of a recording, as meta.json lists it. */
export interface MetaNode {
  index: number;
  id: string;
  address: string;
  builtRole: 'master' | 'replica';
  state: 'running' | 'dead' | 'frozen';
  files?: string[];
}

export interface ScenarioMeta {
  scenario: string;
  nodeTimeoutMs: number;
  nodes: MetaNode[];
  expected: {
    rootCause: string;
    clusterState: string;
    killed: { address: string }[];
    frozen: { address: string }[];
    promoted?: { replica: { address: string }; formerMaster: { address: string } };
    unassignedSlots: { start: number; end: number }[];
    openSlots: {
      slot: number;
      source: { id: string; address: string };
      target: { id: string; address: string };
      keysOnSource: number;
      keysOnTarget: number;
    }[];
    notes?: string[];
  };
}

/** True when H2's recording of `name` exists. */
export function hasScenario(name: string): boolean {
  return existsSync(join(FIXTURES, name, 'meta.json'));
}

/** meta.json of a recorded scenario. */
export function scenarioMeta(name: string): ScenarioMeta {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'meta.json'), 'utf8')) as ScenarioMeta;
}

function read(name: string, file: string): string | undefined {
  const p = join(FIXTURES, name, file);
  return existsSync(p) ? readFileSync(p, 'utf8').replace(/\r/g, '') : undefined;
}

/** Everything an engineer could paste for the scenario: each running node's outputs, then check.txt. */
export function scenarioPaste(name: string, opts: { check?: boolean; only?: string[] } = {}): string {
  const meta = scenarioMeta(name);
  const parts: string[] = [];
  for (const n of meta.nodes) {
    if (n.state !== 'running' || (opts.only && !opts.only.includes(n.address))) continue;
    const [host, port] = n.address.split(':');
    const base = `${host}-${port}.txt`;
    for (const [cmd, prefix] of [
      ['CLUSTER NODES', 'nodes-'],
      ['CLUSTER INFO', 'cluster-info-'],
      ['INFO replication', 'info-replication-'],
    ] as const) {
      const text = read(name, prefix + base);
      if (text) parts.push(`${n.address}> ${cmd}\n${text.trimEnd()}`);
    }
  }
  if (opts.check !== false) {
    const check = read(name, 'check.txt');
    if (check) parts.push(check.trimEnd());
  }
  return `${parts.join('\n')}\n`;
}

/** What scenarioLive adds on top of the recorded outputs; by default nothing. */
export interface LiveExtras {
  /** Give every node a bus-port result (data port + 10000): open unless the node is dead or listed here. */
  busPorts?: { closed?: readonly string[] };
  /** Error message of a frozen node's timeout (default 'no reply within 1500 ms'). */
  frozenMessage?: string;
  /** Say that keys in slots were counted and none were found (keysInSlots: []). */
  keysCounted?: boolean;
}

/** The scenario as a live probe would have seen it: dead nodes refused, frozen ones timed out. */
export function scenarioLive(name: string, config?: NodeConfig, extras: LiveExtras = {}): ClusterSnapshot {
  const meta = scenarioMeta(name);
  const observations: NodeObservation[] = meta.nodes.map((n) => {
    const busPort = extras.busPorts
      ? {
          busPort: {
            port: Number(n.address.split(':')[1]) + 10000,
            open: n.state !== 'dead' && !extras.busPorts.closed?.includes(n.address),
          },
        }
      : {};
    if (n.state !== 'running') {
      return {
        address: n.address,
        source: 'live',
        error:
          n.state === 'dead'
            ? { kind: 'refused', message: `connect ECONNREFUSED ${n.address}` }
            : { kind: 'timeout', message: extras.frozenMessage ?? 'no reply within 1500 ms' },
        ...busPort,
      };
    }
    const [host, port] = n.address.split(':');
    const base = `${host}-${port}.txt`;
    const obs: NodeObservation = { address: n.address, source: 'live', nodeId: n.id, ...busPort };
    const nodes = read(name, `nodes-${base}`);
    const info = read(name, `cluster-info-${base}`);
    const repl = read(name, `info-replication-${base}`);
    if (nodes) obs.nodes = parseClusterNodes(nodes);
    if (info) obs.clusterInfo = parseInfoFields(info);
    if (repl) obs.replication = parseInfoFields(repl);
    if (config) obs.config = config;
    return obs;
  });
  return {
    source: 'live',
    cluster: name,
    takenAt: '2026-11-22T00:00:00.000Z',
    observations,
    checkReports: [],
    parseIssues: [],
    warnings: [],
    ...(extras.keysCounted ? { keysInSlots: [] } : {}),
  };
}

/** Names of every recorded scenario directory. */
export function scenarioNames(): string[] {
  return readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'meta.json')));
}

/** What Slack does to a pasted block: prose before, ``` fences glued to the text, & < > as entities. */
export function slackMangle(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `here is what I see on prod :fire:\n\`\`\`${escaped.trimEnd()}\`\`\``;
}

/** Slack's quote style: every line prefixed "&gt; ". */
export function slackQuote(text: string): string {
  return text
    .split('\n')
    .map((l) => `&gt; ${l.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`)
    .join('\n');
}
