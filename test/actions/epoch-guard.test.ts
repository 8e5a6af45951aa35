/**
 * The move's epoch guard on CLUSTER NODES texts as a target would print them: a target that already knows
 * the source's epoch passes at once; one that learns it after a few polls passes then; one that never does
 * (or shares the source's epoch) stops the step with nothing sent, saying why.
 */
import { describe, expect, it } from 'vitest';
import type { NodeSession } from '../../src/actions/execute/context.ts';
import { awaitSourceEpoch } from '../../src/actions/execute/epoch-guard.ts';
import { readOwnView } from '../../src/actions/execute/own-view.ts';

const SRC = 'a'.repeat(40);
const DST = 'b'.repeat(40);

/** A 2-master CLUSTER NODES as printed by `self`, with the epochs it knows. */
function nodesText(self: 'src' | 'dst', srcEpoch: number, dstEpoch: number): string {
  const line = (id: string, port: number, me: boolean, epoch: number, slots: string) =>
    `${id} 127.0.0.1:${port}@${port + 10000} ${me ? 'myself,' : ''}master - 0 0 ${epoch} connected ${slots}`;
  return [
    line(SRC, 7000, self === 'src', srcEpoch, '0-8191'),
    line(DST, 7001, self === 'dst', dstEpoch, '8192-16383'),
  ].join('\n');
}

/** A session whose CLUSTER NODES answers come from `texts` in turn (the last one repeated); counts reads. */
function session(texts: string[]): NodeSession & { reads: number } {
  const s = {
    address: '127.0.0.1:7001',
    reads: 0,
    call: async (argv: readonly (string | number)[]) => {
      expect(argv).toEqual(['CLUSTER', 'NODES']);
      return texts[Math.min(s.reads++, texts.length - 1)];
    },
  };
  return s;
}

const signal = new AbortController().signal;

describe('awaitSourceEpoch', () => {
  it('passes at once when the target knows the source epoch and holds another', async () => {
    const source = await readOwnView(session([nodesText('src', 7, 5)]));
    const t = session([nodesText('dst', 7, 5)]);
    await awaitSourceEpoch(source, await readOwnView(t), t, signal);
    expect(t.reads).toBe(1);
  });

  it('waits for gossip: passes once the target has learned the epoch', async () => {
    const source = await readOwnView(session([nodesText('src', 7, 5)]));
    const t = session([nodesText('dst', 6, 5), nodesText('dst', 6, 5), nodesText('dst', 7, 5)]);
    const view = await awaitSourceEpoch(source, await readOwnView(t), t, signal, 2000);
    expect(view.lines.get(SRC)?.configEpoch).toBe(7);
    expect(t.reads).toBe(3);
  });

  it('stops with nothing sent when the target never learns it, or shares it', async () => {
    const source = await readOwnView(session([nodesText('src', 7, 5)]));
    for (const text of [nodesText('dst', 6, 5), nodesText('dst', 7, 7)]) {
      const t = session([text]);
      const err = await awaitSourceEpoch(source, await readOwnView(t), t, signal, 250).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        /does not know the source's config epoch 7 yet .* Nothing was moved/,
      );
    }
  });
});
