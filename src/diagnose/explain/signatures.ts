/**
 * How each error is written: Redis's own replies and the wrappings of Jedis, Lettuce, redis-py, ioredis,
 * go-redis and StackExchange.Redis. Each signature has a literal anchor (checked first, cheaply) and a
 * regex of literal text and bounded classes only, so matching stays linear and never backtracks badly.
 * `strict` signatures carry the error's own message text and are enough to answer an unprompted chat
 * message; the others (a bare code word, a class name) count only when someone asks to explain.
 */
import { type ClientLibrary, EXPLAIN_CODES, type ExplainCode, type ExplainVariant } from './types.ts';

/** Where the slot and the node sit in a signature's capture groups. */
export type Capture = 'slot-node' | 'node-slot' | 'slot' | 'node' | 'none';

/** One way an error is written, and where its slot and node are in it. */
export interface Signature {
  code: ExplainCode;
  /** "raw" for the Redis reply itself, else the wrapper's name. */
  form: string;
  client?: ClientLibrary;
  anchor: string;
  re: RegExp;
  capture: Capture;
  strict: boolean;
  /** Tried only when no other signature found this code on the line (a looser form of the same text). */
  fallback?: boolean;
  /** The variant named by capture group 1 (CLUSTERDOWN messages). */
  variantOf?: (text: string) => ExplainVariant;
}

/** Not preceded by a letter, digit or underscore. */
const B = '(?<![A-Za-z0-9_])';
const SLOT = '(\\d{1,5})';
const NODE = '(\\S{1,300})';

/** Which CLUSTERDOWN message this is. */
export function clusterDownVariant(text: string): ExplainVariant {
  if (text.startsWith('Hash')) return 'slot-not-served';
  return text.includes('read commands') ? 'cluster-down-readonly' : 'cluster-down';
}

const DOWN_TEXT = '(Hash slot not served|The cluster is down(?: and only accepts read commands)?)';

function sig(
  code: ExplainCode,
  anchor: string,
  pattern: string,
  extra: Partial<Omit<Signature, 'code' | 'anchor' | 're'>> = {},
): Signature {
  return {
    code,
    anchor,
    re: new RegExp(pattern, 'g'),
    form: 'raw',
    capture: 'none',
    strict: true,
    ...extra,
  };
}

const RAW: Signature[] = [
  sig('CLUSTERDOWN', 'CLUSTERDOWN', `${B}CLUSTERDOWN ${DOWN_TEXT}`, { variantOf: clusterDownVariant }),
  sig('MOVED', 'MOVED', `${B}MOVED ${SLOT} ${NODE}`, { capture: 'slot-node' }),
  sig('ASK', 'ASK', `${B}ASK ${SLOT} ${NODE}`, { capture: 'slot-node' }),
  sig('CROSSSLOT', 'CROSSSLOT', `${B}CROSSSLOT Keys in request don.t hash to the same slot`),
  sig('TRYAGAIN', 'TRYAGAIN', `${B}TRYAGAIN Multiple keys request during rehashing of slot`),
  sig('LOADING', 'LOADING', `${B}LOADING Redis is loading the dataset in memory`),
  sig('READONLY', 'READONLY', `${B}READONLY You can.t write against a read only (?:replica|slave)`),
  sig('MASTERDOWN', 'MASTERDOWN', `${B}MASTERDOWN Link with MASTER is down`),
  sig('NOAUTH', 'NOAUTH', `${B}NOAUTH Authentication required`),
  sig('WRONGPASS', 'WRONGPASS', `${B}WRONGPASS invalid username-password pair`),
  sig('NOREPLICAS', 'NOREPLICAS', `${B}NOREPLICAS Not enough good replicas to write`),
];

const py = (code: ExplainCode, cls: string, text: string, extra: Partial<Signature> = {}) =>
  sig(code, `${cls}:`, `${B}${cls}: ${text}`, { form: cls, client: 'redis-py', ...extra });

