/**
 * Builds a large CLUSTER NODES dump in the exact line format of the real fixtures: `masters` masters
 * with one replica each, the first `failed` masters (and their replicas) flagged fail. Test-only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'paste-formats', 'real');

/** A real fixture's text. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

function id(n: number): string {
  return createHash('sha1').update(`node-${n}`).digest('hex');
}

/** A CLUSTER NODES dump of 2*masters nodes as seen by master 0. */
export function bigClusterNodes(masters: number, failed: number): string {
  const template = fixture('healthy-nodes-n1.txt')
    .split('\n')
    .find((l) => l.includes('myself'));
  if (!template) throw new Error('fixture has no myself line');
  const lines: string[] = [];
  const per = Math.floor(16384 / masters);
  for (let m = 0; m < masters; m++) {
    const start = m * per;
    const end = m === masters - 1 ? 16383 : start + per - 1;
    const down = m > 0 && m <= failed;
    const ip = `10.${Math.floor(m / 200)}.${m % 200}.1`;
    const rip = `10.${Math.floor(m / 200)}.${m % 200}.2`;
    const flags = m === 0 ? 'myself,master' : down ? 'master,fail' : 'master';
    const link = down ? 'disconnected' : 'connected';
    lines.push(`${id(m)} ${ip}:6379@16379 ${flags} - 0 1795313863550 ${m + 1} ${link} ${start}-${end}`);
    const rflags = down ? 'slave,fail' : 'slave';
    lines.push(`${id(1000 + m)} ${rip}:6379@16379 ${rflags} ${id(m)} 0 1795313864053 ${m + 1} ${link}`);
  }
  return lines.join('\n');
}
