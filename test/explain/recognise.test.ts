/**
 * The recogniser on every form of every error the issue lists, pasted plain and mangled the ways Slack
 * and log pipelines mangle it; ordinary chat never counts as an error; huge and hostile input stays
 * bounded; and every explanation is complete (meaning, causes, next, nothing left unfilled).
 */
import { describe, expect, it } from 'vitest';
import { catalogueEntry, explainErrors } from '../../src/diagnose/explain/explain.ts';
import {
  holdsRedisError,
  MAX_ERRORS,
  MAX_INPUT_CHARS,
  recogniseErrors,
} from '../../src/diagnose/explain/recognise.ts';
import { EXPLAIN_CODES } from '../../src/diagnose/explain/types.ts';
import { CHAT, FORMS, MANGLERS } from './forms.ts';

const strict = (text: string) => recogniseErrors(text, { strict: true }).errors;

describe('every form, plain and mangled', () => {
  for (const m of MANGLERS) {
    it(`${m.name}: each of the ${FORMS.length} forms is recognised with its slot, node and client`, () => {
      for (const f of FORMS) {
        const found = strict(m.mangle(f.text));
        const want = found.find((e) => e.code === f.code);
        expect(want, `${m.name}: ${f.text}`).toBeDefined();
        expect({ slot: want?.slot, node: want?.node, variant: want?.variant }, f.text).toEqual({
          slot: f.slot,
          node: f.node,
          variant: f.variant,
        });
        expect(want?.clients, f.text).toEqual(f.client ? [f.client] : []);
      }
    });
  }

  it('covers every code the catalogue has', () => {
    expect(new Set(FORMS.map((f) => f.code))).toEqual(new Set(EXPLAIN_CODES));
  });

  it('finds the real error inside a client that gave up ("Last error: ...") and keeps their order', () => {
    const found = strict(
      'Error: Too many Cluster redirections. Last error: ReplyError: MOVED 12182 10.0.0.3:6379',
    );
    expect(found.map((e) => [e.code, e.slot])).toEqual([
      ['TOO_MANY_REDIRECTIONS', undefined],
      ['MOVED', 12182],
    ]);
    expect(found.every((e) => e.clients.includes('ioredis'))).toBe(true);
  });
});

describe('conservative about unprompted chat', () => {
  it.each(CHAT)('%s: no error', (text) => {
    expect(strict(text)).toEqual([]);
    expect(holdsRedisError(text)).toBe(false);
  });

  it('when asked, a bare code, a code in a sentence or a class name is enough', () => {
    const asked = (t: string) => recogniseErrors(t, { strict: false }).errors.map((e) => e.code);
    expect(asked('crossslot')).toEqual(['CROSSSLOT']);
    expect(asked('what does MOVED mean here')).toEqual(['MOVED']);
    expect(asked('JedisClusterMaxAttemptsException')).toEqual(['TOO_MANY_REDIRECTIONS']);
    expect(asked('ClusterAllFailedError')).toEqual(['CLUSTER_UNREACHABLE']);
    expect(asked('hello there')).toEqual([]);
    // A strict match is not counted twice by its class name.
    expect(
      recogniseErrors('redis.exceptions.MovedError: 5 10.0.0.1:1', { strict: false }).errors,
    ).toHaveLength(1);
  });
});

describe('repeats', () => {
  it('counts the same MOVED and puts "stale client topology or wrong announced address" first', () => {
    const log = Array.from({ length: 5 }, (_, i) => `12:00:0${i} ERROR MOVED 5649 10.0.0.2:6379`).join('\n');
    const [e] = explainErrors(strict(log));
    expect(e).toMatchObject({ code: 'MOVED', slot: 5649, count: 5 });
    expect(e?.title).toBe('MOVED 5649 10.0.0.2:6379, 5 times');
    expect(e?.causes[0]).toMatch(/appears 5 times.*stale client topology.*cluster-announce-ip/);
  });

  it('names a slot redirected to different nodes (owner changed, or nodes disagree)', () => {
    const explained = explainErrors(strict('MOVED 7 10.0.0.2:6379\nMOVED 7 10.0.0.3:6379'));
    expect(explained).toHaveLength(2);
    expect(explained[0]?.causes[0]).toMatch(
      /Slot 7 was redirected to different nodes.*10\.0\.0\.2:6379, 10\.0\.0\.3:6379/,
    );
  });
});

describe('bounded on huge and hostile input', () => {
  it('10 MB of text without an anchor: nothing, the cut reported', () => {
    const r = recogniseErrors('a'.repeat(10_000_000), { strict: true });
    expect(r.errors).toEqual([]);
    expect(r.truncatedChars).toBe(10_000_000 - MAX_INPUT_CHARS);
  });

  it('anchors everywhere but no valid error: nothing, and no blow-up on long tokens', () => {
    const hostile = [
      'MOVED '.repeat(40_000),
      `MOVED 1 ${'x'.repeat(100_000)}`,
      `ASK 2 ${':'.repeat(50_000)}`,
      `CLUSTERDOWN ${'Hash slot '.repeat(20_000)}`,
      `${'{'.repeat(30_000)}${'}'.repeat(30_000)}`,
    ].join('\n');
    expect(strict(hostile)).toEqual([]);
  });

  it('an error after the first 256 KiB is not read, and says so', () => {
    const r = recogniseErrors(`${'.'.repeat(MAX_INPUT_CHARS)}\nCLUSTERDOWN The cluster is down`, {
      strict: true,
    });
    expect(r.errors).toEqual([]);
    expect(r.truncatedChars).toBeGreaterThan(0);
  });

  it(`lists at most ${MAX_ERRORS} distinct errors and counts the rest`, () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `MOVED ${i % 50} 10.0.0.${i % 50}:6379`);
    const r = recogniseErrors(lines.join('\n'), { strict: true });
    expect(r.errors).toHaveLength(MAX_ERRORS);
    expect(r.omitted).toBe(50 - MAX_ERRORS);
    expect(r.errors[0]?.count).toBe(200);
  });
});

describe('the catalogue', () => {
  it.each(EXPLAIN_CODES)('%s: meaning, at least two causes, and what to check next', (code) => {
    const e = catalogueEntry(code);
    expect(e.meaning.length).toBeGreaterThan(40);
    expect(e.causes.length).toBeGreaterThanOrEqual(2);
    expect(e.next.length).toBeGreaterThanOrEqual(1);
  });

  it('fills in the host, port and slot of the error, and leaves no placeholder behind', () => {
    for (const f of FORMS) {
      const [e] = explainErrors(strict(f.text));
      const all = [e?.meaning, ...(e?.causes ?? []), ...(e?.next ?? [])].join('\n');
      expect(all, f.text).not.toMatch(/\{(host|port|slot|count)\}/);
      if (f.slot !== undefined) expect(all, f.text).toContain(String(f.slot));
    }
    const [moved] = explainErrors(strict('MOVED 5649 10.0.0.2:6379'));
    expect(moved?.next[0]).toContain('redis-cli -h 10.0.0.2 -p 6379 ping');
  });
});
