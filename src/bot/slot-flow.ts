/**
 * `/redis slot <key>... [cluster]`: slots are computed at once; when the last word names a registered
 * cluster the asker may diagnose, its owners are read live and sent to the asker. Chat never takes a
 * host:port target: such a word is just a key (and the answer says so). Never throws.
 */
import type { Logger } from 'pino';
import { suggestHashTag } from '../cluster/hash-tag.ts';
import { buildModel } from '../cluster/model.ts';
import { keySlotRows } from '../cluster/slot-owner.ts';
import { codeOf, messageOf } from './error-text.ts';
import { readShared, type TopologyReader } from './live-read.ts';
import { type BotMessage, type EphemeralTarget, note, type Transport } from './message.ts';
import { slotMessage } from './render/slot.ts';

/** What the slot flow needs from the core: transport, live reader, cluster names and the access gate. */
export interface SlotFlowInput {
  transport: Transport;
  logger: Logger;
  topology?: TopologyReader;
  /** Registered cluster names (a last word among them names the cluster). */
  known: string[];
  /** Clusters usable where the request came from, for the hint. */
  usable: string[];
  /** Null when the asker may read `cluster`; else the refusal to show. */
  gate: (cluster: string) => BotMessage | null;
  problem: (message: string, hint: string) => BotMessage;
  target: EphemeralTarget;
  deadlineMs?: number;
}

const ADDRESS = /^\[?[0-9a-fA-F.:]+\]?:\d{1,5}$/;

/** Answers the command: the slots in the ack, the owners (with a cluster) in a follow-up to the asker. */
export async function slotCommand(
  input: SlotFlowInput,
  words: string[],
  ack: (msg: BotMessage) => Promise<void>,
): Promise<void> {
  const last = words.at(-1);
  const cluster = words.length >= 2 && last !== undefined && input.known.includes(last) ? last : null;
  const keys = cluster ? words.slice(0, -1) : words;
  const suggestion = suggestHashTag(keys);
  const notes = keys
    .filter((k) => ADDRESS.test(k))
    .map(
      (k) => `${k} was taken as a key: chat never takes host:port targets, only registered cluster names.`,
    );
  if (!cluster) {
    const example = input.usable[0];
    if (example) notes.push(`Add a cluster name to see each slot's owner: /redis slot <key>... ${example}`);
    return ack(slotMessage(keySlotRows(keys), { suggestion, notes }));
  }
  const refusal = input.gate(cluster);
  if (refusal) return ack(refusal);
  if (!input.topology) {
    notes.push('Owners need live probing, which this build does not have.');
    return ack(slotMessage(keySlotRows(keys), { suggestion, notes }));
  }
  await ack(
    note(
      `Looking up the owners of ${keys.length === 1 ? 'its slot' : 'their slots'} in ${cluster}…`,
      'running',
    ),
  );
  let msg: BotMessage;
  try {
    const model = buildModel(await readShared(input.topology, cluster, input.deadlineMs));
    if (!model.hasFullView)
      notes.push(`No node of ${cluster} gave its CLUSTER NODES view: owners are unknown.`);
    msg = slotMessage(keySlotRows(keys, model), { cluster, suggestion, notes });
  } catch (err) {
    input.logger.warn({ event: 'slot_owners_failed', cluster, code: codeOf(err) }, 'slot owners not read');
    msg = input.problem(`Could not read the slot owners of ${cluster}.`, messageOf(err));
  }
  await input.transport.ephemeral(input.target, msg).catch((err: unknown) => {
    input.logger.warn({ event: 'slot_followup_failed', code: codeOf(err) }, 'slot owners not delivered');
  });
}
