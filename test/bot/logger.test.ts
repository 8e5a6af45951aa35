import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSlackEnv } from '../../src/bot/slack/env.ts';
import { isAllowedFileUrl, isTextFile } from '../../src/bot/slack/files.ts';
import { boltLogger, createLogger, scrubSecrets } from '../../src/bot/slack/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logging without secrets', () => {
  it('scrubs tokens, response_urls and passwords from strings', () => {
    const s = scrubSecrets(
      'token xoxb-123-456-abcDEF and xapp-1-A1-xyz, url https://hooks.slack.com/commands/T1/2/abc password=hunter2 Bearer xyz.abc',
    );
    expect(s).not.toMatch(/xoxb-123|xapp-1-A1|hooks\.slack\.com\/commands|hunter2|xyz\.abc/);
  });

  it('redacts secret fields and secret-shaped text in messages, errors and bolt lines', () => {
    const { lines, stream } = capture();
    const log = createLogger('debug', stream);
    log.info(
      { token: 'xoxb-1-2-3', body: { response_url: 'https://hooks.slack.com/x' }, cluster: 'prod' },
      'hello',
    );
    log.warn('bad token xoxp-9-9-9 seen');
    log.error({ err: new Error('auth failed with xoxb-7-7-7') }, 'failed');
    boltLogger(log).error('an error', { password: 's3cret', url: 'https://hooks.slack.com/actions/T/1/2' });
    const all = lines.join('');
    expect(all).toContain('"cluster":"prod"');
    expect(all).not.toMatch(/xoxb-1-2-3|xoxp-9-9-9|xoxb-7-7-7|s3cret|hooks\.slack\.com\//);
    expect(lines).toHaveLength(4);
  });
});

describe('Slack environment', () => {
  it('reports every missing or malformed variable', () => {
    const r = readSlackEnv({});
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems.join('\n')).toMatch(/SLACK_BOT_TOKEN[\s\S]*SLACK_SIGNING_SECRET/);
    const bad = readSlackEnv({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APP_TOKEN: 'nope', PORT: 'x' });
    expect(bad.ok ? [] : bad.problems).toHaveLength(3);
  });

  it('accepts HTTP mode and Socket Mode', () => {
    expect(readSlackEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: '8080' })).toEqual({
      ok: true,
      env: { botToken: 'xoxb-1', signingSecret: 's', port: 8080 },
    });
    const socket = readSlackEnv({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(socket).toMatchObject({
      ok: true,
      env: { appToken: 'xapp-1', apiUrl: 'http://127.0.0.1:9/api/' },
    });
  });
});

describe('snippet downloads', () => {
  it('sends the bot token only to Slack file hosts (https) or the configured API host', () => {
    expect(isAllowedFileUrl('https://files.slack.com/files-pri/T1-F1/nodes.txt', [])).toBe(true);
    expect(isAllowedFileUrl('https://files.slack-gov.com/files-pri/T1-F1/x', [])).toBe(true);
    expect(isAllowedFileUrl('http://files.slack.com/x', [])).toBe(false);
    expect(isAllowedFileUrl('https://evil.example/slack.com/x', [])).toBe(false);
    expect(isAllowedFileUrl('https://slack.com.evil.example/x', [])).toBe(false);
    expect(isAllowedFileUrl('http://127.0.0.1:9999/files/x', ['127.0.0.1:9999'])).toBe(true);
    expect(isAllowedFileUrl('not a url', [])).toBe(false);
  });

  it('reads only text files', () => {
    expect(isTextFile({ mimetype: 'text/plain' })).toBe(true);
    expect(isTextFile({ filetype: 'text' })).toBe(true);
    expect(isTextFile({ mimetype: 'image/png', filetype: 'png' })).toBe(false);
  });
});
