/**
 * `redis-runbook slot <key>... [--cluster <name|host:port>]`: each key's hash slot (computed here, as
 * CLUSTER KEYSLOT does), with a cluster its owner, state and migration, and a hash tag when the keys are
 * in different slots. Exit 0, or 2 for a bad --cluster; 3 when no node of the cluster answered.
 */

import { slotMessage } from '../bot/render/slot.ts';
import { renderText } from '../bot/shell/render.ts';
import { suggestHashTag } from '../cluster/hash-tag.ts';
import { buildModel } from '../cluster/model.ts';
import type { ClusterModel } from '../cluster/model-types.ts';
import { keySlotRows } from '../cluster/slot-owner.ts';
import { isConfigError } from '../config/errors.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import { EXIT_CRITICAL, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import type { TargetOptions } from './target-options.ts';

/** Options of `slot` (and, for tests, the probe settings and where output goes). */
export interface SlotCliOptions extends TargetOptions {
  json?: boolean;
  cluster?: string;
  probe?: ProbeOptions;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** Runs `slot`; resolves with the exit code. */
export async function runSlot(keys: string[], opts: SlotCliOptions = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  if (keys.length === 0) {
    err('redis-runbook slot: give at least one key [NO_KEYS]');
    return EXIT_USAGE;
  }
  let model: ClusterModel | undefined;
  let name: string | undefined;
  if (opts.cluster) {
    try {
      const { probeTarget } = await import('./live-target.ts');
      const { cluster, snapshot } = await probeTarget(opts.cluster, opts);
      model = buildModel(snapshot);
      name = cluster.name;
    } catch (e) {
      if (!isConfigError(e)) throw e;
      err(`redis-runbook slot: ${e.message} [${e.code}]`);
      return EXIT_USAGE;
    }
  }
  const rows = keySlotRows(keys, model);
  if (opts.json) {
    out(
      JSON.stringify(rows.map((r) => ({ key: r.key, slot: r.slot, ...(model ? { owner: r.owner } : {}) }))),
    );
  } else {
    const notes = model && !model.hasFullView ? [`No node of ${name} answered: owners are unknown.`] : [];
    const msg = slotMessage(rows, {
      ...(name ? { cluster: name } : {}),
      suggestion: suggestHashTag(keys),
      notes,
    });
    out(renderText(msg).join('\n'));
  }
  if (model && model.nodes.length === 0) {
    err(`redis-runbook slot: no node of ${name} answered [NO_NODE_ANSWERED]`);
    return EXIT_CRITICAL;
  }
  return EXIT_OK;
}