/** redis-py strips the Redis code and raises its own class with the rest of the message. */
const REDIS_PY: Signature[] = [
  py('CLUSTERDOWN', 'ClusterDownError', DOWN_TEXT, { variantOf: clusterDownVariant }),
  py('MOVED', 'MovedError', `${SLOT} ${NODE}`, { capture: 'slot-node' }),
  py('ASK', 'AskError', `${SLOT} ${NODE}`, { capture: 'slot-node' }),
  py('CROSSSLOT', 'ClusterCrossSlotError', 'Keys in request'),
  py('TRYAGAIN', 'TryAgainError', 'Multiple keys request'),
  py('LOADING', 'BusyLoadingError', 'Redis is loading'),
  py('READONLY', 'ReadOnlyError', 'You can.t write against a read only'),
  py('MASTERDOWN', 'MasterDownError', 'Link with MASTER is down'),
  py('NOAUTH', 'AuthenticationError', 'Authentication required'),
  py('NOAUTH', 'AuthenticationRequiredError', 'Authentication required'),
  py('WRONGPASS', 'AuthenticationError', 'invalid username-password pair'),
  py('SLOT_NOT_COVERED', 'SlotNotCoveredError', `Slot \\\\?"${SLOT}\\\\?" (?:is )?not covered`, {
    capture: 'slot',
  }),
  py('TOO_MANY_REDIRECTIONS', 'ClusterError', 'TTL exhausted'),
  sig('CLUSTER_UNREACHABLE', 'Redis Cluster cannot be connected', 'Redis Cluster cannot be connected', {
    form: 'RedisClusterException',
    client: 'redis-py',
  }),
];

const phrase = (code: ExplainCode, text: string, form: string, client?: ClientLibrary) =>
  sig(code, text, text.replace(/[.?]/g, '\\$&'), { form, ...(client ? { client } : {}) });

const OTHER_CLIENTS: Signature[] = [
  // Jedis, and ioredis in the same words: the client is read from the line.
  phrase('TOO_MANY_REDIRECTIONS', 'Too many Cluster redirections', 'max redirections'),
  phrase(
    'TOO_MANY_REDIRECTIONS',
    'No more cluster attempts left',
    'JedisClusterMaxAttemptsException',
    'Jedis',
  ),
  phrase(
    'CLUSTER_UNREACHABLE',
    'No reachable node in cluster',
    'JedisNoReachableClusterNodeException',
    'Jedis',
  ),
  phrase(
    'CLUSTER_UNREACHABLE',
    'Could not initialize cluster slots cache',
    'JedisClusterOperationException',
    'Jedis',
  ),
  phrase(
    'CROSSSLOT',
    'No way to dispatch this command to Redis Cluster because keys have different slots',
    'JedisClusterOperationException',
    'Jedis',
  ),
  // Lettuce
  sig(
    'SLOT_NOT_COVERED',
    'Cannot determine a partition',
    `Cannot determine a partition (?:to read )?for slot ${SLOT}`,
    {
      form: 'PartitionSelectorException',
      client: 'Lettuce',
      capture: 'slot',
    },
  ),
  phrase('CLUSTER_UNREACHABLE', 'Cannot retrieve initial cluster partitions', 'RedisException', 'Lettuce'),
  sig(
    'NODE_NOT_IN_TOPOLOGY',
    'not known in the cluster view',
    `Connection to ${NODE} not allowed\\. This (?:partition|connection point) is not known in the cluster view`,
    { form: 'PartitionSelectorException', client: 'Lettuce', capture: 'node' },
  ),
  // The same refusal when Lettuce does not even know the address ("Connection to ?:? not allowed").
  sig(
    'NODE_NOT_IN_TOPOLOGY',
    'not known in the cluster view',
    'not allowed\\. This (?:partition|connection point) is not known in the cluster view',
    { form: 'PartitionSelectorException', client: 'Lettuce', fallback: true },
  ),
  // ioredis
  phrase('CLUSTER_UNREACHABLE', 'Failed to refresh slots cache', 'ClusterAllFailedError', 'ioredis'),
  phrase('CLUSTER_UNREACHABLE', 'None of startup nodes is available', 'ClusterAllFailedError', 'ioredis'),
  // go-redis
  phrase('CLUSTER_UNREACHABLE', 'redis: cluster has no nodes', 'errClusterNoNodes', 'go-redis'),
  phrase('CROSSSLOT', 'redis: Watch requires all keys to be in the same slot', 'Watch', 'go-redis'),
  // StackExchange.Redis
  sig(
    'SLOT_NODE_UNREACHABLE',
    'serving hashslot',
    `Endpoint ${NODE} serving hashslot ${SLOT} is not reachable`,
    { form: 'RedisConnectionException', client: 'StackExchange.Redis', capture: 'node-slot' },
  ),
  sig('MOVED', 'Key has MOVED to Endpoint', `Key has MOVED to Endpoint ${NODE} and hashslot ${SLOT}`, {
    form: 'RedisServerException',
    client: 'StackExchange.Redis',
    capture: 'node-slot',
  }),
  phrase(
    'CROSSSLOT',
    'Multi-key operations must involve a single slot',
    'RedisCommandException',
    'StackExchange.Redis',
  ),
  phrase(
    'CLUSTER_UNREACHABLE',
    'No connection is active/available to service this operation',
    'RedisConnectionException',
    'StackExchange.Redis',
  ),
];

