/**
 * Reads the settings the rules judge with CONFIG GET, in as few round trips as the server allows: one
 * command naming every parameter (Redis 7), else, when the server takes only one pattern per call
 * (Redis 6), one pipelined command per parameter. A parameter the server does not return stays unknown
 * (absent), never a default. Never rejects: a refused or renamed CONFIG becomes the error text.
 */
import type { Redis } from 'ioredis';
import type { NodeConfig } from '../../cluster/types.ts';

type Setter = (cfg: NodeConfig, value: string) => void;

const yes = (v: string) => v === 'yes';
const num = (v: string): number | undefined => {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : undefined;
};
const setNum =
  (
    key: {
      [K in keyof NodeConfig]-?: NodeConfig[K] extends number | undefined ? K : never;
    }[keyof NodeConfig],
  ): Setter =>
  (cfg, v) => {
    const n = num(v);
    if (n !== undefined) cfg[key] = n;
  };

/** Each parameter read, and where its value goes in NodeConfig. */
const SETTERS: Record<string, Setter> = {
  'cluster-require-full-coverage': (c, v) => {
    c.requireFullCoverage = yes(v);
  },
  'cluster-node-timeout': setNum('nodeTimeoutMs'),
  'cluster-replica-validity-factor': setNum('replicaValidityFactor'),
  'cluster-allow-reads-when-down': (c, v) => {
    c.allowReadsWhenDown = yes(v);
  },
  'cluster-replica-no-failover': (c, v) => {
    c.replicaNoFailover = yes(v);
  },
  'cluster-migration-barrier': setNum('migrationBarrier'),
  'cluster-allow-replica-migration': (c, v) => {
    c.allowReplicaMigration = yes(v);
  },
  'repl-ping-replica-period': setNum('replPingReplicaPeriodS'),
  appendonly: (c, v) => {
    c.appendonly = yes(v);
  },
  save: (c, v) => {
    c.save = v;
  },
  maxmemory: setNum('maxmemoryBytes'),
  'maxmemory-policy': (c, v) => {
    c.maxmemoryPolicy = v;
  },
  'cluster-announce-ip': (c, v) => {
    c.announceIp = v;
  },
  'cluster-announce-hostname': (c, v) => {
    c.announceHostname = v;
  },
  'cluster-announce-port': setNum('announcePort'),
  'cluster-announce-bus-port': setNum('announceBusPort'),
  'cluster-preferred-endpoint-type': (c, v) => {
    c.preferredEndpointType = v;
  },
  'min-replicas-to-write': setNum('minReplicasToWrite'),
  'min-replicas-max-lag': setNum('minReplicasMaxLag'),
  // The names before Redis 5, which later servers still answer to: asked too, for those servers.
  'min-slaves-to-write': setNum('minReplicasToWrite'),
  'min-slaves-max-lag': setNum('minReplicasMaxLag'),
};

/** The parameters read, in the order they are asked for. */
export const CONFIG_PARAMS: readonly string[] = Object.keys(SETTERS);

/** Files a CONFIG GET reply ([name, value, name, value, ...]) into `cfg`; unknown names are ignored. */
export function fileConfigReply(reply: unknown, cfg: NodeConfig): void {
  if (!Array.isArray(reply)) return;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = reply[i];
    const value = reply[i + 1];
    if (typeof name !== 'string' || typeof value !== 'string') continue;
    SETTERS[name.toLowerCase()]?.(cfg, value);
  }
}

/** True for the reply of a server that takes a single pattern per CONFIG GET (Redis 6 and older). */
export function isSinglePatternError(message: string): boolean {
  return /wrong number of arguments|unknown subcommand/i.test(message);
}

/** The settings read from one node, or why none could be. */
export interface ConfigRead {
  config?: NodeConfig;
  /** Why CONFIG GET gave nothing (NOPERM, renamed command), already scrubbed by `describe`. */
  error?: string;
}

/** Reads the settings from one node; `describe` turns a rejection into text without secrets. */
export async function readNodeConfig(c: Redis, describe: (err: unknown) => string): Promise<ConfigRead> {
  const cfg: NodeConfig = {};
  let error: string | undefined;
  try {
    fileConfigReply(await c.call('CONFIG', 'GET', ...CONFIG_PARAMS), cfg);
  } catch (err) {
    const message = describe(err);
    if (!isSinglePatternError(message)) return { error: message };
    const replies = await Promise.allSettled(CONFIG_PARAMS.map((p) => c.call('CONFIG', 'GET', p)));
    for (const r of replies) {
      if (r.status === 'fulfilled') fileConfigReply(r.value, cfg);
      else error ??= describe(r.reason);
    }
  }
  const out: ConfigRead = {};
  if (Object.keys(cfg).length > 0) out.config = cfg;
  if (error !== undefined) out.error = error;
  return out;
}
