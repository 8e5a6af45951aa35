/**
 * The contract of `explain`: the error codes it recognises (Redis's own, and what client libraries
 * report instead), one sighting in a text, the errors grouped, and the explanation the CLI and chat
 * show. Codes here are stable; the README documents each one.
 */

/** Redis error replies, then conditions only client libraries report (they have no Redis code). */
export const EXPLAIN_CODES = [
  'CLUSTERDOWN',
  'MOVED',
  'ASK',
  'CROSSSLOT',
  'TRYAGAIN',
  'LOADING',
  'READONLY',
  'MASTERDOWN',
  'NOAUTH',
  'WRONGPASS',
  'NOREPLICAS',
  'TOO_MANY_REDIRECTIONS',
  'CLUSTER_UNREACHABLE',
  'SLOT_NOT_COVERED',
  'SLOT_NODE_UNREACHABLE',
  'NODE_NOT_IN_TOPOLOGY',
] as const;
/** A code of the explain catalogue. */
export type ExplainCode = (typeof EXPLAIN_CODES)[number];

/** Client libraries whose wrappings are recognised. */
export type ClientLibrary = 'Jedis' | 'Lettuce' | 'redis-py' | 'ioredis' | 'go-redis' | 'StackExchange.Redis';

/** Which CLUSTERDOWN (or MOVED) this is, when the message says. */
export type ExplainVariant =
  | 'slot-not-served'
  | 'cluster-down'
  | 'cluster-down-readonly'
  | 'unknown-endpoint';

/** One place in the text where an error was recognised. */
export interface Sighting {
  code: ExplainCode;
  variant?: ExplainVariant;
  slot?: number;
  /** "host:port" the error names (MOVED/ASK target, an unreachable endpoint). */
  node?: string;
  client?: ClientLibrary;
  /** How it was written: "raw" for the Redis reply itself, else the wrapper's name. */
  form: string;
  /** 1-based line of the cleaned text. */
  line: number;
}

/** Sightings of the same error (code, variant, slot, node) grouped, in order of first appearance. */
export interface RecognisedError {
  code: ExplainCode;
  variant?: ExplainVariant;
  slot?: number;
  node?: string;
  count: number;
  clients: ClientLibrary[];
  forms: string[];
  firstLine: number;
  /** The first line it was seen on, trimmed to a readable length. */
  excerpt: string;
}

/** What `recogniseErrors` found, and whether the input was cut to its size limit. */
export interface Recognition {
  errors: RecognisedError[];
  /** Characters of input ignored past the limit (0 when all was read). */
  truncatedChars: number;
  /** Distinct errors left out past the list limit. */
  omitted: number;
}

/** One error explained: the JSON `explain --json` prints per error, and what chat shows. */
export interface ExplainedError {
  code: ExplainCode;
  slot?: number;
  node?: string;
  /** One line naming the error as seen ("MOVED 5649 10.0.0.2:6379, 3 times"). */
  title: string;
  meaning: string;
  /** Likely causes, most likely first. */
  causes: string[];
  /** What to check next, commands filled in with the host, port and slot the error names. */
  next: string[];
  count: number;
  clients: ClientLibrary[];
  /** Facts read live from the cluster about the slot or node, when a cluster was consulted. */
  live?: string[];
}
