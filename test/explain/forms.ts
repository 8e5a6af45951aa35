/**
 * Every error form the explain issue lists, as applications print them (Redis replies through redis-cli,
 * Jedis, Lettuce, redis-py, ioredis, go-redis, StackExchange.Redis), with what must be recognised; and
 * the ways Slack and log pipelines mangle a paste. Test data only.
 */
import type { ClientLibrary, ExplainCode, ExplainVariant } from '../../src/diagnose/explain/types.ts';

export interface Form {
  text: string;
  code: ExplainCode;
  variant?: ExplainVariant;
  slot?: number;
  node?: string;
  client?: ClientLibrary;
}

const J = 'redis.clients.jedis.exceptions.';
const L = 'io.lettuce.core.';
const P = 'redis.exceptions.';
const S = 'StackExchange.Redis.';

/** Each form once; `client` is what the line itself says. */
export const FORMS: Form[] = [
  // CLUSTERDOWN, both messages and the read-only one
  { text: '(error) CLUSTERDOWN Hash slot not served', code: 'CLUSTERDOWN', variant: 'slot-not-served' },
  { text: '(error) CLUSTERDOWN The cluster is down', code: 'CLUSTERDOWN', variant: 'cluster-down' },
  {
    text: '-CLUSTERDOWN The cluster is down and only accepts read commands',
    code: 'CLUSTERDOWN',
    variant: 'cluster-down-readonly',
  },
  {
    text: `${J}JedisClusterException: CLUSTERDOWN The cluster is down`,
    code: 'CLUSTERDOWN',
    variant: 'cluster-down',
    client: 'Jedis',
  },
  {
    text: `Caused by: ${L}RedisCommandExecutionException: CLUSTERDOWN Hash slot not served`,
    code: 'CLUSTERDOWN',
    variant: 'slot-not-served',
    client: 'Lettuce',
  },
  {
    text: `${P}ClusterDownError: The cluster is down`,
    code: 'CLUSTERDOWN',
    variant: 'cluster-down',
    client: 'redis-py',
  },
  {
    text: 'ReplyError: CLUSTERDOWN Hash slot not served',
    code: 'CLUSTERDOWN',
    variant: 'slot-not-served',
    client: 'ioredis',
  },
  { text: 'get user:42: CLUSTERDOWN Hash slot not served', code: 'CLUSTERDOWN', variant: 'slot-not-served' },
  {
    text: `${S}RedisServerException: CLUSTERDOWN The cluster is down`,
    code: 'CLUSTERDOWN',
    variant: 'cluster-down',
    client: 'StackExchange.Redis',
  },
  // MOVED
  { text: '(error) MOVED 5649 10.0.0.2:6379', code: 'MOVED', slot: 5649, node: '10.0.0.2:6379' },
  {
    text: `${J}JedisMovedDataException: MOVED 5649 10.0.0.2:6379`,
    code: 'MOVED',
    slot: 5649,
    node: '10.0.0.2:6379',
    client: 'Jedis',
  },
  {
    text: `${L}RedisCommandExecutionException: MOVED 5649 10.0.0.2:6379`,
    code: 'MOVED',
    slot: 5649,
    node: '10.0.0.2:6379',
    client: 'Lettuce',
  },
  {
    text: `${P}MovedError: 5649 10.0.0.2:6379`,
    code: 'MOVED',
    slot: 5649,
    node: '10.0.0.2:6379',
    client: 'redis-py',
  },
  {
    text: 'ReplyError: MOVED 5649 10.0.0.2:6379',
    code: 'MOVED',
    slot: 5649,
    node: '10.0.0.2:6379',
    client: 'ioredis',
  },
  {
    text: `${S}RedisServerException: Key has MOVED to Endpoint 10.0.0.2:6379 and hashslot 5649 but CommandFlags.NoRedirect was specified - redirect not followed for GET user:1.`,
    code: 'MOVED',
    slot: 5649,
    node: '10.0.0.2:6379',
    client: 'StackExchange.Redis',
  },
  {
    text: 'MOVED 5649 redis-2.prod.internal:6379',
    code: 'MOVED',
    slot: 5649,
    node: 'redis-2.prod.internal:6379',
  },
  { text: 'MOVED 5649 ::1:6379', code: 'MOVED', slot: 5649, node: '[::1]:6379' },
  { text: 'MOVED 5649 ?:6379', code: 'MOVED', slot: 5649, node: '?:6379', variant: 'unknown-endpoint' },
  // ASK
  { text: '(error) ASK 3999 127.0.0.1:6381', code: 'ASK', slot: 3999, node: '127.0.0.1:6381' },
  {
    text: `${J}JedisAskDataException: ASK 3999 127.0.0.1:6381`,
    code: 'ASK',
    slot: 3999,
    node: '127.0.0.1:6381',
    client: 'Jedis',
  },
  {
    text: `${P}AskError: 3999 127.0.0.1:6381`,
    code: 'ASK',
    slot: 3999,
    node: '127.0.0.1:6381',
    client: 'redis-py',
  },
  // CROSSSLOT, raw and every client's own wording
  { text: "(error) CROSSSLOT Keys in request don't hash to the same slot", code: 'CROSSSLOT' },
  {
    text: `${P}ClusterCrossSlotError: Keys in request don't hash to the same slot`,
    code: 'CROSSSLOT',
    client: 'redis-py',
  },
  {
    text: `${J}JedisClusterOperationException: No way to dispatch this command to Redis Cluster because keys have different slots.`,
    code: 'CROSSSLOT',
    client: 'Jedis',
  },
  {
    text: `${S}RedisCommandException: Multi-key operations must involve a single slot; keys can use 'hash tags' to help this`,
    code: 'CROSSSLOT',
    client: 'StackExchange.Redis',
  },
  { text: 'redis: Watch requires all keys to be in the same slot', code: 'CROSSSLOT', client: 'go-redis' },
  // TRYAGAIN, LOADING, READONLY, MASTERDOWN
  { text: '(error) TRYAGAIN Multiple keys request during rehashing of slot', code: 'TRYAGAIN' },
  {
    text: `${P}TryAgainError: Multiple keys request during rehashing of slot`,
    code: 'TRYAGAIN',
    client: 'redis-py',
  },
  { text: 'LOADING Redis is loading the dataset in memory', code: 'LOADING' },
  {
    text: `${P}BusyLoadingError: Redis is loading the dataset in memory`,
    code: 'LOADING',
    client: 'redis-py',
  },
  { text: "(error) READONLY You can't write against a read only replica.", code: 'READONLY' },
  { text: "READONLY You can't write against a read only slave.", code: 'READONLY' },
  {
    text: `${P}ReadOnlyError: You can't write against a read only replica.`,
    code: 'READONLY',
    client: 'redis-py',
  },
  {
    text: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    code: 'MASTERDOWN',
  },
  {
    text: `${P}MasterDownError: Link with MASTER is down and replica-serve-stale-data is set to 'no'.`,
    code: 'MASTERDOWN',
    client: 'redis-py',
  },
  // NOAUTH, WRONGPASS, NOREPLICAS
  { text: '(error) NOAUTH Authentication required.', code: 'NOAUTH' },
  { text: `${P}AuthenticationError: Authentication required.`, code: 'NOAUTH', client: 'redis-py' },
  { text: 'WRONGPASS invalid username-password pair or user is disabled.', code: 'WRONGPASS' },
  {
    text: `${P}AuthenticationError: invalid username-password pair or user is disabled.`,
    code: 'WRONGPASS',
    client: 'redis-py',
  },
  { text: 'NOREPLICAS Not enough good replicas to write.', code: 'NOREPLICAS' },
  // Clients giving up
  {
    text: `${J}JedisClusterMaxRedirectionsException: Too many Cluster redirections?`,
    code: 'TOO_MANY_REDIRECTIONS',
    client: 'Jedis',
  },
  {
    text: `${J}JedisClusterMaxAttemptsException: No more cluster attempts left.`,
    code: 'TOO_MANY_REDIRECTIONS',
    client: 'Jedis',
  },
  { text: `${P}ClusterError: TTL exhausted.`, code: 'TOO_MANY_REDIRECTIONS', client: 'redis-py' },
  // Clients that cannot load the topology
  {
    text: '[ioredis] Unhandled error event: ClusterAllFailedError: Failed to refresh slots cache.',
    code: 'CLUSTER_UNREACHABLE',
    client: 'ioredis',
  },
  { text: 'Error: None of startup nodes is available', code: 'CLUSTER_UNREACHABLE', client: 'ioredis' },
  {
    text: `${L}RedisException: Cannot retrieve initial cluster partitions from initial URIs [RedisURI [host='10.0.0.1', port=6379]]`,
    code: 'CLUSTER_UNREACHABLE',
    client: 'Lettuce',
  },
  {
    text: `${J}JedisClusterOperationException: Could not initialize cluster slots cache.`,
    code: 'CLUSTER_UNREACHABLE',
    client: 'Jedis',
  },
  {
    text: `${J}JedisNoReachableClusterNodeException: No reachable node in cluster`,
    code: 'CLUSTER_UNREACHABLE',
    client: 'Jedis',
  },
  {
    text: `${P}RedisClusterException: Redis Cluster cannot be connected. Please provide at least one reachable node.`,
    code: 'CLUSTER_UNREACHABLE',
    client: 'redis-py',
  },
  { text: 'dial failed: redis: cluster has no nodes', code: 'CLUSTER_UNREACHABLE', client: 'go-redis' },
  {
    text: `${S}RedisConnectionException: No connection is active/available to service this operation: GET user:1; UnableToConnect on 10.0.0.1:6379/Interactive`,
    code: 'CLUSTER_UNREACHABLE',
    client: 'StackExchange.Redis',
  },
  // Slots and nodes the client cannot use
  {
    text: `${L}cluster.PartitionSelectorException: Cannot determine a partition for slot 12182.`,
    code: 'SLOT_NOT_COVERED',
    slot: 12182,
    client: 'Lettuce',
  },
  {
    text: 'Cannot determine a partition to read for slot 12182.',
    code: 'SLOT_NOT_COVERED',
    slot: 12182,
    client: 'Lettuce',
  },
  {
    text: `${P}SlotNotCoveredError: Slot "12182" not covered by the cluster. "require_full_coverage=True"`,
    code: 'SLOT_NOT_COVERED',
    slot: 12182,
    client: 'redis-py',
  },
  {
    text: `${S}RedisConnectionException: Endpoint 192.168.80.2:7001 serving hashslot 2952 is not reachable at this point of time. Please check connectTimeout value.`,
    code: 'SLOT_NODE_UNREACHABLE',
    slot: 2952,
    node: '192.168.80.2:7001',
    client: 'StackExchange.Redis',
  },
  {
    text: `${L}cluster.PartitionSelectorException: Connection to 10.0.0.9:6379 not allowed. This partition is not known in the cluster view.`,
    code: 'NODE_NOT_IN_TOPOLOGY',
    node: '10.0.0.9:6379',
    client: 'Lettuce',
  },
  {
    text: 'java.lang.IllegalArgumentException: Connection to ?:? not allowed. This connection point is not known in the cluster view',
    code: 'NODE_NOT_IN_TOPOLOGY',
    client: 'Lettuce',
  },
];

