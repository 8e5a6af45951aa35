/**
 * wrong-announced-address must not be read into a node that has just died: peers flag fail? only once a
 * pending ping has waited cluster-node-timeout, so a long-silent node whose pending pings are young is
 * dead-in-detection, not "alive but unreachable". Input: the recorded healthy cluster's six views with one
 * master's lines rewritten as every peer would show it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { FIXTURES, scenarioMeta } from './scenario-fixtures.ts';

const meta = scenarioMeta('healthy');
const dumps = meta.nodes.map((n) => {
  const [host, port] = n.address.split(':');
  return {
    address: n.address,
    text: readFileSync(join(FIXTURES, 'healthy', `nodes-${host}-${port}.txt`), 'utf8'),
  };
});
const target = '127.189.3.3:7000';
const clock = Math.max(
  ...dumps.flatMap((d) =>
    d.text
      .trim()
      .split('\n')
      .flatMap((l) => l.split(' ').slice(4, 6).map(Number)),
  ),
);

/** Every peer's line for the target: disconnected, last pong `silentMs` ago, oldest pending ping `pingMs` ago. */
function paste(silentMs: number, pingMs: number): string {
  return dumps
    .filter((d) => d.address !== target)
    .map((d) => {
      const lines = d.text
        .trim()
        .split('\n')
        .map((l) => {
          const f = l.split(' ');
          if (f[1]?.split('@')[0] !== target) return l;
          f[4] = String(clock - pingMs);
          f[5] = String(clock - silentMs);
          f[7] = 'disconnected';
          return f.join(' ');
        });
      return `${d.address}> cluster nodes\n${lines.join('\n')}`;
    })
    .join('\n');
}

describe('a master silent for longer than cluster-node-timeout, not flagged fail? by anyone', () => {
  it('pending pings only 0.6 s old: it may have just died, so no wrong-announced-address', () => {
    const d = diagnosePaste(paste(20_000, 600));
    expect(d.rootCauses.map((c) => c.code)).not.toContain('wrong-announced-address');
    expect(d.findings.map((f) => f.code)).not.toContain('WRONG_ANNOUNCED_ADDRESS');
  });

  it('pending pings 20 s old (over the 15 s default): it still sends, so its announced address is suspect', () => {
    const d = diagnosePaste(paste(20_000, 20_000));
    expect(d.findings.find((f) => f.code === 'WRONG_ANNOUNCED_ADDRESS')?.nodes).toEqual([target]);
  });
});
