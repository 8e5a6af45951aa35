/**
 * Issue 12 item 1: pastes people edited before posting are read, never refused. Inputs: the issue's
 * synthetic example, and the recorded no-voters cluster (test/fixtures/no-voters, the replica's view)
 * with its ids, addresses and columns redacted or cut in code, the way engineers do it by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeClusterOutput } from '../../src/cluster/paste.ts';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES, scenarioMeta } from './scenario-fixtures.ts';

const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const has = (d: Diagnosis, code: string) => d.findings.some((f) => f.code === code);
const warned = (d: Diagnosis, re: RegExp) => d.warnings.some((w) => re.test(w));
const exit = (d: Diagnosis) => (d.findings.some((f) => f.severity === 'critical') ? 3 : 0);

const meta = scenarioMeta('no-voters');
const dead = meta.nodes.find((n) => n.state === 'dead')!;
const replica = meta.nodes.find((n) => n.builtRole === 'replica')!;
const empty = meta.nodes.find((n) => n.builtRole === 'master' && n.state === 'running')!;
const view = readFileSync(join(FIXTURES, 'no-voters', 'nodes-127.77.0.3-7000.txt'), 'utf8').trimEnd();
const NAMES: [string, string][] = [
  [dead.id, 'n1'],
  [replica.id, 'n2'],
  [empty.id, 'n3'],
];

function rename(text: string, name: (short: string, id: string) => string): string {
  let out = text;
  for (const [id, short] of NAMES) out = out.replaceAll(id, name(short, id));
  return out;
}
function hosts(text: string, host: (i: number) => string): string {
  return text.replace(/127\.77\.0\.(\d+):7000@17000/g, (_, i) => host(Number(i)));
}
function columns(text: string, keep: number): string {
  return text
    .split('\n')
    .map((l) => l.split(' ').slice(0, keep).join(' '))
    .join('\n');
}

const EXAMPLE = [
  'n1 10.1.0.1:7000@17000 master,fail - 1700000100000 1700000090000 4 disconnected 0-16383',
  'n2 10.1.0.2:7000@17000 myself,slave n1 0 1700000200000 4 connected',
  'n3 10.1.0.3:7000@17000 master - 0 1700000201000 0 connected',
].join('\n');

describe('the issue example: opaque ids used consistently', () => {
  it('failover-not-possible-no-voters, with a note that the ids look redacted', () => {
    const d = diagnosePaste(EXAMPLE);
    expect(codes(d)).toEqual(['failover-not-possible-no-voters']);
    expect(exit(d)).toBe(3);
    expect(warned(d, /node ids look redacted or renamed \(n1, n2, n3\)/)).toBe(true);
    expect(warned(d, /appeared only abbreviated/)).toBe(false);
    expect(looksLikeClusterOutput(EXAMPLE)).toBe(true);
  });

  it('the same with capitalised names (M1) and placeholders (<id-of-master>), also through Slack entities', () => {
    const caps = EXAMPLE.replaceAll('n1', 'M1').replaceAll('n2', 'R1').replaceAll('n3', 'M2');
    expect(codes(diagnosePaste(caps))).toEqual(['failover-not-possible-no-voters']);
    const slack = EXAMPLE.replaceAll('n1', '&lt;id-of-master&gt;');
    const d = diagnosePaste(`here you go\n\`\`\`${slack}\`\`\``);
    expect(codes(d)).toEqual(['failover-not-possible-no-voters']);
    expect(warned(d, /<id-of-master>/)).toBe(true);
  });
});

describe('the recorded no-voters view, edited by hand', () => {
  const baseline = diagnosePaste(view);
  it('unedited: failover-not-possible-no-voters', () => {
    expect(codes(baseline)).toEqual(['failover-not-possible-no-voters']);
  });

  it.each([
    ['opaque ids', rename(view, (s) => s), /ids look redacted or renamed/],
    ['ids abbreviated to 4 characters', rename(view, (_, id) => `${id.slice(0, 4)}...`), /abbreviated/],
    ['ids one character short', rename(view, (_, id) => id.slice(0, 39)), /cut short/],
    ['hosts as x.x.x.x', hosts(view, () => 'x.x.x.x:7000@17000'), /addresses are redacted/],
    ['hosts as IPn:portn', hosts(view, (i) => `IP${i}:port${i}`), /addresses are redacted/],
    ['hosts as <redacted>', hosts(view, () => '<redacted>'), /addresses are redacted/],
  ])('%s: same cause, lower confidence said', (_, text, note) => {
    const d = diagnosePaste(text);
    expect(codes(d)).toEqual(['failover-not-possible-no-voters']);
    expect(warned(d, note)).toBe(true);
    expect(exit(d)).toBe(3);
  });

  it('redacted hosts are unknown hosts: no placement finding, nodes named by id, no empty-ip alarm', () => {
    const d = diagnosePaste(hosts(view, () => 'x.x.x.x:7000@17000'));
    for (const code of ['REPLICA_SAME_HOST', 'HOST_HOLDS_MAJORITY', 'WRONG_ANNOUNCED_ADDRESS'])
      expect(has(d, code)).toBe(false);
    expect(d.rootCauses[0]!.nodes[0]).toBe(dead.id);
  });

  it('only "id address flags": read, nothing invented, slots unknown so no coverage verdict', () => {
    const d = diagnosePaste(columns(view, 3));
    expect(d.visibility.nodesKnown).toBe(3);
    expect(warned(d, /lack columns of CLUSTER NODES/)).toBe(true);
    expect(has(d, 'SLOTS_UNASSIGNED')).toBe(false);
    expect(codes(d)).not.toContain('slots-never-assigned');
    expect(d.rootCauses.flatMap((c) => c.actions.map((a) => a.action))).not.toContain('fix-coverage');
    expect(has(d, 'NODE_FAIL')).toBe(true);
    // a master flagged fail whose slots the paste does not show: never "healthy"
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.summary).toMatch(/flagged failing .* not healthy/);
  });

  it('only "id address flags" with nobody failing: not judged, not "healthy"', () => {
    const ok = columns(view, 3).replace('master,fail', 'master');
    const d = diagnosePaste(ok);
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.summary).toMatch(/none of them shows its slots/);
  });

  it.each([
    ['the replica line ends in "connecte"', view.replace(/(myself,slave .*) connected$/m, '$1 connecte')],
    ['"disconnecte" before the slots', view.replace(' disconnected 0-16383', ' disconnecte 0-16383')],
  ])('a truncated link-state word: %s, read as the word', (_, text) => {
    const d = diagnosePaste(text);
    expect(codes(d)).toEqual(['failover-not-possible-no-voters']);
    expect(warned(d, /link-state word is cut short/)).toBe(true);
  });

  it('an empty master whose line stops at "connecte": it may own slots, so no voter arithmetic', () => {
    const text = view.replace(/^(\S+ \S+ master - .*) connected$/m, '$1 connecte');
    const d = diagnosePaste(text);
    expect(codes(d)).not.toContain('failover-not-possible-no-voters');
    expect(has(d, 'QUORUM_LOST')).toBe(false);
    expect(has(d, 'PASTE_INCOMPLETE')).toBe(true);
  });

  it('the last line cut inside its link word: its slots are unknown, never "unassigned"', () => {
    const lines = view.split('\n');
    const owner = lines.findIndex((l) => l.endsWith('0-16383'));
    const cut = [
      ...lines.filter((_, i) => i !== owner),
      lines[owner]!.replace(/ disconnected 0-16383$/, ' disconne'),
    ];
    const d = diagnosePaste(cut.join('\n'));
    expect(has(d, 'SLOTS_UNASSIGNED')).toBe(false);
    expect(d.rootCauses.flatMap((c) => c.actions.map((a) => a.action))).not.toContain('fix-coverage');
  });
});

describe('nothing readable, and unreadable lines', () => {
  it('prose: undetermined, with what to paste', () => {
    const d = diagnosePaste('the site is down, help\nanyone?\n');
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.explanation).toMatch(/Paste the output of CLUSTER NODES/);
  });

  it('node-looking lines that cannot be read: the per-line reasons are in the answer', () => {
    const d = diagnosePaste(
      'e7d1eecc 10.0.0.1:7000 mastr - 0 0 1 connected 0-100\nfb49aa01 10.0.0.2:7000 slav e7d1eecc 0 0 1 connected\n',
    );
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.explanation).toMatch(/line 1: expected field 1 to be a node id/);
  });

  it('one line of two unreadable: the myself line is not a one-node cluster, no invented known_nodes:1', () => {
    const lines = view.split('\n');
    const mine = lines.find((l) => l.includes('myself'))!;
    const other = lines.find((l) => l.includes('master,fail'))!.replace('master,fail', 'mastr,fial');
    const d = diagnosePaste([other, mine].join('\n'));
    expect(codes(d)).not.toContain('cluster-config-lost');
    expect(JSON.stringify(d)).not.toMatch(/cluster_known_nodes:1/);
    expect(has(d, 'PASTE_INCOMPLETE')).toBe(true);
  });

  it('chat that mentions a master is not cluster output', () => {
    expect(looksLikeClusterOutput('the master is down since 10:00, node 3 master failed over')).toBe(false);
    expect(looksLikeClusterOutput('n1 10.0.0.1:6379 master\nn2 10.0.0.2:6379 slave n1')).toBe(true);
  });
});
