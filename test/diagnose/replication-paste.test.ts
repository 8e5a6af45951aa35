/**
 * INFO replication pasted without the node's own CLUSTER NODES: the replicas it describes still get
 * REPLICA_NOT_SYNCED / REPLICA_LINK_DOWN / REPLICATION_LAG, named by what the paste gives. Every INFO here
 * was recorded from real redis-server pairs by test/fixtures/paste-formats/capture-replication.sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES } from './scenario-fixtures.ts';

const real = (file: string) => readFileSync(join(FIXTURES, 'paste-formats', 'real', file), 'utf8');
const rec = (scenario: string, file: string) => readFileSync(join(FIXTURES, scenario, file), 'utf8');
const prompt = (address: string, file: string) => `${address}> info replication\n${real(file)}\n`;
const repl = (d: Diagnosis) => d.findings.filter((f) => /^REPLIC/.test(f.code));
const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const warned = (d: Diagnosis, re: RegExp) => d.warnings.some((w) => re.test(w));

describe('a replica before its first sync (its master frozen with SIGSTOP)', () => {
  it('alone, without a prompt: an unnamed replica of master_host:master_port that never synced, critical', () => {
    const d = diagnosePaste(real('repl-unsynced-replica.txt'));
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'REPLICA_NOT_SYNCED', severity: 'critical', nodes: ['127.31.3.1:7000'] });
    expect(f?.message).toMatch(/^An unnamed replica .*never completed a sync with 127\.31\.3\.1:7000/);
    expect(f?.message).toMatch(/holds none of .* data\. Promoting it .* would lose everything/);
    expect(f?.message).toMatch(/if that master is down too, its data has no live copy/);
    expect(f?.evidence).toEqual(
      expect.arrayContaining([
        'master_link_status:down from the unnamed replica',
        'master_link_down_since_seconds:-1 from the unnamed replica',
        'master_sync_in_progress:0 from the unnamed replica',
        'master_host:127.31.3.1 from the unnamed replica',
      ]),
    );
    // no topology: the cause stays undetermined, but its summary names the replication problem
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]?.summary).toMatch(/REPLICA_NOT_SYNCED/);
    expect(d.rootCauses[0]?.actions).toEqual([]);
    expect(d.state).toBe('unknown');
    expect(warned(d, /Only INFO was pasted for a node the paste does not name .*\(never synced\)/)).toBe(
      true,
    );
  });

  it('behind a prompt line: named by the prompt address', () => {
    for (const head of ['127.31.3.2:7000>', '$ redis-cli -h 127.31.3.2 -p 7000']) {
      const d = diagnosePaste(`${head} info replication\n${real('repl-unsynced-replica.txt')}`);
      const f = repl(d)[0];
      expect(f?.nodes).toEqual(['127.31.3.2:7000', '127.31.3.1:7000']);
      expect(f?.message).toMatch(/^Replica 127\.31\.3\.2:7000 has never completed a sync/);
      expect(f?.evidence).toContain('master_link_down_since_seconds:-1 from 127.31.3.2:7000');
    }
  });
});

describe('a replica whose master answers but refuses it (wrong masterauth)', () => {
  it("with its master's INFO pasted too: never synced, but a warning, since the master holds the data", () => {
    const d = diagnosePaste(
      prompt('127.31.3.9:7000', 'repl-refused-master.txt') +
        prompt('127.31.3.10:7000', 'repl-refused-replica.txt'),
    );
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'REPLICA_NOT_SYNCED',
      severity: 'warning',
      nodes: ['127.31.3.10:7000', '127.31.3.9:7000'],
    });
    expect(f?.message).toMatch(/127\.31\.3\.9:7000 answered, so its data is safe there/);
    expect(f?.evidence).toContain('role:master, connected_slaves:0 from 127.31.3.9:7000');
    expect(codes(d)).toEqual(['undetermined']);
  });
});

describe('a replica whose master was killed', () => {
  it('link down after a sync: REPLICA_LINK_DOWN with how long, and the offset it holds', () => {
    const d = diagnosePaste(prompt('127.31.3.4:7000', 'repl-linkdown-replica.txt'));
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'REPLICA_LINK_DOWN', severity: 'warning' });
    expect(f?.nodes).toEqual(['127.31.3.4:7000', '127.31.3.3:7000']);
    expect(f?.message).toMatch(
      /lost its replication link to 127\.31\.3\.3:7000 \d+ s ago: it holds data up to/,
    );
    expect(f?.evidence).toEqual(
      expect.arrayContaining([
        'master_link_status:down from 127.31.3.4:7000',
        expect.stringMatching(/^master_link_down_since_seconds:\d+ from 127\.31\.3\.4:7000$/),
      ]),
    );
    expect(codes(d)).toEqual(['undetermined']);
  });

  it('restarted while its master stays dead: -1 with data loaded from disk is not "never synced"', () => {
    const d = diagnosePaste(real('repl-restarted-replica.txt'));
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: 'REPLICA_LINK_DOWN', severity: 'warning', nodes: ['127.31.3.3:7000'] });
    expect(f?.message).toMatch(
      /has not reached 127\.31\.3\.3:7000 since it \(re\)started .* loaded from disk, of unknown age/,
    );
    expect(warned(d, /never synced/)).toBe(false);
    expect(warned(d, /not connected since it started; it holds data up to offset \d+/)).toBe(true);
  });
});

describe('a full sync held up (slow BGSAVE, then the replica frozen during the transfer)', () => {
  it("the master's slaveN state=wait_bgsave and send_bulk: REPLICA_NOT_SYNCED for the replica it names", () => {
    for (const [file, phase] of [
      ['repl-wait-bgsave-master.txt', /waiting for 127\.31\.3\.7:7000's RDB snapshot/],
      ['repl-send-bulk-master.txt', /receiving 127\.31\.3\.7:7000's RDB snapshot/],
    ] as const) {
      const d = diagnosePaste(prompt('127.31.3.7:7000', file));
      const [f, ...rest] = repl(d);
      expect(rest).toEqual([]);
      expect(f).toMatchObject({
        code: 'REPLICA_NOT_SYNCED',
        severity: 'warning',
        nodes: ['127.31.3.8:7000', '127.31.3.7:7000'],
      });
      expect(f?.message).toMatch(phase);
      expect(f?.evidence[0]).toMatch(/^slave0:ip=127\.31\.3\.8,port=7000,state=(wait_bgsave|send_bulk),/);
    }
  });

  it("the master's INFO without a prompt still names the replica by its slaveN line", () => {
    const d = diagnosePaste(real('repl-wait-bgsave-master.txt'));
    expect(repl(d)[0]?.nodes).toEqual(['127.31.3.8:7000']);
    expect(repl(d)[0]?.message).toMatch(/^Replica 127\.31\.3\.8:7000 is in a full sync from its master/);
  });

  it('master and replica pasted together: one finding with both sides as evidence', () => {
    const d = diagnosePaste(
      prompt('127.31.3.7:7000', 'repl-wait-bgsave-master.txt') +
        prompt('127.31.3.8:7000', 'repl-first-sync-replica.txt'),
    );
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f?.message).toMatch(
      /^Replica 127\.31\.3\.8:7000 is in its first full sync from 127\.31\.3\.7:7000/,
    );
    expect(f?.evidence).toEqual(
      expect.arrayContaining([
        'master_sync_in_progress:1 from 127.31.3.8:7000',
        expect.stringMatching(/^slave0:.*state=wait_bgsave.* from 127\.31\.3\.7:7000$/),
      ]),
    );
  });
});

describe('a lagging replica (frozen with SIGSTOP while 2 MB were written to its master)', () => {
  it("the master's INFO: REPLICATION_LAG with the gap and the last ack", () => {
    const d = diagnosePaste(prompt('127.31.3.5:7000', 'repl-lag-master.txt'));
    const [f, ...rest] = repl(d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'REPLICATION_LAG',
      severity: 'warning',
      nodes: ['127.31.3.6:7000', '127.31.3.5:7000'],
    });
    expect(f?.message).toMatch(/is 2\.0 MiB behind 127\.31\.3\.5:7000 .*last acknowledged \d+ s ago/);
    expect(f?.evidence).toEqual([
      expect.stringMatching(
        /^slave0:ip=127\.31\.3\.6,port=7000,state=online,offset=\d+,lag=\d+ from 127\.31\.3\.5:7000$/,
      ),
      expect.stringMatching(/^master_repl_offset:\d+ from 127\.31\.3\.5:7000$/),
    ]); // No topology to name a cause from, but the summary points at what was found.
    expect(d.rootCauses.map((c) => c.code)).toEqual(['undetermined']);
    expect(d.rootCauses[0]?.summary).toMatch(/but the output shows REPLICATION_LAG/);
  });

  it('under a higher threshold, or once caught up: no lag finding', () => {
    expect(
      repl(diagnosePaste(real('repl-lag-master.txt'), { replicationLagBytes: 4 * 1024 * 1024 })),
    ).toEqual([]);
    expect(repl(diagnosePaste(real('repl-caughtup-master.txt')))).toEqual([]);
  });
});

describe('healthy pairs and mixed pastes', () => {
  it('a synced master and replica, both without prompts: paired by replication id, nothing raised', () => {
    const d = diagnosePaste(`${real('repl-synced-master.txt')}\n${real('repl-synced-replica.txt')}`);
    expect(repl(d)).toEqual([]);
    expect(d.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it("CLUSTER NODES of one master plus a replica's INFO with no prompt: read on its own, its master's failure counted", () => {
    const scenario = 'frozen-master-unsynced';
    const d = diagnosePaste(
      `${rec(scenario, 'nodes-127.128.121.2-7000.txt')}\n${rec(scenario, 'info-replication-127.128.121.4-7000.txt')}`,
    );
    const f = repl(d).find((x) => x.code === 'REPLICA_NOT_SYNCED');
    expect(f).toMatchObject({ severity: 'critical', nodes: ['127.128.121.1:7000'] });
    expect(f?.message).toMatch(/127\.128\.121\.1:7000 is down as well: its data has no live copy/);
    expect(warned(d, /No INFO replication output was available/)).toBe(false);
    expect(warned(d, /could not be tied to any node of the pasted CLUSTER NODES/)).toBe(true);
  });

  it('INFO of several nodes behind prompts plus one CLUSTER NODES: the model checks them, no duplicates', () => {
    const scenario = 'frozen-master-unsynced';
    const info = (n: number) =>
      `127.128.121.${n}:7000> info replication\n${rec(scenario, `info-replication-127.128.121.${n}-7000.txt`)}`;
    const d = diagnosePaste(
      `127.128.121.2:7000> cluster nodes\n${rec(scenario, 'nodes-127.128.121.2-7000.txt')}\n${info(4)}\n${info(5)}\n${info(2)}`,
    );
    const notSynced = repl(d).filter((x) => x.code === 'REPLICA_NOT_SYNCED');
    expect(notSynced).toHaveLength(1);
    expect(notSynced[0]).toMatchObject({
      severity: 'critical',
      nodes: ['127.128.121.4:7000', '127.128.121.1:7000'],
    });
  });
});
