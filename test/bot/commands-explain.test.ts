/**
 * Parsing `/redis explain`, `/redis slot` and `/redis settings` (pure), the shell treating them as
 * commands, and the help listing them.
 */
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/commands.ts';
import { splitKeys } from '../../src/bot/commands-text.ts';
import { helpMessage } from '../../src/bot/render/help.ts';
import { isCommandLine } from '../../src/bot/shell/session.ts';

describe('explain', () => {
  it('keeps the whole text after the subcommand, newlines and all', () => {
    const text = 'explain redis.exceptions.MovedError: 5 10.0.0.1:6379\n  at line 2';
    expect(parseCommand(`/redis ${text}`)).toEqual({
      ok: true,
      command: { kind: 'explain', text: 'redis.exceptions.MovedError: 5 10.0.0.1:6379\n  at line 2' },
    });
    expect(parseCommand('explain')).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
  });

  it('treats an error typed in place of a subcommand as something to explain', () => {
    expect(parseCommand('MOVED 5649 10.0.0.2:6379')).toEqual({
      ok: true,
      command: { kind: 'explain', text: 'MOVED 5649 10.0.0.2:6379' },
    });
    expect(parseCommand('/redis CLUSTERDOWN Hash slot not served')).toMatchObject({
      ok: true,
      command: { kind: 'explain' },
    });
    // A typo of a subcommand is still a typo.
    expect(parseCommand('explian MOVED')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_SUBCOMMAND' } });
  });
});

describe('slot', () => {
  it('splits keys on blanks, keeps quoted keys whole, undoes Slack entities, links and smart quotes', () => {
    expect(parseCommand('slot a b{1} "my key" `c`')).toEqual({
      ok: true,
      command: { kind: 'slot', keys: ['a', 'b{1}', 'my key', 'c'] },
    });
    expect(
      splitKeys('&lt;k&gt; a&amp;b \u201cx y\u201d <http://user.example.com|user.example.com> ""'),
    ).toEqual(['<k>', 'a&b', 'x y', 'user.example.com', '']);
    expect(parseCommand('slot "open')).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
    expect(parseCommand('slot')).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
    expect(parseCommand(`slot ${'k '.repeat(101)}`)).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_ARGUMENTS' },
    });
  });
});

describe('settings', () => {
  it('takes a registered name and refuses an address', () => {
    expect(parseCommand('settings prod')).toEqual({
      ok: true,
      command: { kind: 'settings', cluster: 'prod' },
    });
    expect(parseCommand('settings 10.0.0.1:6379')).toMatchObject({
      ok: false,
      error: { code: 'ADHOC_TARGET' },
    });
  });
});

describe('shell and help', () => {
  it('the shell treats the new subcommands as commands, and help lists them', () => {
    for (const line of ['explain MOVED 1 a:1', 'slot a b', 'settings prod'])
      expect(isCommandLine(line)).toBe(true);
    const lines = helpMessage(['prod'], 1, []).sections?.[0]?.lines.join('\n') ?? '';
    expect(lines).toContain('/redis settings prod');
    expect(lines).toContain('/redis explain <error>');
    expect(lines).toContain('/redis slot <key>... [prod]');
  });
});
