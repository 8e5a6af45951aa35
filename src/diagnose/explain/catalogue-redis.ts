/**
 * The catalogue of Redis's own error replies: what each means, its likely causes (most likely first)
 * and what to check next. Data only. `{host}`, `{port}` and `{slot}` are filled in from the error when it
 * names them, else shown as <host>, <port>, <slot>.
 */
import type { CatalogueEntry } from './catalogue-types.ts';

const ANY = 'redis-cli -h <any node> -p <port>';

/** Redis's error replies, one entry per code. */
export const REDIS_ERRORS: readonly CatalogueEntry[] = [
  {
    code: 'CLUSTERDOWN',
    meaning:
      'The node that answered refuses the command because, as far as it can tell, the cluster cannot serve it.',
    causes: [
      'A slot-owning master is down and no replica took over (none exists, none is eligible, or the election is still running: it takes cluster-node-timeout plus a few seconds).',
      'The node that answered is cut off from most masters (a network partition) and marks the cluster failed on its own side.',
      'Slots have no owner at all: a reshard or --cluster fix left them unassigned, or a dead master was forgotten with its slots.',
    ],
    next: [
      `${ANY} cluster info   (cluster_state, cluster_slots_assigned, cluster_slots_fail)`,
      `${ANY} cluster nodes | grep -E 'fail|disconnected|noaddr'`,
      'redis-cli --cluster check <any node>:<port>',
      'Run the clusterdown runbook (/redis diagnose <cluster>): it names the dead owners and the safe fix.',
    ],
    variants: {
      'slot-not-served': {
        meaning:
          'The key hashes to a slot that no master owns in the view of the node that answered ("Hash slot not served"). Commands on keys of other slots may still work.',
        causes: [
          'The slot was never assigned or was removed: a cluster creation, reshard or --cluster fix that did not finish, or CLUSTER DELSLOTS.',
          'A dead master was removed with CLUSTER FORGET or del-node while it still owned slots, so its slots are now unassigned.',
          'The client reached a node that lost its nodes.conf and restarted as a cluster of one: it owns nothing and knows no one.',
        ],
      },
      'cluster-down': {
        meaning:
          'The node that answered reports cluster_state:fail and refuses every key ("The cluster is down"). With cluster-require-full-coverage yes (the default) one slot without a working owner is enough; so is that node losing contact with most masters.',
      },
      'cluster-down-readonly': {
        meaning:
          'The cluster is down and cluster-allow-reads-when-down is yes: reads are still served (possibly stale) but every write is refused.',
      },
    },
  },
  {
    code: 'MOVED',
    meaning:
      'The node asked does not own slot {slot}; it says {host}:{port} does. A cluster-aware client updates its slot map and retries there, so one MOVED after a failover or a reshard is normal.',
    causes: [
      "The client's slot map is stale after a failover or reshard and it does not refresh it (topology refresh off, or it cannot reach the node it should ask).",
      'The client is not in cluster mode (a plain connection to one node, or redis-cli without -c): every key of another node gets MOVED.',
      '{host}:{port} is an address the client cannot reach (an internal or container address announced without cluster-announce-ip), so it never gets past the redirect.',
      'Nodes disagree about who owns the slot (after a partition or an epoch collision), so redirects bounce between them.',
    ],
    repeated:
      'The same MOVED for slot {slot} appears {count} times: the client keeps being redirected without taking the redirect into its slot map (stale client topology), or it cannot use the address it is sent to ({host}:{port}: check cluster-announce-ip/-port when nodes run behind NAT or in containers).',
    next: [
      'redis-cli -h {host} -p {port} ping   (run it from the application host: can the client reach the address it is sent to?)',
      `${ANY} cluster shards   (who owns slot {slot} now, and the address each node announces)`,
      'Check the client is in cluster mode and refreshes its topology (Lettuce: enablePeriodicRefresh/adaptive refresh; redis-py: RedisCluster; ioredis: Redis.Cluster).',
    ],
    variants: {
      'unknown-endpoint': {
        meaning:
          'The node asked does not own slot {slot}, and it told the client it does not know an address for the owner ("?" or an empty host): the client cannot follow the redirect.',
        causes: [
          'cluster-preferred-endpoint-type is hostname but the owner announces no cluster-announce-hostname (or it is unknown-endpoint on purpose, and the client should use the address it connected to).',
        ],
      },
    },
  },
  {
    code: 'ASK',
    meaning:
      'Slot {slot} is being migrated and this key already lives on {host}:{port}. The client must send ASKING and then the command there, for this one request only; during a reshard this is normal.',
    causes: [
      'A reshard or rebalance is moving slot {slot} right now (expected while it runs).',
      'A migration was interrupted and left the slot MIGRATING on the source and IMPORTING on the target: every moved key answers ASK until someone finishes or undoes it.',
      'The client does not handle ASK (not in cluster mode, or an old library), so it fails instead of following it.',
    ],
    next: [
      `${ANY} cluster nodes | grep -F '['   (open slots show as [slot->-id] on the source and [slot-<-id] on the target)`,
      'redis-cli --cluster check {host}:{port}   ("open slot" warnings)',
      'If nobody is resharding, run the resharding runbook: it says which side holds the keys and how to close the slot.',
    ],
  },
  {
    code: 'CROSSSLOT',
    meaning:
      'A command that takes several keys (MGET, MSET, DEL, SUNION, RENAME, a Lua script or a transaction) got keys in different hash slots. Redis Cluster runs a multi-key command only when every key is in one slot; this is an application error, not an outage, and retrying never helps.',
    causes: [
      'The keys have no common hash tag, so each hashes on its full name.',
      'The keys have hash tags that differ, or a tag Redis does not use: only the text between the first { and the first } after it counts, and {} (empty) means the whole key.',
      'Code written for a single Redis instance now runs against a cluster.',
    ],
    next: [
      "redis-runbook slot <key1> <key2> ...   (or /redis slot): each key's slot, and a hash tag that puts them together",
      `${ANY} cluster keyslot <key>`,
      'Either give the keys one hash tag (e.g. {user:42}:cart and {user:42}:profile) or send one command per key.',
    ],
  },
  {
    code: 'TRYAGAIN',
    meaning:
      'A multi-key command hit a slot that is being migrated while its keys are split between the source and the target. Redis asks the client to retry later.',
    causes: [
      'A reshard of that slot is in progress (transient: a retry after a short wait succeeds).',
      'A migration stopped half-way and left the slot open, so the keys stay split and the error never goes away.',
    ],
    next: [
      `${ANY} cluster nodes | grep -F '['   (is a slot open, and since when?)`,
      'If it persists, run the resharding runbook to finish or undo the migration.',
    ],
  },
  {
    code: 'LOADING',
    meaning:
      'The node is reading its data set from disk (RDB or AOF) after a start, or loading the RDB of a full resync, and refuses commands until it is done.',
    causes: [
      'The node restarted (crash, out-of-memory kill, deploy, host reboot) and is loading its data.',
      'A replica is loading the RDB its master sent for a full resynchronisation.',
      'The data set is large or the disk slow, so loading takes minutes.',
    ],
    next: [
      'redis-cli -h {host} -p {port} info persistence   (loading_loaded_perc, loading_eta_seconds)',
      'Do not restart it: loading starts over. Find why it restarted (its log, dmesg for the OOM killer).',
    ],
  },
  {
    code: 'READONLY',
    meaning: 'A write reached a replica. Replicas only accept reads.',
    causes: [
      'A failover happened and the client still writes to the old master, which came back as a replica (stale client topology).',
      'The client connects to a replica address directly (a DNS name, a load balancer, or a non-cluster client pointed at one node).',
      'A client that reads from replicas (READONLY mode) sent a write on its replica connection.',
    ],
    next: [
      'redis-cli -h {host} -p {port} role   (what the node the write went to is now)',
      `${ANY} cluster nodes | grep master   (who the masters are now)`,
      'Make the client refresh its topology after failovers.',
    ],
  },
  {
    code: 'MASTERDOWN',
    meaning:
      'A replica lost its link to its master and, with replica-serve-stale-data no, refuses to serve even reads until the link is back.',
    causes: [
      'Its master is down or unreachable from the replica.',
      'The replica is in the middle of a full resynchronisation.',
      'Replication authentication fails (masterauth or masteruser wrong after a password change).',
    ],
    next: [
      'redis-cli -h {host} -p {port} info replication   (master_link_status, master_link_down_since_seconds, master_sync_in_progress)',
      'The replica\'s log: "MASTER <-> REPLICA sync" and "Connection with master lost" lines.',
    ],
  },
  {
    code: 'NOAUTH',
    meaning: 'The client sent a command without authenticating to a node that requires a password.',
    causes: [
      'The client has no password configured, or uses it only for the first node and not for the nodes it is redirected to.',
      'A password was turned on for some nodes only (a rollout half done), so nodes disagree.',
      'The connection was re-established (failover, reconnect) without AUTH being sent again.',
    ],
    next: [
      'redis-cli -h {host} -p {port} ping   (NOAUTH here means this node requires a password)',
      'Compare every node: the password setting must be the same on all of them.',
    ],
  },
  {
    code: 'WRONGPASS',
    meaning:
      'The client authenticated with a user name or password that this node rejects, or the user is disabled.',
    causes: [
      'The password was rotated on the servers but not in the client (or the other way round).',
      'ACL users differ between nodes: a cluster does not copy ACLs, so a user created on one node is missing on the others.',
      'The client authenticates as the default user where an ACL user is expected, or the user is disabled (off).',
    ],
    next: [
      'redis-cli -h {host} -p {port} --user <user> --askpass ping   (on every node)',
      'redis-cli -h {host} -p {port} acl list   (compare the users across nodes)',
    ],
  },
  {
    code: 'NOREPLICAS',
    meaning:
      'The master refuses writes because fewer replicas than min-replicas-to-write are connected with a lag under min-replicas-max-lag.',
    causes: [
      'Replicas are down or disconnected from this master.',
      'Replicas lag behind (slow network or disk) by more than min-replicas-max-lag seconds.',
      'min-replicas-to-write is higher than the number of replicas the master has now (one was removed, restarted or failed, or a replica was promoted with a setting its new replicas do not meet).',
    ],
    next: [
      "redis-cli -h {host} -p {port} info replication   (min_slaves_good_slaves: the good replicas it counts; each slave line's state and lag)",
      'redis-cli -h {host} -p {port} config get min-replicas-*',
      'redis-runbook diagnose <cluster>   (MASTER_REFUSES_WRITES names every master refusing writes and its replicas)',
    ],
  },
];
