/**
 * The settings report behind `settings <cluster>`: every setting of every node, grouped by value, with
 * what could not be read and why, and the diagnosis's findings about settings. Pure. A setting that was
 * not read is null ("unknown"), with the reason: the node did not answer, CONFIG was refused or renamed,
 * or this Redis version does not have it.
 */
import type { ClusterSnapshot, NodeObservation } from '../../cluster/types.ts';
import { type Diagnosis, type Finding, type FindingCode, PRODUCTION_SETTING_CODES } from '../types.ts';
import { SETTINGS } from './catalogue.ts';

/** Finding codes the settings report shows. */
export const SETTINGS_FINDING_CODES: readonly FindingCode[] = [
  'NODE_TIMEOUT_LOW',
  ...PRODUCTION_SETTING_CODES,
];

/** One setting across the nodes: each value with the nodes that have it. */
export interface SettingRow {
  name: string;
  standard: string;
  why: string;
  /** Nodes by value; a null value means unknown on those nodes. */
  groups: { value: string | null; nodes: string[] }[];
}

/** One node's settings as read (null = unknown). */
export interface NodeSettings {
  address: string;
  role: 'master' | 'replica' | 'unknown';
  /** Each setting's value, null when unknown. */
  values: Record<string, string | null>;
  /** Why nothing (or not everything) could be read from this node. */
  unreadable?: string;
}

/** The whole settings report of a cluster. */
export interface SettingsReport {
  cluster?: string;
  nodes: NodeSettings[];
  rows: SettingRow[];
  findings: Finding[];
}

function roleOf(obs: NodeObservation): NodeSettings['role'] {
  const me = obs.nodes?.nodes.find((l) => l.flags.includes('myself'));
  const r = me?.flags.includes('slave')
    ? 'slave'
    : me?.flags.includes('master')
      ? 'master'
      : obs.replication?.role;
  return r === 'master' ? 'master' : r === 'slave' || r === 'replica' ? 'replica' : 'unknown';
}

function whyUnread(obs: NodeObservation): string | undefined {
  if (obs.error) return `the node did not answer (${obs.error.kind}: ${obs.error.message})`;
  if (obs.configError) return `CONFIG GET failed: ${obs.configError}`;
  if (!obs.config) return 'no settings were read';
  return undefined;
}

/** Builds the report from a live snapshot and its diagnosis. */
export function settingsReport(snapshot: ClusterSnapshot, diagnosis: Diagnosis): SettingsReport {
  const nodes: NodeSettings[] = snapshot.observations.map((obs) => {
    const values: Record<string, string | null> = {};
    for (const spec of SETTINGS) values[spec.name] = obs.config ? (spec.read(obs.config) ?? null) : null;
    const out: NodeSettings = { address: obs.address, role: roleOf(obs), values };
    const why = whyUnread(obs);
    if (why) out.unreadable = why;
    return out;
  });
  const rows: SettingRow[] = SETTINGS.map((spec) => {
    const groups = new Map<string | null, string[]>();
    for (const n of nodes) {
      const v = n.values[spec.name] ?? null;
      groups.set(v, [...(groups.get(v) ?? []), n.address]);
    }
    return {
      name: spec.name,
      standard: spec.standard,
      why: spec.why,
      groups: [...groups].map(([value, list]) => ({ value, nodes: list })),
    };
  });
  const findings = diagnosis.findings.filter((f) => SETTINGS_FINDING_CODES.includes(f.code));
  return { ...(snapshot.cluster ? { cluster: snapshot.cluster } : {}), nodes, rows, findings };
}
