/**
 * The receivers' checks on recorded clusters with edited memory and functions: fix-open-slot estimates
 * from the keys counted in the open slot and refuses past the headroom; del-node says the host is not
 * checked for receivers without maxmemory; unread memory is said, not guessed; a reshard to a master
 * without a library its source holds (or running Redis 6) names the risk.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import type { ClusterSnapshot, NodeObservation } from '../../src/cluster/types.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

const MB = 1024 * 1024;

function at(s: ClusterSnapshot, address: string): NodeObservation {
  const o = s.observations.find((x) => x.address === address);
  if (!o) throw new Error(`no ${address}`);
  return o;
}

function memory(o: NodeObservation, used: number, max: number, dataset = used, policy = 'noeviction'): void {
  o.memory = {
    used_memory: String(used),
    used_memory_dataset: String(dataset),
    maxmemory: String(max),
    maxmemory_policy: policy,
  };
}

const lib = (name: string, sha = 'a1') => ({ name, engine: 'LUA', functions: ['f'], codeSha: sha });

describe('receiver checks', () => {
  const [src, dst] = ['127.185.246.1:7000', '127.185.246.2:7000'];

  it('fix-open-slot: the keys counted in the slot set the estimate; past the headroom it is refused', () => {
    const input = fixtureInput('open-slot', {}, (s) => {
      at(s, src).dbsize = 10;
      memory(at(s, src), 12 * MB, 0, 10 * MB);
      memory(at(s, dst), 1 * MB, 4 * MB);
    });
    const r = asRefusal(makePlan('fix-open-slot', input));
    expect(r.reasons[0]).toBe(
      `${dst}: about 6.0 MB of keys arrive (an estimate: ${src}: 6 keys counted in the slots × 1.0 MB per key on average (used_memory_dataset 10.0 MB over 10 keys; big keys in these slots make it more)), more than its 3.0 MB free under maxmemory 4.0 MB (used_memory 1.0 MB, policy noeviction): MIGRATE would fail part-way with OOM on ${dst}, leaving a slot open (fix-open-slot then)`,
    );
    const p = asPlan(makePlan('fix-open-slot', { ...input, params: { allow: ['ignore-memory-headroom'] } }));
    expect(p.dangerous).toContain('ignore-memory-headroom');
  });

  it('unread memory is said, not guessed', () => {
    const p = asPlan(makePlan('fix-open-slot', fixtureInput('open-slot')));
    expect(p.risks.map((r) => r.text)).toContainEqual(
      expect.stringMatching(
        /the bytes it receives could not be estimated .*: its memory headroom is not checked/,
      ),
    );
  });

  it('del-node: receivers without maxmemory are said to be unchecked', () => {
    const input = fixtureInput('healthy', {}, (s) => {
      for (const o of s.observations) {
        o.dbsize = 100;
        memory(o, 2 * MB, 0, MB);
      }
    });
    const node = input.model.nodes.find((n) => n.role === 'master')!.label;
    const p = asPlan(makePlan('del-node', { ...input, params: { node } }));
    const unchecked = p.risks.filter((r) => /the host's free memory is not checked/.test(r.text));
    expect(unchecked).toHaveLength(2);
    expect(unchecked[0]!.text).toMatch(/about 51\d\.\d kB of keys arrive \(an estimate: /);
  });

  it('reshard to a master lacking a library (or on Redis 6): FCALL risk named', () => {
    const base = fixtureInput('healthy');
    const [a, b] = base.model.nodes.filter((n) => n.role === 'master').map((n) => n.label);
    const edit = (fnB: (o: NodeObservation) => void) =>
      fixtureInput('healthy', { from: a, to: b, slots: 5 }, (s) => {
        at(s, a!).functions = [lib('rblib'), lib('shared')];
        fnB(at(s, b!));
      });
    const risks = (i: ReturnType<typeof edit>) =>
      asPlan(makePlan('reshard', i))
        .risks.map((r) => r.text)
        .join('\n');
    expect(risks(edit((o) => (o.functions = [lib('shared'), lib('rblib', 'changed')])))).toContain(
      `${b} lacks function library rblib (1 function) that ${a} holds (FUNCTION LIST differs): FCALL of keys in the moved slots fails with "Function not found"`,
    );
    expect(risks(edit((o) => (o.functions = [lib('rblib'), lib('shared')])))).not.toContain('lacks function');
    expect(risks(edit((o) => (o.functionsError = "ERR unknown command 'FUNCTION'")))).toContain(
      `lacks function libraries rblib (1 function), shared (1 function) that ${a} holds`,
    );
    expect(risks(edit((o) => (o.functionsError = 'NOPERM')))).not.toContain('lacks function');
  });
});
