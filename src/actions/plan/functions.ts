/**
 * Redis 7 functions in plans. add-node: the new master gets the cluster's libraries before it joins
 * (FUNCTION DUMP from a master, FUNCTION RESTORE on it, as `redis-cli --cluster add-node` does), or the
 * keys of slots later moved to it fail FCALL with "Function not found"; it is refused when the new node
 * already holds other libraries (never overwritten). Slot moves: a receiver that lacks a library its
 * source has is named as a risk. Reads what the probe saw (FUNCTION LIST, digests only). Pure.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { librariesText, sameLibraries } from '../../cluster/parse-functions.ts';
import type { FunctionLibrary, NodeObservation } from '../../cluster/types.ts';
import type { CopyFunctionsStep, NodeRef, PlanInput, Risk } from '../types.ts';
import { cliText } from './common.ts';
import { healthyMasters, redisMajor } from './slot-steps.ts';

/** What the probe read of a node's libraries: the list, none (before Redis 7), or why unknown. */
export type Libraries = { libs: FunctionLibrary[]; pre7?: boolean } | { unknown: string };

/** The libraries `obs` reported; before Redis 7 (FUNCTION unknown) that is none. */
export function librariesOf(obs: NodeObservation | undefined): Libraries {
  if (obs?.functions) return { libs: obs.functions };
  const why = obs?.functionsError;
  if (why && /unknown command/i.test(why)) return { libs: [], pre7: true };
  return { unknown: why ?? 'FUNCTION LIST was not read' };
}

/** Masters that own slots, answer, and whose libraries were read, with them. */
function readMasters(input: PlanInput): { node: ModelNode; libs: FunctionLibrary[] }[] {
  return healthyMasters(input).flatMap((m) => {
    const l = librariesOf(m.observation);
    return 'libs' in l && m.slotCount > 0 ? [{ node: m, libs: l.libs }] : [];
  });
}

/** What add-node does about functions: a copy step (or none), risks in words, or refusal reasons. */
export interface FunctionsCopy {
  step?: CopyFunctionsStep;
  risks: Risk[];
  refuse?: string[];
}

/** The redis-cli lines of the copy, binary-safe (`--raw` adds one newline; -x sends stdin verbatim). */
function display(input: PlanInput, source: string, target: string): string[] {
  return [
    `${cliText(input, target, 'FUNCTION LIST')}   # must list nothing, or exactly the libraries below (then skipped)`,
    `${cliText(input, source, '--raw FUNCTION DUMP')} | head -c -1 > functions.rdb   # binary payload`,
    cliText(input, target, '-x FUNCTION RESTORE < functions.rdb'),
  ];
}

/**
 * add-node's function copy from `entry` (a master that owns slots) to the newcomer `target`. No step when
 * every master was read and none has a library; refused when the newcomer holds libraries that are not
 * exactly the cluster's, or runs a Redis without functions while the cluster has some.
 */
export function functionsCopy(
  input: PlanInput,
  entry: ModelNode,
  target: { ref: NodeRef; obs: NodeObservation },
): FunctionsCopy {
  const a = target.obs.address;
  const masters = readMasters(input);
  const richest = [...masters].sort((x, y) => y.libs.length - x.libs.length)[0];
  const first = librariesOf(entry.observation);
  // Copy from the entry node unless it has none (or is unread) while another master has some.
  const from =
    richest && richest.libs.length > 0 && !('libs' in first && first.libs.length > 0) ? richest.node : entry;
  const src = librariesOf(from.observation);
  const mine = librariesOf(target.obs);
  const risks: Risk[] = [];
  const source = 'libs' in src ? src.libs : null;
  if (source && source.length === 0 && masters.every((m) => m.libs.length === 0)) {
    if ('libs' in mine && mine.libs.length > 0)
      return {
        risks,
        refuse: [
          `${a} holds function libraries the cluster does not have (${librariesText(mine.libs)}): once it owns slots, FCALL would work for its keys only`,
        ],
      };
    const where =
      'libs' in src && src.pre7
        ? `${from.label} runs Redis before 7.0`
        : `FUNCTION LIST is empty on ${from.label}`;
    return {
      risks: [
        { kind: 'none', text: `No function to copy (${where}, and on every master read): no copy step.` },
      ],
    };
  }
  if (source && 'libs' in mine && mine.libs.length > 0 && !sameLibraries(source, mine.libs))
    return {
      risks,
      refuse: [
        `${a} already holds function libraries (${librariesText(mine.libs)}) that differ from the cluster's (${librariesText(source) || 'none'} on ${from.label}): add-node never overwrites them (no FUNCTION RESTORE REPLACE, no FUNCTION FLUSH)`,
      ],
    };
  if (source && source.length > 0 && 'libs' in mine && mine.pre7)
    return {
      risks,
      refuse: [
        `${a} runs Redis before 7.0, which has no functions, while the cluster has ${librariesText(source)}: FCALL would fail for its keys`,
      ],
    };
  const differ = source ? masters.filter((m) => !sameLibraries(m.libs, source)).map((m) => m.node.label) : [];
  if (differ.length > 0)
    risks.push({
      kind: 'availability',
      text: `The masters do not hold the same functions (FUNCTION LIST differs on ${differ.join(', ')} from ${from.label}): ${a} gets ${from.label}'s.`,
    });
  if ('unknown' in src)
    risks.push({
      kind: 'none',
      text: `${from.label}'s functions could not be read while planning (${src.unknown}): the copy step reads them when it runs and is skipped if there are none.`,
    });
  const names = source?.map((l) => l.name) ?? null;
  const what = source ? librariesText(source) : 'whatever libraries it holds';
  return {
    risks,
    step: {
      kind: 'copy-functions',
      id: '',
      title: `Copy the cluster's functions (${what}) from ${from.label} to ${a}`,
      source: { id: from.idComplete ? from.id : null, address: from.label },
      target: target.ref,
      libraries: names,
      display: display(input, from.label, a),
      waitsFor: `${a} lists the same libraries as ${from.label}; skipped when it already does, refused when it holds others`,
    },
  };
}

/**
 * Risks of moving slots from `source` to `target` when `target` lacks a library `source` has (FUNCTION LIST
 * differs): FCALL of the moved keys then fails with "Function not found". [] when both were read alike,
 * or when either was not read (nothing is claimed then).
 */
export function functionMoveRisks(moves: readonly { source: ModelNode; target: ModelNode }[]): Risk[] {
  const out: Risk[] = [];
  const seen = new Set<string>();
  for (const { source, target } of moves) {
    const s = librariesOf(source.observation);
    const t = librariesOf(target.observation);
    if (!('libs' in s) || !('libs' in t)) continue;
    const missing = s.libs.filter((l) => !t.libs.some((x) => x.name === l.name && x.codeSha === l.codeSha));
    const key = `${source.id}>${target.id}`;
    if (missing.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({
      kind: 'availability',
      text: `${target.label} lacks function librar${missing.length === 1 ? 'y' : 'ies'} ${librariesText(missing)} that ${source.label} holds (FUNCTION LIST differs${redisMajor(target) !== null && redisMajor(target)! < 7 ? `; it runs Redis ${redisMajor(target)}` : ''}): FCALL of keys in the moved slots fails with "Function not found" until they are loaded there (FUNCTION DUMP on ${source.label}, FUNCTION RESTORE on ${target.label}).`,
    });
  }
  return out;
}