const word = (code: ExplainCode, name: string, client?: ClientLibrary): Signature =>
  sig(code, name, `${B}${name}(?![A-Za-z0-9_])`, {
    strict: false,
    form: client ? name : 'raw',
    ...(client ? { client } : {}),
  });

/** Bare code words and class names: only when someone asks to explain the text. */
const LENIENT: Signature[] = [
  // Redis's own codes are the upper-case ones without an underscore.
  ...EXPLAIN_CODES.filter((c) => /^[A-Z]+$/.test(c)).map((c) => word(c, c)),
  word('TOO_MANY_REDIRECTIONS', 'JedisClusterMaxAttemptsException', 'Jedis'),
  word('TOO_MANY_REDIRECTIONS', 'JedisClusterMaxRedirectionsException', 'Jedis'),
  word('CLUSTER_UNREACHABLE', 'JedisNoReachableClusterNodeException', 'Jedis'),
  word('CLUSTER_UNREACHABLE', 'ClusterAllFailedError', 'ioredis'),
  word('SLOT_NOT_COVERED', 'PartitionSelectorException', 'Lettuce'),
  word('SLOT_NOT_COVERED', 'SlotNotCoveredError', 'redis-py'),
  word('CLUSTERDOWN', 'ClusterDownError', 'redis-py'),
  word('MOVED', 'MovedError', 'redis-py'),
  word('ASK', 'AskError', 'redis-py'),
  word('CROSSSLOT', 'ClusterCrossSlotError', 'redis-py'),
  word('TRYAGAIN', 'TryAgainError', 'redis-py'),
  word('LOADING', 'BusyLoadingError', 'redis-py'),
  word('MASTERDOWN', 'MasterDownError', 'redis-py'),
];

/** Every signature: strict ones first, so a line's strict match suppresses its lenient duplicates. */
export const SIGNATURES: readonly Signature[] = [...RAW, ...REDIS_PY, ...OTHER_CLIENTS, ...LENIENT];

/** Distinct anchors, for the cheap "could this text hold an error at all" test. */
export const ANCHORS: readonly string[] = [...new Set(SIGNATURES.map((s) => s.anchor))];

/** The client library a line names, from the package or class names it mentions. */
export function clientNamedIn(line: string): ClientLibrary | undefined {
  if (/jedis/i.test(line)) return 'Jedis';
  if (/lettuce/i.test(line)) return 'Lettuce';
  if (/StackExchange/.test(line)) return 'StackExchange.Redis';
  if (/ioredis|ReplyError|Last error:/.test(line)) return 'ioredis';
  if (/redis\.exceptions|rediscluster|redis\.cluster/.test(line)) return 'redis-py';
  if (/go-redis|(?:^|[\s"'=])redis: /.test(line)) return 'go-redis';
  return undefined;
}
