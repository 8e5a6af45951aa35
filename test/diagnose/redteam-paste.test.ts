/**
 * Red-team pastes: the recorded dumps, mangled the way people and chat tools mangle them (lines dropped,
 * dumps glued together, pasted twice or minutes apart, INFO from elsewhere, Slack formatting, CLUSTER
 * SLOTS instead of CLUSTER NODES). Each must give no wrong root cause and say what it could not read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES, scenarioMeta, scenarioNames } from './scenario-fixtures.ts';

const rec = (scenario: string, file: string) => readFileSync(join(FIXTURES, scenario, file), 'utf8');
const real = (file: string) => readFileSync(join(FIXTURES, 'paste-formats', 'real', file), 'utf8');
const derived = (file: string) => readFileSync(join(FIXTURES, 'paste-formats', 'derived', file), 'utf8');
const healthy = (n: number, kind = 'nodes') => rec('healthy', `${kind}-127.189.3.${n}-7000.txt`);
const lines = (text: string) => text.trimEnd().split('\n');
const joined = (ls: string[]) => `${ls.join('\n')}\n`;
const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const finding = (d: Diagnosis, code: string) => d.findings.find((f) => f.code === code);
const actions = (d: Diagnosis) => d.rootCauses.flatMap((c) => c.actions.map((a) => a.action));
const warned = (d: Diagnosis, re: RegExp) => d.warnings.some((w) => re.test(w));

const n1 = lines(healthy(1));
const lineOf = (addr: string) => n1.find((l) => l.includes(` ${addr}@`)) ?? '';
const ownerLine = n1.find((l) => l.endsWith(' 10923-16383')) ?? '';
const ownerReplica = n1.find((l) => l.includes(` slave ${ownerLine.split(' ')[0]} `)) ?? '';

describe('lines missing in the middle', () => {
  it('a replica line dropped, CLUSTER INFO pasted: the missing-replica warning is hedged, no failure claimed', () => {
    const d = diagnosePaste(joined(n1.filter((l) => l !== ownerReplica)) + healthy(1, 'cluster-info'));
    expect(d.state).toBe('ok');
    expect(codes(d)).not.toContain('master-failed-no-replica');
    expect(d.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    const f = finding(d, 'PASTE_INCOMPLETE');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toMatch(
      /a master shown without a replica.*may only look so because their line did not/,
    ); // Not "Healthy" outright: only the lines pasted look fine.
    expect(d.rootCauses[0]?.summary).toMatch(
      /^Nothing wrong among the lines pasted \(the paste is incomplete\)/,
    );
    expect(d.rootCauses[0]?.explanation).toMatch(/a failed node or replica may be among them/);
  });

  it('the slot owner line unreadable (one-sided Slack bold) and its replica dropped: never slots-never-assigned', () => {
    const mangled = ownerLine.replace(' master ', ' *master ');
    const d = diagnosePaste(
      joined(n1.filter((l) => l !== ownerReplica).map((l) => (l === ownerLine ? mangled : l))),
    );
    expect(codes(d)).toEqual(['undetermined']);
    expect(actions(d)).not.toContain('fix-coverage');
    expect(d.state).toBe('unknown');
    expect(finding(d, 'PASTE_INCOMPLETE')?.message).toMatch(
      /A node line of the pasted CLUSTER NODES could not be read/,
    );
    expect(
      warned(d, /cluster_state is unknown: the slots without an owner here may be owned by a line/),
    ).toBe(true);
  });
});

describe('several dumps in one paste', () => {
  it('two nodes pasted back to back without prompts are two views, not one with two myself lines', () => {
    for (const glue of ['', '\n']) {
      const d = diagnosePaste(healthy(1) + glue + healthy(4));
      expect(d.visibility.nodesSeen).toBe(2);
      expect(d.visibility.nodesKnown).toBe(6);
      expect(codes(d)).toEqual(['healthy']);
    }
  });

  it('a replica-only view of a dead master is still read, and called one node opinion', () => {
    const d = diagnosePaste(healthy(4));
    expect(codes(d)).toEqual(['healthy']);
    expect(finding(d, 'PASTE_INCOMPLETE')?.message).toMatch(/Only 127\.189\.3\.4:7000's view was pasted/);
  });

  it('the same dump pasted twice is read once', () => {
    const d = diagnosePaste(`127.189.3.1:7000> cluster nodes\n${healthy(1)}${healthy(1)}`);
    expect(
      warned(d, /127\.189\.3\.1:7000's CLUSTER NODES was pasted twice \(identical\); it is read once/),
    ).toBe(true);
    expect(codes(d)).toEqual(['healthy']);
  });

  it('a whole dump and a cut copy of it: the whole one is read, no truncation claimed', () => {
    const d = diagnosePaste(healthy(1) + joined(n1.slice(0, 3).concat(lineOf('127.189.3.1:7000'))));
    expect(warned(d, /the copy at lines 7-10 lacks lines of the other: the whole one is read/)).toBe(true);
    expect(finding(d, 'PASTE_INCOMPLETE')?.severity).toBe('info');
  });

  it('one node before and after a failover: only the later dump is read, not a disagreement between nodes', () => {
    for (const [first, second] of [
      ['healthy-nodes-n1.txt', 'failover-nodes-n1.txt'],
      ['failover-nodes-n1.txt', 'healthy-nodes-n1.txt'],
    ] as const) {
      const d = diagnosePaste(real(first) + real(second));
      expect(codes(d)).toEqual(['failover-completed']);
      expect(finding(d, 'CONFIG_DISAGREEMENT')).toBeUndefined();
      expect(finding(d, 'VIEWS_DIFFER')).toBeUndefined();
      expect(warned(d, /pasted twice, taken about \d+ s apart .* only the later one is read/)).toBe(true);
    }
  });

  it('two nodes seconds apart across a failover: the time gap is said next to the disagreement', () => {
    const d = diagnosePaste(
      `127.31.0.1:7000> cluster nodes\n${real('healthy-nodes-n1.txt')}127.31.0.2:7000> cluster nodes\n${real('down-nodes-n2.txt')}`,
    );
    expect(
      warned(
        d,
        /taken up to 11 s apart .*127\.31\.0\.1:7000's is the oldest, 127\.31\.0\.2:7000's the latest/,
      ),
    ).toBe(true);
  });

  it('views recorded together are never said to be apart', () => {
    for (const s of scenarioNames()) {
      const meta = scenarioMeta(s);
      const text = meta.nodes
        .filter((n) => n.state === 'running')
        .map((n) => `${n.address}> cluster nodes\n${rec(s, `nodes-${n.address.replace(':', '-')}.txt`)}`)
        .join('');
      expect(warned(diagnosePaste(text), /apart/), s).toBe(false);
    }
  });
});

describe('CLUSTER INFO that belongs elsewhere', () => {
  const mk = (f: string) => rec('master-killed-no-replica', f);

  it('INFO of a healthy cluster after the dump of a broken one: not used, state derived from the dump', () => {
    const d = diagnosePaste(mk('nodes-127.160.214.2-7000.txt') + healthy(1, 'cluster-info'));
    expect(d.state).toBe('fail');
    expect(d.visibility.summary).not.toMatch(/truncated/);
    expect(warned(d, /does not match the CLUSTER NODES of 127\.160\.214\.2:7000 \(cluster_my_epoch:1/)).toBe(
      true,
    );
    expect(warned(d, /cluster_state:ok from paste#2 was not used/)).toBe(true);
  });

  it('a failing cluster INFO after a healthy dump: kept apart, and it does not become that node own state', () => {
    const d = diagnosePaste(healthy(1) + mk('cluster-info-127.160.214.2-7000.txt'));
    expect(warned(d, /does not match the CLUSTER NODES of 127\.189\.3\.1:7000/)).toBe(true);
    expect(finding(d, 'CLUSTER_STATE_FAIL')?.nodes).toEqual(['paste#2']);
    expect(codes(d)).toEqual(['undetermined']);
  });

  it('every recorded node NODES + INFO pair, pasted without prompts, matches', () => {
    for (const s of scenarioNames()) {
      for (const n of scenarioMeta(s).nodes.filter((x) => x.state === 'running')) {
        const base = `${n.address.replace(':', '-')}.txt`;
        const text = ['nodes-', 'cluster-info-', 'info-replication-'].map((p) => rec(s, p + base)).join('');
        expect(warned(diagnosePaste(text), /does not match|not used/), `${s} ${n.address}`).toBe(false);
      }
    }
  });
});

describe('chat formatting', () => {
  const clean = diagnosePaste(healthy(1));
  const mangles: [string, (t: string) => string][] = [
    ['Slack bold flags', (t) => t.replace('myself,master', '*myself,master*')],
    ['a Slack bold line', (t) => t.replace(/^(.*)$/m, '*$1*')],
    ['non-breaking spaces', (t) => t.replace(/ /g, '\u00a0')],
    ['zero-width spaces in ids', (t) => t.replace(/([0-9a-f]{20})/g, '$1\u200b')],
    [
      'CRLF mixed with LF',
      (t) =>
        t
          .split('\n')
          .map((l, i) => (i % 2 ? `${l}\r` : l))
          .join('\n'),
    ],
  ];
  for (const [name, mangle] of mangles) {
    it(`${name}: read as the clean dump`, () => {
      const d = diagnosePaste(mangle(healthy(1)));
      expect(d.fingerprint).toBe(clean.fingerprint);
      expect(codes(d)).toEqual(['healthy']);
    });
  }

  it('ids abbreviated with an ellipsis character: healthy, and the abbreviation is said', () => {
    const d = diagnosePaste(healthy(1).replace(/\b([0-9a-f]{8})[0-9a-f]{32}\b/g, '$1…'));
    expect(codes(d)).toEqual(['healthy']);
    expect(warned(d, /abbreviated/)).toBe(true);
  });

  it('CLUSTER NODES wrapped by an 80-column terminal: rejoined, read as the whole dump, and said so', () => {
    const wrapped = lines(healthy(1)).flatMap((l) => l.match(/.{1,80}/g) ?? []);
    const d = diagnosePaste(joined(wrapped) + healthy(1, 'cluster-info'));
    const whole = diagnosePaste(healthy(1) + healthy(1, 'cluster-info'));
    expect(d.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(codes(d)).toEqual(['healthy']);
    expect(d.findings.map((f) => f.code)).toEqual(whole.findings.map((f) => f.code));
    expect(warned(d, /^6 lines were wrapped at 80 columns and rejoined/)).toBe(true);
    expect(warned(d, /could not be fully read|not cluster output/)).toBe(false);
  });
});

describe('a second dump cut after its first line', () => {
  it('the fragment not listing an owner is no slot disagreement', () => {
    const other = lines(healthy(2)).filter((l) => !l.includes('myself'));
    const d = diagnosePaste(joined([...n1, other[0]!]));
    expect(finding(d, 'CONFIG_DISAGREEMENT')).toBeUndefined();
    expect(finding(d, 'PASTE_INCOMPLETE')?.severity).toBe('warning');
    expect(codes(d)[0]).toBe('healthy');
  });

  it('two whole dumps that do disagree about an owner still raise CONFIG_DISAGREEMENT', () => {
    const moved = lines(healthy(2)).map((l) => (l.endsWith(' 0-5460') ? l.replace(/ 0-5460$/, '') : l));
    const d = diagnosePaste(joined(n1) + joined(moved));
    expect(finding(d, 'CONFIG_DISAGREEMENT')?.slots).toBe('0-5460');
  });
});

describe('redis-cli check wrapped by a narrow terminal', () => {
  it('its lines are rejoined and every slot line is read: no SLOTS_UNCOVERED, no partly known owners', () => {
    const wrapped = lines(rec('healthy', 'check.txt')).flatMap((l) => l.match(/.{1,40}/g) ?? []);
    const d = diagnosePaste(joined(wrapped));
    expect(finding(d, 'SLOTS_UNCOVERED')).toBeUndefined();
    expect(d.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(actions(d)).toEqual([]);
    expect(warned(d, /^16 lines were wrapped at 40 columns and rejoined/)).toBe(true);
    expect(warned(d, /not every slot line of it could be read/)).toBe(false);
  });

  it('a check that reports uncovered slots still raises SLOTS_UNCOVERED', () => {
    const d = diagnosePaste(real('down-check.txt'));
    expect(finding(d, 'SLOTS_UNCOVERED')?.slots).toBe('10923-16383');
  });
});

describe('output that is not CLUSTER NODES', () => {
  for (const file of ['cluster-slots-n1.txt', 'cluster-shards-n1.txt']) {
    it(`${file} (interactive redis-cli) is named and not read`, () => {
      const d = diagnosePaste(derived(file));
      expect(
        warned(d, /look like CLUSTER SLOTS \/ CLUSTER SHARDS \(redis-cli array\) output, which is not read/),
      ).toBe(true);
      expect(d.findings).toEqual([]);
      expect(d.state).toBe('unknown');
    });
  }
  for (const file of ['cluster-slots-raw-n1.txt', 'cluster-shards-raw-n1.txt']) {
    it(`${file} (redis-cli without a terminal) is named and not read`, () => {
      const d = diagnosePaste(derived(file));
      expect(warned(d, /look like raw CLUSTER SLOTS \/ CLUSTER SHARDS output .* which is not read/)).toBe(
        true,
      );
      expect(d.findings).toEqual([]);
      expect(d.state).toBe('unknown');
    });
  }

  it('INFO replication of a replica alone: REPLICA_NOT_SYNCED for whose replica it is, and nothing else claimed', () => {
    const d = diagnosePaste(rec('frozen-master-unsynced', 'info-replication-127.128.121.4-7000.txt'));
    expect(d.visibility.summary).toMatch(/Only INFO output was pasted \(1 node\), no CLUSTER NODES/);
    expect(
      warned(
        d,
        /role:slave of 127\.128\.121\.1:7000, master_link_status:down, .*never synced.*with no CLUSTER NODES/,
      ),
    ).toBe(true);
    const f = finding(d, 'REPLICA_NOT_SYNCED');
    expect(f).toMatchObject({ severity: 'critical', nodes: ['127.128.121.1:7000'] });
    expect(f?.message).toMatch(/^An unnamed replica .*never completed a sync with 127\.128\.121\.1:7000/);
    expect(f?.evidence).toContain('master_link_down_since_seconds:-1 from the unnamed replica');
    expect(d.state).toBe('unknown');
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]?.summary).toMatch(/REPLICA_NOT_SYNCED/);
    expect(actions(d)).toEqual([]);
  });
});
