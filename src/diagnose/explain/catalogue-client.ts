/**
 * The catalogue of conditions only client libraries report (no Redis error code carries them): a client
 * that gave up redirecting, could not load the topology, has no owner for a slot, or cannot or will not
 * connect to a node. Data only, like catalogue-redis.ts.
 */
import type { CatalogueEntry } from './catalogue-types.ts';

/** Client-side conditions, one entry per code. */
export const CLIENT_ERRORS: readonly CatalogueEntry[] = [
  {
    code: 'TOO_MANY_REDIRECTIONS',
    meaning:
      'The client followed redirects or retried failed attempts up to its limit and gave up (Jedis max attempts, ioredis maxRedirections, redis-py TTL). The error it saw last, often printed with it, is the real cause.',
    causes: [
      'The node it is redirected to cannot be reached from the client: an announced address that is internal to a NAT or container network, or a dead node that still owns the slot.',
      'The slot map is changing under it: a failover or reshard in progress, or nodes that disagree about an owner so redirects bounce.',
      'A long chain of ASK and MOVED during a reshard ran past a low attempt limit.',
    ],
    next: [
      'Read the last error printed with it (MOVED, ASK, CLUSTERDOWN, a connection error): explain that one too.',
      'redis-cli -h <any node> -p <port> cluster shards   (then, from the application host, ping every address it lists)',
      'Run /redis diagnose <cluster> for failovers, open slots and announced addresses.',
    ],
  },
  {
    code: 'CLUSTER_UNREACHABLE',
    meaning:
      'The client could not get the cluster topology (CLUSTER SLOTS or CLUSTER SHARDS) from any node it knows, so it cannot route a single command.',
    causes: [
      'No seed node is reachable from the client: wrong or outdated seed addresses, DNS, a firewall or security group, or TLS settings that do not match.',
      'The nodes answer but refuse the client: a wrong password (NOAUTH, WRONGPASS) or an ACL user without +cluster|slots; the nested exception says which.',
      'Every seed is down or loading: an outage, or seeds that are all on one failed host.',
      'The seeds are not cluster nodes (cluster-enabled no, or a proxy in front).',
    ],
    next: [
      'From the application host: redis-cli -h <seed> -p <port> cluster slots   (with the same user, password and TLS as the client)',
      'Read the nested "Caused by" or suppressed exception: connection refused, timeout, NOAUTH or NOPERM each point elsewhere.',
      'Run /redis diagnose <cluster> to see whether the nodes themselves are up.',
    ],
  },
  {
    code: 'SLOT_NOT_COVERED',
    meaning:
      "The client's slot map has no node for slot {slot} (or, when reading from replicas, no node it may read from), so it refuses the command before sending it.",
    causes: [
      'The slot has no owner in the cluster either (the client would get "CLUSTERDOWN Hash slot not served").',
      'The client loaded its map from a node with a partial or stale view, or has not refreshed it since the slot was assigned.',
      'The client reads from replicas only and the master of slot {slot} has no replica.',
    ],
    next: [
      'redis-cli -h <any node> -p <port> cluster shards   (who owns slot {slot} now)',
      "redis-runbook slot --cluster <cluster> <key>   (the owner of a key's slot and its state)",
    ],
  },
  {
    code: 'SLOT_NODE_UNREACHABLE',
    meaning: 'The client knows that {host}:{port} serves slot {slot} but has no working connection to it.',
    causes: [
      'That node is down, frozen or overloaded and a failover has not happened yet (it takes cluster-node-timeout plus an election).',
      'The address is announced but not reachable from the client (NAT, containers, a firewall between the application and that host).',
      'The client has not refreshed its topology since a failover moved the slot elsewhere.',
    ],
    next: [
      'redis-cli -h {host} -p {port} ping   (from the application host)',
      'redis-cli -h <any node> -p <port> cluster nodes | grep {host}:{port}   (is it flagged fail?)',
    ],
  },
  {
    code: 'NODE_NOT_IN_TOPOLOGY',
    meaning:
      'The client (Lettuce) refused to connect to {host}:{port} because that address is not in the topology it holds: it validates redirect targets against its own cluster view.',
    causes: [
      'The topology held by the client is stale: a node was added, replaced or failed over and the client has not refreshed.',
      'Nodes announce an address other than the one the client knows them by (hostname vs IP, NAT, containers), so a redirect names an address it has never seen.',
    ],
    next: [
      'Turn on periodic and adaptive topology refresh (ClusterTopologyRefreshOptions) in the client.',
      'redis-cli -h <any node> -p <port> cluster nodes   (compare the announced addresses with the ones the client uses)',
    ],
  },
];
