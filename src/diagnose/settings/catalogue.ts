/**
 * The production settings redis-runbook reads, as data: how to show each value, whether every node
 * should have the same one, and why it matters in an outage. Pure; a value that was not read is
 * undefined (unknown), never a default.
 */
import type { NodeConfig } from '../../cluster/types.ts';

/** One CONFIG parameter as the settings report and rules treat it. */
export interface SettingSpec {
  name: string;
  /** The value as CONFIG GET prints it; undefined when it was not read. */
  read: (c: NodeConfig) => string | undefined;
  /** Whether nodes should all have the same value (SETTINGS_DIFFER when they do not). */
  same: boolean;
  /** Redis's default, as printed. */
  standard: string;
  why: string;
}

const bool = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'yes' : 'no');
const str = (v: number | string | undefined) => (v === undefined ? undefined : String(v));

/** Every setting read, in the order the report lists them. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    name: 'cluster-node-timeout',
    read: (c) => str(c.nodeTimeoutMs),
    same: true,
    standard: '15000',
    why: 'How long a node may not answer before peers flag it failing; also scales elections and the validity window.',
  },
  {
    name: 'cluster-require-full-coverage',
    read: (c) => bool(c.requireFullCoverage),
    same: true,
    standard: 'yes',
    why: "yes: one slot without a working owner stops the whole cluster; no: only that slot's keys fail.",
  },
  {
    name: 'cluster-allow-reads-when-down',
    read: (c) => bool(c.allowReadsWhenDown),
    same: true,
    standard: 'no',
    why: 'yes: a cluster marked down still serves reads (possibly stale); writes are refused either way.',
  },
  {
    name: 'cluster-replica-validity-factor',
    read: (c) => str(c.replicaValidityFactor),
    same: true,
    standard: '10',
    why: 'A replica cut off from its master longer than timeout x factor (+ ping period) refuses to fail over; 0 always tries.',
  },
  {
    name: 'cluster-replica-no-failover',
    read: (c) => bool(c.replicaNoFailover),
    same: false,
    standard: 'no',
    why: 'yes on a replica: it never fails over automatically (manual failover still works).',
  },
  {
    name: 'cluster-migration-barrier',
    read: (c) => str(c.migrationBarrier),
    same: true,
    standard: '1',
    why: 'Replicas a master keeps before one of its replicas may move to a master left without any.',
  },
  {
    name: 'cluster-allow-replica-migration',
    read: (c) => bool(c.allowReplicaMigration),
    same: true,
    standard: 'yes',
    why: 'no: replicas never move to masters left without a replica.',
  },
  {
    name: 'repl-ping-replica-period',
    read: (c) => str(c.replPingReplicaPeriodS),
    same: true,
    standard: '10',
    why: 'Seconds between replication pings; part of the validity window.',
  },
  {
    name: 'appendonly',
    read: (c) => bool(c.appendonly),
    same: false,
    standard: 'no',
    why: 'AOF persistence. With it off and no save points, a restarted master comes back empty.',
  },
  {
    name: 'save',
    read: (c) => (c.save === undefined ? undefined : c.save === '' ? '""' : c.save),
    same: false,
    standard: '3600 1 300 100 60 10000',
    why: 'RDB snapshot points; "" means no snapshots.',
  },
  {
    name: 'maxmemory',
    read: (c) => str(c.maxmemoryBytes),
    same: false,
    standard: '0',
    why: 'Memory limit in bytes; 0 = none. The eviction policy acts only with a limit.',
  },
  {
    name: 'maxmemory-policy',
    read: (c) => c.maxmemoryPolicy,
    same: true,
    standard: 'noeviction',
    why: 'What happens at the limit: noeviction refuses writes; the others delete keys.',
  },
  {
    name: 'cluster-announce-ip',
    read: (c) => (c.announceIp === undefined ? undefined : c.announceIp || '""'),
    same: false,
    standard: '""',
    why: 'The address a node tells peers and clients to use; unset means its own local address.',
  },
  {
    name: 'cluster-announce-hostname',
    read: (c) => (c.announceHostname === undefined ? undefined : c.announceHostname || '""'),
    same: false,
    standard: '""',
    why: 'A hostname to announce (Redis 7), used by clients when cluster-preferred-endpoint-type is hostname.',
  },
  {
    name: 'cluster-announce-port',
    read: (c) => str(c.announcePort),
    same: false,
    standard: '0',
    why: 'Data port to announce; 0 means the real one (wrong behind port mapping).',
  },
  {
    name: 'min-replicas-to-write',
    read: (c) => str(c.minReplicasToWrite),
    same: true,
    standard: '0',
    why: 'A master with fewer good replicas than this refuses every write (NOREPLICAS); a promoted replica enforces its own value. 0 = off.',
  },
  {
    name: 'min-replicas-max-lag',
    read: (c) => str(c.minReplicasMaxLag),
    same: true,
    standard: '10',
    why: 'Seconds since its last acknowledgement within which a replica counts as good for min-replicas-to-write; 0 turns that off.',
  },
  {
    name: 'cluster-preferred-endpoint-type',
    read: (c) => c.preferredEndpointType,
    same: true,
    standard: 'ip',
    why: 'What MOVED/ASK and CLUSTER SLOTS give clients: ip, hostname or unknown-endpoint.',
  },
];

/** The spec of a parameter by name. */
export function settingSpec(name: string): SettingSpec | undefined {
  return SETTINGS.find((s) => s.name === name);
}
