/**
 * add-node's function copy planned over a recorded healthy cluster with edited FUNCTION LIST results:
 * no functions anywhere (no step, said), copied from a master that has them when the entry node has
 * none (masters differ: a risk), functions unread while planning (a step that decides at run time), and
 * refusals for a newcomer with its own library or on Redis 6 while the cluster has libraries.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import type { Plan } from '../../src/actions/types.ts';
import { parseClusterNodes } from '../../src/cluster/parse-nodes.ts';
import type { FunctionLibrary, NodeObservation } from '../../src/cluster/types.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

const ID = 'f'.repeat(40);
const ADDR = '127.9.9.9:7000';
const lib = (name: string, sha = 'a1'): FunctionLibrary => ({
  name,
  engine: 'LUA',
  functions: ['f'],
  codeSha: sha,
});

function newcomer(edit: (o: NodeObservation) => void = () => undefined): NodeObservation {
  const o: NodeObservation = {
    address: ADDR,
    source: 'live',
    nodeId: ID,
    nodes: parseClusterNodes(`${ID} ${ADDR}@17000 myself,master - 0 0 0 connected\n`),
    clusterInfo: { cluster_known_nodes: '1', cluster_state: 'fail' },
    dbsize: 0,
    busPort: { port: 17000, open: true },
    functions: [],
  };
  edit(o);
  return o;
}

function plan(masters: (o: NodeObservation, i: number) => void, nc = newcomer()) {
  const input = fixtureInput('healthy', { node: ADDR }, (s) => {
    s.observations.filter((o) => o.replication?.['role'] === 'master').forEach(masters);
  });
  return makePlan('add-node', { ...input, newNode: nc });
}
const texts = (p: Plan) => p.risks.map((r) => r.text).join('\n');

describe('add-node and functions', () => {
  it('no function on any master: no copy step, and the plan says so', () => {
    const p = asPlan(plan((o) => (o.functions = [])));
    expect(p.steps.map((s) => s.kind)).toEqual(['command', 'wait']);
    expect(texts(p)).toMatch(
      /No function to copy \(FUNCTION LIST is empty on \S+, and on every master read\): no copy step\./,
    );
  });

  it('the entry node has none but another master has some: copied from that one, the difference a risk', () => {
    const p = asPlan(plan((o, i) => (o.functions = i === 2 ? [lib('rblib')] : [])));
    const copy = p.steps[0]!;
    if (copy.kind !== 'copy-functions') throw new Error(copy.kind);
    expect(copy.libraries).toEqual(['rblib']);
    expect(p.steps.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(texts(p)).toMatch(
      /The masters do not hold the same functions \(FUNCTION LIST differs on \S+, \S+ from \S+\)/,
    );
    expect(p.expected).toContain(`${ADDR} holds the same function libraries as ${copy.source.address}`);
  });

  it('unread while planning (NOPERM): a copy step that reads them at run time', () => {
    const p = asPlan(
      plan((o) => {
        delete o.functions;
        o.functionsError = 'NOPERM this user has no permissions to run the function|list command';
      }),
    );
    const copy = p.steps[0]!;
    expect(copy.kind === 'copy-functions' && copy.libraries).toBeNull();
    expect(copy.title).toMatch(/whatever libraries it holds/);
    expect(texts(p)).toMatch(
      /could not be read while planning \(NOPERM .*\): the copy step reads them when it runs/,
    );
  });

  it('refused: a newcomer with its own library, with one the cluster lacks, or on Redis 6 while the cluster has some', () => {
    const other = newcomer((o) => (o.functions = [lib('rblib', 'changed')]));
    expect(asRefusal(plan((o) => (o.functions = [lib('rblib')]), other)).reasons[0]).toMatch(
      /already holds function libraries \(rblib \(1 function\)\) that differ from the cluster's/,
    );
    const extra = newcomer((o) => (o.functions = [lib('mine')]));
    expect(asRefusal(plan((o) => (o.functions = []), extra)).reasons[0]).toMatch(
      /holds function libraries the cluster does not have \(mine \(1 function\)\)/,
    );
    const old = newcomer((o) => {
      delete o.functions;
      o.functionsError = "ERR unknown command 'FUNCTION'";
    });
    expect(asRefusal(plan((o) => (o.functions = [lib('rblib')]), old)).reasons[0]).toMatch(
      /runs Redis before 7\.0, which has no functions, while the cluster has rblib/,
    );
  });
});
