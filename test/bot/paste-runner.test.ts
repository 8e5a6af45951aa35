/**
 * The paste worker thread: results come back from the worker; a paste past its deadline or heap limit
 * is stopped with a coded error and the next paste gets a fresh worker; a flood is refused, not queued
 * without end. Runs the worker from the TypeScript sources (the compiled path is exercised by bench).
 */
import { describe, expect, it } from 'vitest';
import { isBotError } from '../../src/bot/errors.ts';
import { createPasteRunner } from '../../src/bot/paste-runner.ts';
import { bigClusterNodes, fixture } from './helpers/big-dump.ts';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (err: unknown) => (isBotError(err) ? err.code : String(err)),
  );

describe('paste runner', () => {
  it('reads pastes in a worker thread: a dump is diagnosed, chatter is null', async () => {
    const runner = createPasteRunner();
    try {
      const r = await runner.analyze(fixture('healthy-nodes-n2.txt'));
      expect(r?.state).toBe('ok');
      expect(r?.message.fields).toContainEqual({ label: 'Root cause', value: 'healthy' });
      expect(r?.message.diagnosis).toBeUndefined(); // only the reply crosses back, not the object graph
      expect(await runner.analyze('just chatting about the deploy, nothing to see here')).toBeNull();
    } finally {
      await runner.close();
    }
  }, 90_000);

  it('a paste past its deadline fails with PASTE_TIMEOUT', async () => {
    const runner = createPasteRunner({ deadlineMs: 1 });
    try {
      expect(await codeOf(runner.analyze(bigClusterNodes(500, 0)))).toBe('PASTE_TIMEOUT');
    } finally {
      await runner.close();
    }
  }, 90_000);

  it('a paste past the heap limit fails with PASTE_OUT_OF_MEMORY; the next one gets a fresh worker', async () => {
    const runner = createPasteRunner({ heapMb: 20 });
    try {
      let big = '';
      for (let i = 0; big.length < 1_900_000; i++) big += `${bigClusterNodes(500, i % 3)}\n\n`;
      expect(await codeOf(runner.analyze(big))).toBe('PASTE_OUT_OF_MEMORY');
      const r = await runner.analyze(fixture('healthy-nodes-n2.txt'));
      expect(r?.message.fields).toContainEqual({ label: 'Root cause', value: 'healthy' });
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('refuses pastes beyond the queue with PASTE_BUSY, and close fails the waiting ones', async () => {
    const runner = createPasteRunner({ maxQueued: 2 });
    const first = codeOf(runner.analyze(fixture('healthy-nodes-n2.txt')));
    const second = codeOf(runner.analyze(fixture('healthy-nodes-n2.txt')));
    expect(await codeOf(runner.analyze('x'.repeat(5000)))).toBe('PASTE_BUSY');
    await runner.close();
    expect([await first, await second]).toEqual(['PASTE_WORKER_FAILED', 'PASTE_WORKER_FAILED']);
    expect(await codeOf(runner.analyze('x'))).toBe('PASTE_WORKER_FAILED');
  });
});
