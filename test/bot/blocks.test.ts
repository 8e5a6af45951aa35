import { describe, expect, it } from 'vitest';
import type { BotMessage } from '../../src/bot/message.ts';
import { chunkLines, continuationPayloads, LIMITS, renderBlocks } from '../../src/bot/slack/blocks.ts';
import { escapeMrkdwn, stripSlackReferences } from '../../src/bot/slack/mrkdwn.ts';
import { texts } from './helpers/block-text.ts';

function assertWithinLimits(blocks: Record<string, unknown>[]) {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(LIMITS.totalJson);
  for (const b of blocks) {
    if (b.type === 'section' && b.text)
      expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(150);
  }
}

describe('Block Kit rendering', () => {
  it('escapes user-derived text so a paste cannot ping or link', () => {
    const msg: BotMessage = {
      title: 'node <!channel> says',
      text: 'hi <@U123> & <http://evil|x>',
      fields: [{ label: 'State', value: '<!here>' }],
      sections: [
        { heading: 'Evidence', lines: ['<!everyone> ```'], style: 'verbatim' },
        { lines: ['<@U999>'], style: 'list' },
      ],
      notes: ['<!subteam^S1>'],
      fallback: '<!channel> fallback',
    };
    const { payload } = renderBlocks(msg);
    const all = [payload.text, ...texts(payload.blocks)].join('\n');
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&amp;');
    expect(all).not.toMatch(/```\n?[^`]*```[^`]*```/); // an inner ``` was defused
  });

  it('keeps a small message whole', () => {
    const r = renderBlocks({ title: 'ok', sections: [{ lines: ['a', 'b'], style: 'list' }], fallback: 'ok' });
    expect(r.spilled).toEqual([]);
    expect(r.rest).toEqual([]);
    expect(texts(r.payload.blocks).join()).toContain('• a\n• b');
  });

  it('splits long sections, spills evidence to a file and loses no line', () => {
    const evidence = Array.from({ length: 600 }, (_, i) => `line-${i} ${'x'.repeat(60)}`);
    const findings = Array.from({ length: 80 }, (_, i) => `finding-${i}`);
    const msg: BotMessage = {
      title: 'big',
      text: 'summary',
      sections: [
        { heading: 'Root cause', lines: ['explained'], style: 'prose' },
        { heading: 'Findings', lines: findings, style: 'list', spill: true },
        { heading: 'Evidence', lines: evidence, style: 'verbatim', spill: true },
      ],
      fallback: 'big',
    };
    const r = renderBlocks(msg);
    assertWithinLimits(r.payload.blocks);
    expect(r.spilled.map((s) => s.heading)).toContain('Evidence');
    const shown = texts(r.payload.blocks).join('\n');
    expect(shown).toContain('explained');
    expect(shown).toContain('The rest is attached in the thread.');
    const spilledLines = r.spilled.flatMap((s) => s.lines);
    const keptFindings = findings.filter((f) => shown.includes(`• ${f}\n`) || shown.endsWith(`• ${f}`));
    for (const line of evidence) expect(spilledLines).toContain(line);
    expect(
      keptFindings.length + spilledLines.filter((l) => l.startsWith('finding-')).length,
    ).toBeGreaterThanOrEqual(80);
  });

  it('chunks non-spill overflow into continuation payloads that each fit', () => {
    const huge = Array.from({ length: 2000 }, (_, i) => `row ${i} ${'y'.repeat(30)}`);
    const r = renderBlocks({
      title: 'huge',
      sections: [{ lines: huge, style: 'verbatim' }],
      fallback: 'huge',
    });
    assertWithinLimits(r.payload.blocks);
    expect(r.rest).toHaveLength(1);
    const parts = continuationPayloads(r.rest, 'huge');
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) assertWithinLimits(p.blocks);
    const joined = parts.flatMap((p) => texts(p.blocks)).join('\n');
    for (const row of [huge[0], huge[999], huge[1999]]) expect(joined).toContain(row);
  });

  it('splits an over-long line instead of cutting it', () => {
    const line = 'z'.repeat(7000);
    const chunks = chunkLines([line], 2800);
    expect(chunks.map((c) => c.length)).toEqual([2800, 2800, 1400]);
    expect(chunks.join('')).toBe(line);
  });

  it('unescape helpers: references removed, escaping reversible', () => {
    expect(stripSlackReferences('<@UBOT> here <#C1|ops> <!here> dump')).toBe(' here   dump');
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
});