const entities = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** How Slack, chat clients and log pipelines deliver the same text. */
export const MANGLERS: { name: string; mangle: (s: string) => string }[] = [
  { name: 'plain', mangle: (s) => s },
  { name: 'code fence', mangle: (s) => `\`\`\`\n${entities(s)}\n\`\`\`` },
  { name: 'fence with language on one line', mangle: (s) => `\`\`\`text ${entities(s)}\`\`\`` },
  { name: 'inline code', mangle: (s) => `\`${entities(s)}\`` },
  { name: 'quote (&gt;)', mangle: (s) => `&gt; ${entities(s)}` },
  {
    name: 'HTML entities incl. &#39;',
    mangle: (s) => entities(s).replace(/'/g, '&#39;').replace(/"/g, '&quot;'),
  },
  { name: 'smart quotes', mangle: (s) => s.replace(/'/g, '\u2019') },
  {
    name: 'auto-linked addresses',
    mangle: (s) => s.replace(/\b(\d{1,3}(?:\.\d{1,3}){3}:\d{2,5})\b/g, '<http://$1|$1>'),
  },
  { name: 'bold', mangle: (s) => `*${s}*` },
  { name: 'chat around it, CRLF', mangle: (s) => `seeing this since 03:10 :fire:\r\n${s}   \r\nany idea?` },
  { name: 'JSON log line', mangle: (s) => JSON.stringify({ level: 'error', ts: 1764470000, msg: s }) },
  {
    name: 'stack trace',
    mangle: (s) =>
      `Exception in thread "main" ${s}\n\tat com.example.Cart.load(Cart.java:42)\n\tat com.example.Main.main(Main.java:7)`,
  },
];

/** Ordinary chat that mentions these words without holding an error: never answered unprompted. */
export const CHAT: string[] = [
  'is the cluster down again?',
  'we MOVED 3 nodes to rack b yesterday',
  'MOVED the incident review to 3pm',
  'I ASK 2 people to look at it',
  'can someone check the CLUSTERDOWN alerts in grafana',
  'READONLY replicas are fine for reporting',
  'crossslot errors again, ugh',
  'the TRYAGAIN thing from last week',
  'loading the dashboard now',
  'MOVED 99999 10.0.0.1:6379',
  'ASK 12 10.0.0.1',
  'NOAUTH is expected on the new nodes until the rollout',
  'Too many meetings today',
];
