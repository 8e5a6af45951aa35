/**
 * Every action any diagnosis recommends, over every recorded fixture (scenario recordings as live
 * snapshots and as pastes, the live snapshots, the paste formats, the issue-12 pastes, the H3 dumps), turns into a plan or a
 * refusal from its structured params alone, never from its `target` text. A refusal for missing
 * parameters is allowed only where the operator must name something no diagnosis can know (the new node
 * of add-replica).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionModule, makePlan } from '../../src/actions/registry.ts';
import { isRefusal } from '../../src/actions/types.ts';
import { buildModel } from '../../src/cluster/model.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose, readPaste } from '../../src/diagnose/diagnose.ts';
import type { ActionName } from '../../src/diagnose/types.ts';
import { FIXTURES, scenarioNames, scenarioPaste } from '../diagnose/scenario-fixtures.ts';
import { fixtureSnapshot } from '../runbooks/fixture-snapshot.ts';

/** Actions the slot helper plans (fix-coverage, fix-open-slot, reshard, rebalance): checked once registered. */
const SLOT_ACTIONS: ActionName[] = ['fix-coverage', 'fix-open-slot', 'reshard', 'rebalance'];

function snapshots(): [string, ClusterSnapshot][] {
  const out: [string, ClusterSnapshot][] = [];
  for (const name of scenarioNames()) {
    out.push([`${name} (live)`, fixtureSnapshot(name)]);
    out.push([`${name} (paste)`, readPaste(scenarioPaste(name))]);
  }
  const live = join(FIXTURES, 'live-snapshots');
  for (const f of readdirSync(live).filter((x) => x.endsWith('.json')))
    out.push([
      `live-snapshots/${f}`,
      (JSON.parse(readFileSync(join(live, f), 'utf8')) as { snapshot: ClusterSnapshot }).snapshot,
    ]);
  for (const kind of ['real', 'derived']) {
    const dir = join(FIXTURES, 'paste-formats', kind);
    for (const f of readdirSync(dir))
      out.push([`paste-formats/${kind}/${f}`, readPaste(readFileSync(join(dir, f), 'utf8'))]);
  }
  const p12 = join(FIXTURES, 'pastes-12');
  for (const d of readdirSync(p12, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const files = readdirSync(join(p12, d.name)).filter((f) => f.endsWith('.txt'));
    const texts = files.map((f) => readFileSync(join(p12, d.name, f), 'utf8'));
    for (const [i, f] of files.entries()) out.push([`pastes-12/${d.name}/${f}`, readPaste(texts[i]!)]);
    out.push([`pastes-12/${d.name} (all)`, readPaste(texts.join('\n'))]);
  }
  const h3 = join(FIXTURES, 'diagnose-h3');
  for (const d of readdirSync(h3, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const text = readdirSync(join(h3, d.name))
      .map((f) => readFileSync(join(h3, d.name, f), 'utf8'))
      .join('\n');
    out.push([`diagnose-h3/${d.name}`, readPaste(text)]);
  }
  return out;
}

describe('every recommended action plans from its params', () => {
  const all = snapshots();
  it('covers the fixtures', () => {
    expect(all.length).toBeGreaterThan(60);
  });

  it.each(all)('%s', (_name, snapshot) => {
    const diagnosis = diagnose(snapshot);
    const model = buildModel(snapshot);
    for (const cause of diagnosis.rootCauses) {
      for (const a of cause.actions) {
        expect(a.params, `${cause.code} ${a.action} has params`).toBeDefined();
        const params = structuredClone(a.params!);
        if (!actionModule(a.action)) {
          expect(SLOT_ACTIONS).toContain(a.action);
          expect(params.slotRanges).toMatch(/^\d+(-\d+)?(,\d+(-\d+)?)*$/);
          continue;
        }
        // What a probe of params.node would have found: that node's own observation in the snapshot.
        const newNode = snapshot.observations.find(
          (o) => o.address === params.node || o.contactedAddress === params.node,
        );
        const result = makePlan(a.action, {
          cluster: 'fixture',
          snapshot,
          model,
          diagnosis,
          params,
          ...(newNode && actionModule(a.action)?.probesNewNode ? { newNode } : {}),
          now: '2026-01-01T00:00:00.000Z',
        });
        if (isRefusal(result)) {
          expect(result.reasons.length, `${a.action}: reasons`).toBeGreaterThan(0);
          const mayAsk = a.action === 'add-replica' && params.node === undefined;
          if (!mayAsk) expect([a.action, result.code, result.reasons]).not.toContain('ACTION_BAD_PARAMS');
          expect(result.code).not.toBe('ACTION_INTERNAL');
        } else {
          expect(result.action).toBe(a.action);
          expect(result.fingerprint).toBe(diagnosis.fingerprint);
          expect(JSON.stringify(result)).not.toMatch(/password|requirepass/i);
        }
      }
    }
  });
});
