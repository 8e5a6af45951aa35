/**
 * Reading a registered cluster's topology for chat answers that need it (nodes, settings, slot owners,
 * the owner named by an error): one probe shared by requests for the same cluster that arrive while it
 * runs, bounded by a deadline so a hung probe never leaves a request waiting; and posting what was read
 * in the channel, or to the asker alone when the channel refuses the post. Never throws.
 */
import type { Logger } from 'pino';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { codeOf, messageOf } from './error-text.ts';
import type { BotMessage, EphemeralTarget, Transport } from './message.ts';

/** Reads a registered cluster live (the bot's `topology` dependency). */
export type TopologyReader = (cluster: string) => Promise<ClusterSnapshot>;

const DEFAULT_DEADLINE_MS = 30_000;
const running = new WeakMap<TopologyReader, Map<string, Promise<ClusterSnapshot>>>();

/** A read that outlived its deadline, coded for the logs. */
export class LiveReadTimeout extends Error {
  readonly code = 'LIVE_READ_TIMEOUT';
  constructor(cluster: string, ms: number) {
    super(`reading ${cluster} did not finish within ${Math.round(ms / 1000)} s`);
    this.name = 'LiveReadTimeout';
  }
}

/** Joins the running read of `cluster` or starts one; rejects after `deadlineMs`. */
export function readShared(
  read: TopologyReader,
  cluster: string,
  deadlineMs = DEFAULT_DEADLINE_MS,
): Promise<ClusterSnapshot> {
  let table = running.get(read);
  if (!table) {
    table = new Map();
    running.set(read, table);
  }
  const reads = table;
  let shared = reads.get(cluster);
  if (!shared) {
    const started = Promise.resolve().then(() => read(cluster));
    shared = started;
    reads.set(cluster, started);
    const drop = () => {
      if (reads.get(cluster) === started) reads.delete(cluster);
    };
    started.then(drop, drop);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (reads.get(cluster) === shared) reads.delete(cluster);
      reject(new LiveReadTimeout(cluster, deadlineMs));
    }, deadlineMs);
    timer.unref();
  });
  return Promise.race([shared, deadline]).finally(() => clearTimeout(timer));
}

/** One live read to post: where, of which cluster, and how to turn the snapshot into a message. */
export interface LiveReadInput {
  transport: Transport;
  logger: Logger;
  topology?: TopologyReader;
  target: EphemeralTarget;
  cluster: string;
  /** What is read, for messages and logs ("nodes", "settings"). */
  what: string;
  build: (snapshot: ClusterSnapshot) => BotMessage;
  /** Shows a refusal or error to one user (core's `problem`). */
  problem: (message: string, hint: string) => BotMessage;
  deadlineMs?: number;
}

/** Reads the cluster and posts `build(snapshot)` in the channel (or to the asker when posting fails). */
export async function postLiveRead(input: LiveReadInput): Promise<void> {
  const { transport, logger, target, cluster, what } = input;
  if (!input.topology) {
    await transport.ephemeral(target, {
      tone: 'info',
      text: `Reading ${what} needs live probing, which this build does not have.`,
      fallback: `Reading ${what} needs live probing.`,
    });
    return;
  }
  let msg: BotMessage;
  try {
    msg = input.build(await readShared(input.topology, cluster, input.deadlineMs));
  } catch (err) {
    logger.error({ event: `${what}_failed`, cluster, code: codeOf(err) }, `${what} failed`);
    await transport.ephemeral(
      target,
      input.problem(`Could not read the ${what} of ${cluster}.`, messageOf(err)),
    );
    return;
  }
  try {
    await transport.post(target.channel, msg);
  } catch (err) {
    // The cluster was read; only posting failed (not in the channel, Slack down): show it to the asker.
    logger.warn({ event: 'post_failed', cluster, code: codeOf(err) }, `${what} not posted`);
    const why = transport.explainFailure?.(err) ?? `Posting failed (${codeOf(err)}).`;
    await transport.ephemeral(target, {
      ...msg,
      notes: [...(msg.notes ?? []), `Only you can see this. ${why}`],
    });
  }
}
