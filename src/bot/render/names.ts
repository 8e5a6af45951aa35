/**
 * Names pasted nodes the way the paste names them. The paste reader labels a view it cannot name by
 * address "paste#N"; people never see that label: a view with a node id becomes "node 6e5fe86b", a single
 * unnamed view "the pasted node", several "pasted node N". Pure; returns a renamed copy.
 */
import type { ClusterSnapshot } from '../../cluster/types.ts';
import type { Diagnosis } from '../../diagnose/types.ts';

const LABEL = /paste#(\d+)/g;

/** The name shown for each "paste#N" label of `snapshot`. */
export function pasteNames(snapshot: ClusterSnapshot): Map<string, string> {
  const unnamed = snapshot.observations.filter((o) => /^paste#\d+$/.test(o.address));
  const names = new Map<string, string>();
  unnamed.forEach((o, i) => {
    const id = o.nodeId ?? o.nodes?.observer;
    const name = id
      ? `node ${id.slice(0, 8)}`
      : unnamed.length === 1
        ? 'the pasted node'
        : `pasted node ${i + 1}`;
    names.set(o.address, name);
  });
  return names;
}

/** Replaces "paste#N" in `text`, capitalising a name that starts a sentence. */
function rename(text: string, names: ReadonlyMap<string, string>): string {
  return text.replace(LABEL, (label, _n: string, at: number) => {
    const name = names.get(label) ?? 'a pasted node';
    // A sentence that starts with the name gets a capital; a bare name (a list entry) does not.
    const starts = (at === 0 && text !== label) || /[.!?]\s+$/.test(text.slice(Math.max(0, at - 3), at));
    return starts ? name[0]!.toUpperCase() + name.slice(1) : name;
  });
}

/** A copy of `d` whose every text names pasted nodes as {@link pasteNames} does. */
export function withPasteNames(d: Diagnosis, snapshot: ClusterSnapshot): Diagnosis {
  const names = pasteNames(snapshot);
  if (names.size === 0 || !JSON.stringify(d).includes('paste#')) return d;
  return JSON.parse(JSON.stringify(d), (_key, value: unknown) =>
    typeof value === 'string' ? rename(value, names) : value,
  ) as Diagnosis;
}
