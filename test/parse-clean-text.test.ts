import { describe, expect, it } from 'vitest';
import { cleanPastedText } from '../src/cluster/clean-text.ts';
import { redactSecrets } from '../src/cluster/redact.ts';
import { derived, IDS, real } from './paste-fixtures.ts';

function linesOf(text: string): string[] {
  return cleanPastedText(text).text.split('\n');
}

describe('cleanPastedText', () => {
  it('undoes a Slack message: fences, entities, auto-links; keeps line numbers', () => {
    const c = cleanPastedText(derived('slack-fenced-nodes.txt'));
    const lines = c.text.split('\n');
    expect(lines[1]).toBe('127.31.0.1:7000> cluster nodes');
    expect(lines[2]).toContain('127.31.0.1:7000@17000,redis-a.example.internal myself,master');
    expect(lines[lines.length - 1]).not.toContain('```');
    expect(c.lineMap.slice(0, 3)).toEqual([1, 2, 3]);
    expect(c.lineMap).toHaveLength(lines.length);
  });

  it('strips Slack quote prefixes but keeps ">>>" markers', () => {
    const lines = linesOf(derived('slack-quoted-check.txt'));
    expect(lines[0]).toBe('Could not connect to Redis at 127.31.0.99:7000: Connection refused');
    expect(lines).toContain('>>> Performing Cluster Check (using node 127.31.0.1:7000)');
    expect(lines.some((l) => l.includes('[32;1m'))).toBe(false);
  });

  it('expands a JSON log line into its lines, all mapped to the original line', () => {
    const c = cleanPastedText(`first line\n${derived('json-log-nodes.txt')}`);
    const lines = c.text.split('\n');
    expect(lines[1]?.startsWith(IDS.n3)).toBe(true);
    expect(lines.filter((l) => l.includes('127.31.0.')).length).toBe(6);
    expect(new Set(c.lineMap.slice(1, 7))).toEqual(new Set([2]));
  });

  it('turns a real bash xtrace into plain output', () => {
    const lines = linesOf(real('healthy-xtrace-n2.txt'));
    expect(lines[0]).toBe('redis-cli -h 127.31.0.2 -p 7000 cluster nodes');
    expect(lines[1]?.split(' ')[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(lines.some((l) => l.includes("'"))).toBe(false);
    expect(lines.filter((l) => / connected/.test(l))).toHaveLength(6);
  });

  it('unescapes $-quoted xtrace values', () => {
    const lines = linesOf("+ out=$'a\\nb c'\n+ echo done");
    expect(lines).toEqual(['a', 'b c', 'echo done']);
  });

  it('handles CRLF, tabs, trailing spaces, bold, inline code and html entities', () => {
    const c = cleanPastedText('**[OK]** All good  \r\n\t`cluster_state:ok`\r\n&lt;a&amp;b&gt;');
    expect(c.text).toBe('[OK] All good\ncluster_state:ok\n<a&b>');
    expect(c.lineMap).toEqual([1, 2, 3]);
  });

  it('removes fence lines with a language tag and mailto links', () => {
    const c = cleanPastedText('```text\nping <mailto:ops@example.com|ops@example.com>\n```');
    expect(c.text).toBe('\nping ops@example.com\n');
  });

  it('never throws on odd input', () => {
    for (const t of ['', '\n\n', '```', "+ x='", '\\n\\n', '{"a":"\\n"}', '\u0000\u001b[', 'a\r\rb']) {
      expect(() => cleanPastedText(t)).not.toThrow();
    }
  });
});

describe('redactSecrets', () => {
  it('hides passwords and tokens', () => {
    const s = redactSecrets(
      'redis-cli -a hunter2 -h h cluster nodes; redis://u:pw@h:6379; AUTH default s3cr3t; requirepass "x y"; xoxb-123-abc',
    );
    expect(s).not.toMatch(/hunter2|:pw@|s3cr3t|"x y"|xoxb-123/);
    expect(s).toContain('redis-cli -a *** -h h cluster nodes');
  });

  it('hides each kind of secret on its own, whatever its case (the quick pre-check lets each through)', () => {
    const cases: [string, string][] = [
      ['redis-cli --pass hunter2 ping', 'hunter2'],
      ['REDIS-CLI -A hunter2 ping', 'hunter2'],
      ['rediss://user:pw123@h:6380', 'pw123'],
      ['HTTPS://u:pw123@example.test/', 'pw123'],
      ['AUTH s3cr3t', 's3cr3t'],
      ['127.0.0.1:7000> auth hunter2', 'hunter2'],
      ['auth default hunter2', 'hunter2'],
      ['PASSWORD=hunter2', 'hunter2'],
      ['MasterAuth hunter2', 'hunter2'],
      ['REDISCLI_AUTH=hunter2', 'hunter2'],
      ['passwd: hunter2', 'hunter2'],
      ['token xoxp-1-2-3', 'xoxp-1-2-3'],
      ['xapp-1-A1-abc', 'A1-abc'],
      ['see https://hooks.slack.com/services/T/B/zzz', 'zzz'],
    ];
    for (const [text, secret] of cases) expect(redactSecrets(text), text).not.toContain(secret);
  });

  it('returns text that holds no secret unchanged', () => {
    for (const t of ['ip=10.0.0.2,port=7001,state=online,offset=42,lag=0', 'Linux 6.1.0 x86_64', 'a=b@c'])
      expect(redactSecrets(t)).toBe(t);
  });
});
