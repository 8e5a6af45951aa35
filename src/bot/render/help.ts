/** Help, cluster lists and "how to register a cluster" messages. Pure. */
import type { RunbookInfo } from '../../runbooks/types.ts';
import type { BotMessage } from '../message.ts';

/** What the bot can do, with examples, naming the clusters usable where it was asked. */
export function helpMessage(usable: string[], registered: number, runbooks: RunbookInfo[]): BotMessage {
  const example = usable[0] ?? 'prod-cluster';
  const lines = [
    `/redis diagnose ${example}: probe the cluster live and run the runbook that fits; steps go in a thread, the verdict replaces the first message.`,
    `/redis check ${example}: run the health runbook.`,
    `/redis nodes ${example}: a compact table of nodes, roles, slots and link states.`,
    `/redis settings ${example}: settings that cause the next outage (timeouts, failover, persistence, eviction, announced addresses), node by node.`,
    '/redis explain <error>: what a Redis or client error means (CLUSTERDOWN, MOVED, CROSSSLOT, Jedis, Lettuce, redis-py, ioredis, ...), its likely causes and what to check.',
    `/redis slot <key>... [${example}]: each key's hash slot, its owner in the cluster, and a hash tag that puts keys together.`,
    `/redis runbook list: the runbooks I know (${runbooks.map((r) => r.name).join(', ') || 'none loaded'}).`,
    `/redis runbook failover ${example}: run one runbook by name.`,
    '/redis clusters: the clusters this channel may use.',
  ];
  const clusters =
    registered === 0
      ? [
          'No clusters are registered yet, so only pasted output can be diagnosed. See "/redis diagnose" for how to add one.',
        ]
      : usable.length > 0
        ? [`Clusters usable here: ${usable.join(', ')}.`]
        : ['No registered cluster is bound to this channel (access.channels in the config).'];
  return {
    tone: 'info',
    title: 'redis-runbook: Redis Cluster diagnosis',
    sections: [
      { heading: 'Commands', lines, style: 'list' },
      {
        heading: 'Pasted output',
        lines: [
          'Paste CLUSTER NODES, CLUSTER INFO or redis-cli --cluster check output in a channel I am in (or mention me with it) and I reply in a thread with an offline diagnosis, saying whose view it was and what I could not check.',
          'Paste a Redis error (an application log line or stack trace) in a channel bound to a cluster and I explain it in a thread, with what the cluster says about its slot right now.',
        ],
        style: 'prose',
      },
      { heading: 'Clusters', lines: clusters, style: 'prose' },
    ],
    notes: [
      'I only read: nothing I do changes a cluster. Chat never takes host:port targets, only registered names.',
    ],
    fallback:
      'redis-runbook help: /redis diagnose <cluster>, check, nodes, settings, explain, slot, runbook list, clusters, or paste CLUSTER NODES or an error.',
  };
}

/** The clusters this channel may use, with their descriptions. */
export function clustersMessage(
  usable: { name: string; description?: string }[],
  registered: number,
): BotMessage {
  if (registered === 0) return noClustersMessage();
  if (usable.length === 0) {
    const text =
      'No registered cluster is bound to this channel. An admin can bind one under access.channels in the config (the key is this channel id, or "*" for every channel).';
    return { tone: 'warning', text, fallback: text };
  }
  const title = `Clusters usable here (${usable.length})`;
  return {
    tone: 'info',
    title,
    sections: [
      {
        lines: usable.map((c) => (c.description ? `${c.name}: ${c.description}` : c.name)),
        style: 'list',
      },
    ],
    fallback: `${title}: ${usable.map((c) => c.name).join(', ')}`,
  };
}

/** Explains how to register a cluster when none is configured. */
export function noClustersMessage(): BotMessage {
  const text =
    'No clusters are registered, so there is nothing to diagnose live. Pasted CLUSTER NODES output still works.';
  return {
    tone: 'warning',
    text,
    sections: [
      {
        heading:
          'To register a cluster, add it to redis-runbook.yml (or the file in $REDIS_RUNBOOK_CONFIG) and restart the bot:',
        lines: [
          'clusters:',
          '  - name: prod-cluster',
          '    seeds: ["10.0.0.11:6379", "10.0.0.12:6379"]',
          '    passwordEnv: PROD_REDIS_PASSWORD   # the variable that holds the password',
          'access:',
          '  channels:',
          '    C0123456789: [prod-cluster]        # or "*": [prod-cluster] for every channel',
        ],
        style: 'verbatim',
      },
    ],
    fallback: text,
  };
}

/** The runbooks this build knows, one line each. */
export function runbookListMessage(runbooks: RunbookInfo[]): BotMessage {
  const title = `Runbooks (${runbooks.length})`;
  return {
    tone: 'info',
    title,
    sections: [
      { lines: runbooks.map((r) => `${r.name}: ${r.title}. ${r.description}`), style: 'list' },
      {
        lines: ['Run one with /redis runbook <name> <cluster>; /redis diagnose picks the one that fits.'],
        style: 'prose',
      },
    ],
    fallback: `${title}: ${runbooks.map((r) => r.name).join(', ')}`,
  };
}
