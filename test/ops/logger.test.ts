/**
 * The process logger: JSON lines, and no secret at any depth. Secrets are planted five levels down in
 * logged objects, child bindings, Bolt's lines and error messages, then the captured output is grepped.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../src/ops/log/bolt.ts';
import { createLogger, redactDeep, withContext } from '../../src/ops/logger.ts';

const SECRETS = {
  password: 'pw-planted-5d3f',
  token: 'xoxb-9999-8888-plantedtoken',
  appToken: 'xapp-1-A9-plantedapptoken',
  responseUrl: 'https://hooks.slack.com/commands/T1/42/planted-response-url',
  loopbackUrl: 'http://127.0.0.1:9/respond/planted-loopback-url',
  bearer: 'planted-bearer-credential',
  redisPassword: 'planted-redis-pass',
};
const PLANTED = new RegExp(
  [
    'pw-planted',
    'plantedtoken',
    'plantedapptoken',
    'planted-response-url',
    'planted-loopback-url',
    'planted-bearer',
    'planted-redis-pass',
  ].join('|'),
);

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

/** `leaf` wrapped in four objects (and one array), so its keys sit at depth 5. */
function deep(leaf: Record<string, unknown>): Record<string, unknown> {
  return { a: { b: [{ c: { d: leaf } }] } };
}

const leaf = () => ({
  password: SECRETS.password,
  botToken: SECRETS.token,
  response_url: SECRETS.loopbackUrl,
  headers: { Authorization: `Bearer ${SECRETS.bearer}` },
  note: `see ${SECRETS.responseUrl} with ${SECRETS.appToken}`,
  url: `redis://runbook:${SECRETS.redisPassword}@queue:6379/0`,
  kept: 'visible-value',
});

describe('logs carry no secret at any depth', () => {
  it('redacts secret keys and scrubs secret text five levels down, in objects, bindings and errors', () => {
    const { lines, stream } = capture();
    const log = createLogger('debug', stream);
    log.info(deep(leaf()), 'nested');
    withContext(log, { cluster: 'prod' }).child(deep(leaf())).warn('bound');
    const err = new Error(`auth failed for ${SECRETS.token}`) as Error & { config?: unknown };
    err.config = deep({ headers: { authorization: `Bearer ${SECRETS.bearer}` } });
    log.error({ err, where: deep({ err: new Error(`nested ${SECRETS.appToken}`) }) }, 'failed');
    log.error(new Error(`top-level ${SECRETS.token} password=${SECRETS.password}`));
    log.info(`message with ${SECRETS.responseUrl}`);
    boltLogger(log).error('bolt says', deep(leaf()), new Error(`bolt ${SECRETS.token}`));
    const all = lines.join('\n');
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(all).not.toMatch(PLANTED);
    expect(all).toContain('visible-value');
    expect(all).toContain('"cluster":"prod"');
    expect(all).toContain('[redacted]');
  });

  it('bounds the walk: a very deep, wide or cyclic object is cut with a marker, not walked forever', () => {
    let chain: Record<string, unknown> = { password: SECRETS.password };
    for (let i = 0; i < 10_000; i++) chain = { next: chain };
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const cut = (v: unknown) => JSON.stringify(redactDeep(v));
    expect(cut(chain).includes('[too deep]')).toBe(true);
    expect(cut(chain)).not.toMatch(PLANTED);
    expect(cut(wide).includes('more keys left out')).toBe(true);
    expect(cut(cyclic)).toBe('{"name":"loop","self":"[circular]"}');
    const out = cut({ chain, wide, cyclic });
    expect(out.length).toBeLessThan(100_000);
  });

  it('writes one JSON object per line with a label level, and child loggers carry cluster, requestId and jobId', () => {
    const { lines, stream } = capture();
    const log = withContext(createLogger('info', stream), {
      cluster: 'prod',
      requestId: 'r-1',
      jobId: 'j-1',
    });
    log.debug('hidden');
    log.info({ event: 'x' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      cluster: 'prod',
      requestId: 'r-1',
      jobId: 'j-1',
      event: 'x',
      msg: 'shown',
    });
  });
});
