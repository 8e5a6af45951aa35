/** Runs the parsers over every recorded scenario in test/fixtures/<scenario>/ that has a meta.json. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCheckOutput } from '../src/cluster/parse-check.ts';
import { parseInfoFields, readReplication } from '../src/cluster/parse-info.ts';
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import { snapshotFromPaste } from '../src/cluster/paste.ts';

interface MetaNode {
  id: string;
  address: string;
  state: string;
  files?: string[];
}
interface Meta {
  scenario: string;
  check?: { seed?: string };
  nodes: MetaNode[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const scenarios = existsSync(root)
  ? readdirSync(root)
      .filter((d) => existsSync(join(root, d, 'meta.json')))
      .map((d) => ({
        dir: join(root, d),
        meta: JSON.parse(readFileSync(join(root, d, 'meta.json'), 'utf8')) as Meta,
      }))
      .filter((s) => Array.isArray(s.meta.nodes))
  : [];

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
const fileOf = (n: MetaNode, prefix: string): string | undefined =>
  n.files?.find((f) => f.startsWith(prefix));

describe.skipIf(scenarios.length === 0)('parsers on the recorded scenarios', () => {
  for (const { dir, meta } of scenarios) {
    const probed = meta.nodes.filter((n) => fileOf(n, 'nodes-'));

    it(`${meta.scenario}: each node's CLUSTER NODES, CLUSTER INFO and INFO replication parse cleanly`, () => {
      expect(probed.length).toBeGreaterThan(0);
      for (const n of probed) {
        const view = parseClusterNodes(read(dir, fileOf(n, 'nodes-') ?? ''));
        expect(view.issues).toEqual([]);
        expect(view.observer).toBe(n.id);
        const me = view.nodes.find((x) => x.flags.includes('myself'));
        expect(me?.port).toBe(Number(n.address.slice(n.address.lastIndexOf(':') + 1)));
        const infoFile = fileOf(n, 'cluster-info-');
        if (infoFile) {
          const info = parseInfoFields(read(dir, infoFile));
          expect(['ok', 'fail']).toContain(info.cluster_state);
          expect(Number(info.cluster_known_nodes)).toBe(view.nodes.length);
        }
        const replFile = fileOf(n, 'info-replication-');
        if (replFile) {
          const repl = readReplication(parseInfoFields(read(dir, replFile)));
          expect(repl.role).toBe(me?.flags.includes('slave') ? 'replica' : 'master');
          if (repl.role === 'replica') expect(repl.masterPort).not.toBeNull();
        }
      }
    });

    it(`${meta.scenario}: --cluster check output names its seed and only known nodes`, () => {
      const checkFile = join(dir, 'check.txt');
      if (!existsSync(checkFile)) return;
      const text = readFileSync(checkFile, 'utf8');
      const report = parseCheckOutput(text);
      if (text.trim() === '') {
        // redis-cli hung on a frozen node and was killed before printing anything
        expect(report).toMatchObject({ entry: null, nodes: [], agree: null, allCovered: null });
        return;
      }
      if (meta.check?.seed && report.nodes.length > 0) expect(report.entry).toBe(meta.check.seed);
      const ids = new Set(meta.nodes.map((n) => n.id));
      for (const node of report.nodes) expect(ids.has(node.id)).toBe(true);
      expect(report.agree !== null || report.errors.length > 0).toBe(true);
      // every line of a real check is understood: pasted alone it yields one report and no skipped lines
      const s = snapshotFromPaste(text);
      expect(s.checkReports).toHaveLength(1);
      expect(s.warnings).toEqual([]);
      const unknownMaster = text
        .split('\n')
        .filter((l) => l.includes('claims to be slave of unknown node ID')).length;
      expect(report.messages.filter((m) => m.startsWith('*** WARNING:'))).toHaveLength(unknownMaster);
    });

    it(`${meta.scenario}: all outputs pasted as one terminal session become one observation per node`, () => {
      const parts: string[] = [];
      for (const n of probed) {
        const [host, port] = [
          n.address.slice(0, n.address.lastIndexOf(':')),
          n.address.slice(n.address.lastIndexOf(':') + 1),
        ];
        for (const [prefix, cmd] of [
          ['nodes-', 'cluster nodes'],
          ['cluster-info-', 'cluster info'],
          ['info-replication-', 'info replication'],
        ] as const) {
          const f = fileOf(n, prefix);
          if (f) parts.push(`$ redis-cli -h ${host} -p ${port} ${cmd}`, read(dir, f).trimEnd());
        }
      }
      const s = snapshotFromPaste(parts.join('\n'));
      expect(s.parseIssues).toEqual([]);
      // the only thing worth a warning here: a node whose myself line names another address than was contacted
      const mismatched = probed.filter((n) => {
        const me = parseClusterNodes(read(dir, fileOf(n, 'nodes-') ?? '')).nodes.find((x) =>
          x.flags.includes('myself'),
        );
        return `${me?.ip}:${me?.port}` !== n.address;
      });
      expect(s.warnings).toHaveLength(mismatched.length);
      for (const n of mismatched)
        expect(s.warnings.some((w) => w.includes(`taken via ${n.address}`))).toBe(true);
      expect(s.observations.map((o) => [o.address, o.nodeId])).toEqual(probed.map((n) => [n.address, n.id]));
      for (const o of s.observations) {
        expect(o.clusterInfo?.cluster_state).toBeDefined();
        expect(o.replication?.role).toBeDefined();
      }
    });
  }
});
