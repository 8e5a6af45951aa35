/**
 * The bodies of `audit verify` and `audit export`, loaded only when they run. They read the queue Redis
 * at $REDIS_URL (default redis://127.0.0.1:6379) and never write to it. Exit codes: 0 ok, 1 the chain
 * is broken, 2 bad options or the queue Redis unreachable.
 */
import { Redis } from 'ioredis';
import { keep, parseDuration, toJsonl, toMarkdown } from '../approvals/audit/export.ts';
import { readEntries, streamIdAt, verifyAudit } from '../approvals/audit/stream.ts';
import { approvalKeys } from '../approvals/keys.ts';
import type { StoredEntry } from '../approvals/types.ts';
import { loadConfig } from '../config/load.ts';
import { DEFAULT_REDIS_URL, describeRedisUrl } from '../ops/health/queue-redis.ts';
import type { AuditCommandOptions } from './audit-cmd.ts';

const EXIT_BROKEN = 1;
const EXIT_USAGE = 2;

/** Opens the queue Redis and the keys of the configured prefix; a string is the problem to print. */
async function open(opts: AuditCommandOptions, env: NodeJS.ProcessEnv) {
  let prefix: string;
  try {
    prefix = loadConfig(opts.config, env).approvals.prefix;
  } catch (err) {
    return (err as Error).message;
  }
  const url = env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    return `the queue Redis at ${describeRedisUrl(url)} does not answer (${(err as Error).message.split('\n')[0]}); set REDIS_URL to it`;
  }
  return { redis, keys: approvalKeys(prefix) };
}

/** Where the commands write (the process's stdout and stderr; tests capture them). */
export interface Output {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const STD: Output = { out: process.stdout, err: process.stderr };

/** `audit verify`: checks every link and the head; prints one line; resolves with the exit code. */
export async function auditVerify(
  opts: AuditCommandOptions,
  env = process.env,
  io: Output = STD,
): Promise<number> {
  const opened = await open(opts, env);
  if (typeof opened === 'string') {
    io.err.write(`redis-runbook audit verify: ${opened}\n`);
    return EXIT_USAGE;
  }
  const t0 = performance.now();
  try {
    const result = await verifyAudit(opened.redis, opened.keys);
    const ms = (performance.now() - t0).toFixed(0);
    if (result.ok) {
      io.out.write(
        `audit chain ok: ${result.entries} entries verified in ${ms} ms, head ${result.lastHash.slice(0, 16)}\n`,
      );
      return 0;
    }
    const b = result.broken;
    io.out.write(
      `audit chain BROKEN at entry ${b?.position} (stream id ${b?.streamId}${b?.seq ? `, seq ${b.seq}` : ''}): ${b?.reason}. ${b ? b.position - 1 : 0} entries before it verify.\n`,
    );
    return EXIT_BROKEN;
  } finally {
    opened.redis.disconnect();
  }
}

/** `audit export`: prints the matching entries as JSONL or markdown; resolves with the exit code. */
export async function auditExport(
  opts: AuditCommandOptions,
  env = process.env,
  io: Output = STD,
): Promise<number> {
  const format = opts.format ?? 'jsonl';
  const since = opts.since === undefined ? null : parseDuration(opts.since);
  const problem =
    format !== 'jsonl' && format !== 'markdown'
      ? `--format must be jsonl or markdown, not "${format}"`
      : opts.since !== undefined && since === null
        ? `--since takes a duration such as 90s, 15m, 2h or 7d, not "${opts.since}"`
        : null;
  if (problem) {
    io.err.write(`redis-runbook audit export: ${problem}\n`);
    return EXIT_USAGE;
  }
  const opened = await open(opts, env);
  if (typeof opened === 'string') {
    io.err.write(`redis-runbook audit export: ${opened}\n`);
    return EXIT_USAGE;
  }
  try {
    const filter = {
      ...(since !== null ? { sinceMs: Date.now() - since } : {}),
      ...(opts.cluster ? { cluster: opts.cluster } : {}),
    };
    // Stream ids start with the append time: start a minute early, then filter on each entry's own time.
    const from = filter.sinceMs !== undefined ? streamIdAt(filter.sinceMs - 60_000) : '-';
    const rows: StoredEntry[] = [];
    for await (const s of readEntries(opened.redis, opened.keys, from))
      if (keep(s.entry, filter)) rows.push(s);
    if (format === 'jsonl') {
      io.out.write(toJsonl(rows));
      return 0;
    }
    const verified = await verifyAudit(opened.redis, opened.keys);
    const status = verified.ok
      ? `The hash chain of the whole log verifies (${verified.entries} entries).`
      : `WARNING: the hash chain is broken at entry ${verified.broken?.position}: ${verified.broken?.reason}.`;
    const scope = [
      opts.cluster ? `cluster ${opts.cluster}` : 'all clusters',
      opts.since ? `last ${opts.since}` : 'all time',
    ];
    io.out.write(toMarkdown(rows, { title: `Incident timeline (${scope.join(', ')})`, verified: status }));
    return 0;
  } finally {
    opened.redis.disconnect();
  }
}
