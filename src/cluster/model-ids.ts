/** Resolves node ids as printed (full, or abbreviated "e7d1eecc...") to one canonical id per node. */
import type { ClusterSnapshot } from './types.ts';

const FULL_ID = /^[0-9a-f]{40}$/;

/** Strips a trailing ellipsis and lowercases, so "E7D1EECC..." and "e7d1eecc…" compare equal. */
export function cleanId(id: string): string {
  return id
    .trim()
    .replace(/(\.{2,}|…)$/, '')
    .toLowerCase();
}

/** Maps any printed id to its canonical form: the unique full id it prefixes, else itself (cleaned). */
export interface IdResolver {
  resolve(id: string): string;
  /** True when `id` (as printed somewhere in the snapshot) resolves to a full 40-hex id. */
  isComplete(id: string): boolean;
  /** Printed ids that matched more than one full id (left unresolved). */
  ambiguous: string[];
}

/** Every full id the snapshot mentions, cleaned. */
function collectFullIds(snapshot: ClusterSnapshot): Set<string> {
  const full = new Set<string>();
  const looked = new Set<string>();
  const add = (raw: string | null | undefined): void => {
    if (!raw || looked.has(raw)) return;
    looked.add(raw);
    const id = cleanId(raw);
    if (FULL_ID.test(id)) full.add(id);
  };
  for (const obs of snapshot.observations) {
    add(obs.nodeId);
    add(obs.nodes?.observer);
    for (const line of obs.nodes?.nodes ?? []) {
      add(line.id);
      add(line.masterId);
      for (const m of line.migrating) add(m.to);
      for (const m of line.importing) add(m.from);
    }
  }
  for (const report of snapshot.checkReports) {
    for (const n of report.nodes) {
      add(n.id);
      add(n.replicates);
    }
  }
  for (const k of snapshot.keysInSlots ?? []) add(k.nodeId);
  return full;
}

/**
 * A resolver for the snapshot's ids. A printed id that is a full id once cleaned is its own canonical form
 * whatever else the snapshot holds, so the snapshot's full ids are collected (one more pass over every id)
 * only when some id must be matched as a prefix. Equal ids resolve to one shared string.
 */
export function buildIdResolver(snapshot: ClusterSnapshot): IdResolver {
  let full: Set<string> | null = null;
  let sorted: string[] = [];
  const fullIds = (): Set<string> => {
    if (full === null) {
      full = collectFullIds(snapshot);
      sorted = [...full].sort();
    }
    return full;
  };
  const cache = new Map<string, string>();
  const canonical = new Map<string, string>();
  const ambiguous = new Set<string>();
  const resolve = (raw: string): string => {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
    const id = cleanId(raw);
    let out = id;
    if (FULL_ID.test(id)) {
      out = canonical.get(id) ?? id;
      canonical.set(id, out);
    } else if (id !== '') {
      fullIds();
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < id) lo = mid + 1;
        else hi = mid;
      }
      const first = sorted[lo];
      const second = sorted[lo + 1];
      if (first?.startsWith(id)) {
        if (second?.startsWith(id)) ambiguous.add(id);
        else {
          out = canonical.get(first) ?? first;
          canonical.set(first, out);
        }
      }
    }
    cache.set(raw, out);
    return out;
  };
  return {
    resolve,
    // Every full id printed in the snapshot is one the collection would find, so for those ids (the only
    // ones the model asks about) a full result is complete without collecting.
    isComplete: (id) => FULL_ID.test(resolve(id)),
    get ambiguous() {
      return [...ambiguous];
    },
  };
}
