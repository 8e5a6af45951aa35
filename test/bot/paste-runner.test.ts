import { describe, expect, it } from 'vitest';
import { createPasteRunner } from '../../src/bot/paste-runner.ts';
import { fixture } from './helpers/big-dump.ts';

describe('paste runner', () => {
  it('reads a paste in a worker', async () => {
    const runner = createPasteRunner();
    try {
      const t0 = performance.now();
      const r = await runner.analyze(fixture('healthy-nodes-n2.txt'));
      console.log('first', performance.now() - t0);
      expect(r?.diagnosis.rootCauses[0]?.code).toBe('healthy');
      expect(await runner.analyze('hello there, nothing to see')).toBeNull();
    } finally {
      await runner.close();
    }
  }, 60_000);
});
