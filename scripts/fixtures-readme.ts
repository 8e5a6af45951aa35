/** Writes test/fixtures/README.md from every recorded scenario's meta.json. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_NAMES } from '../src/devcluster/scenarios.ts';

/** Absolute path of test/fixtures. */
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');

interface Meta {
  scenario: string;
  title: string;
  summary: string;
  redisVersion: string;
  nodeTimeoutMs: number;
  check: { command: string; exitCode: number | null; timedOut: boolean } | null;
  nodes: { address: string; builtRole: string; state: string; files: string[]; error?: string }[];
  expected: { rootCause: string; clusterState: string; notes: string[] };
  commands: { phase: string; command: string; note?: string }[];
}

function section(m: Meta): string {
  const out = [`## ${m.scenario}: ${m.title}`, '', m.summary, ''];
  out.push(`Expected: root cause \`${m.expected.rootCause}\`, cluster_state \`${m.expected.clusterState}\`.`);
  for (const n of m.expected.notes) out.push(`- ${n}`);
  const missing = m.nodes.filter((n) => n.files.length === 0 || n.error);
  for (const n of missing)
    out.push(`- Not (fully) recorded: ${n.address} (${n.state}): ${n.error ?? 'no output'}`);
  if (m.check) {
    const how = m.check.timedOut ? 'timed out' : `exit code ${m.check.exitCode}`;
    out.push(`- \`${m.check.command}\` → ${how} (check.txt).`);
  }
  for (const phase of ['build', 'break', 'restore']) {
    const cmds = m.commands.filter((c) => c.phase === phase);
    if (!cmds.length) continue;
    out.push(
      '',
      `${phase === 'build' ? 'Built with' : phase === 'break' ? 'Broken with' : 'Restored with'}:`,
      '',
      '```sh',
    );
    for (const c of cmds) out.push(c.note ? `${c.command}   # ${c.note}` : c.command);
    out.push('```');
  }
  return out.join('\n');
}

/** Regenerates the README from all scenario dirs that have a meta.json. */
export function writeFixturesReadme(): void {
  const metas: Meta[] = readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FIXTURES_DIR, d.name, 'meta.json')))
    .map((d) => JSON.parse(readFileSync(join(FIXTURES_DIR, d.name, 'meta.json'), 'utf8')) as Meta);
  const rank = (m: Meta) => {
    const i = (SCENARIO_NAMES as string[]).indexOf(m.scenario);
    return i < 0 ? SCENARIO_NAMES.length : i;
  };
  metas.sort((a, b) => rank(a) - rank(b) || a.scenario.localeCompare(b.scenario));
  const version = metas[0]?.redisVersion ?? 'unknown';
  const head = [
    '# Recorded real-cluster fixtures',
    '',
    `Every \`<scenario>/\` directory below was recorded from real \`redis-server\` ${version} processes built and`,
    'broken by `src/devcluster/scenarios.ts` (nothing hand-typed). Each holds, for every node the scenario left',
    'running: `nodes-<host>-<port>.txt` (CLUSTER NODES), `cluster-info-<host>-<port>.txt` (CLUSTER INFO, CRLF as',
    'Redis sends it) and `info-replication-<host>-<port>.txt` (INFO replication); `check.txt` (stdout+stderr of',
    '`redis-cli --cluster check <first live node>`, ANSI colours included, 10 s timeout) and `meta.json` (what was',
    'done, node ids/addresses/states, the expected facts, the exact commands). Killed nodes have no files; frozen',
    '(SIGSTOPped) nodes are probed with a 1.5 s timeout and their error is in meta.json.',
    '',
    'Ids, addresses (random 127.A.B.x per run), pids and timestamps change on every run; the structure and the',
    'expected facts do not. Passwords are never written (shown as `<redacted>`). `paste-formats/` is separate',
    '(parser fixtures, see its README).',
    '',
    'Re-record all or some: `npx tsx scripts/record-fixtures.ts [scenario...]` (needs /usr/bin/redis-server;',
    'about 1-2 minutes for all). The README is regenerated from the meta.json files.',
    '',
    '| scenario | root cause | cluster_state | title |',
    '| --- | --- | --- | --- |',
    ...metas.map(
      (m) => `| ${m.scenario} | ${m.expected.rootCause} | ${m.expected.clusterState} | ${m.title} |`,
    ),
    '',
  ];
  const text = `${head.join('\n')}\n${metas.map(section).join('\n\n')}\n`;
  writeFileSync(join(FIXTURES_DIR, 'README.md'), text);
}
