/** The probe's pure helpers and its TCP check (against sockets this test opens on loopback). */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { classifyError, connectSettings, scrub } from '../../src/diagnose/probe/connect.ts';
import { isLoopbackHost, joinAddress, natTarget, splitAddress } from '../../src/diagnose/probe/nat.ts';
import { checkTcpPort } from '../../src/diagnose/probe/tcp.ts';
import { diagnosePasteText } from '../../src/runbooks/service.ts';
import { real } from '../paste-fixtures.ts';

describe('classifyError', () => {
  it.each([
    ['Connection is closed. WRONGPASS invalid username-password pair or user is disabled.', 'auth'],
    ['NOAUTH Authentication required.', 'auth'],
    ["NOPERM this user has no permissions to run the 'cluster|nodes' command", 'auth'],
    ['LOADING Redis is loading the dataset in memory', 'loading'],
    ['ERR This instance has cluster support disabled', 'not-cluster'],
    ['connect ECONNREFUSED 127.0.0.77:7703', 'refused'],
    ['Command timed out', 'timeout'],
    ['connect ETIMEDOUT', 'timeout'],
    ['127.0.0.1:7000: no answer within the 2500 ms deadline', 'timeout'],
    ['getaddrinfo ENOTFOUND redis-x.internal', 'error'],
  ])('%s -> %s', (message, kind) => {
    expect(classifyError(message)).toBe(kind);
  });
});

describe('addresses and NAT', () => {
  it('splits and joins host:port, IPv6 included', () => {
    expect(splitAddress('10.0.0.1:6379')).toEqual({ host: '10.0.0.1', port: 6379 });
    expect(splitAddress('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(splitAddress('nohost')).toBeNull();
    expect(splitAddress('h:70000')).toBeNull();
    expect(joinAddress('::1', 7000)).toBe('[::1]:7000');
  });
  it('maps announced addresses through the NAT map, else keeps them', () => {
    const nat = { '172.20.0.2:7000': 'redis.internal:7000' };
    expect(natTarget('172.20.0.2:7000', nat)).toBe('redis.internal:7000');
    expect(natTarget('172.20.0.3:7000', nat)).toBe('172.20.0.3:7000');
    expect(natTarget('172.20.0.3:7000', undefined)).toBe('172.20.0.3:7000');
  });
  it('recognises loopback hosts only', () => {
    expect(isLoopbackHost('127.31.0.4')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false);
  });
  it('scrubs a password out of any message', () => {
    expect(scrub('AUTH s3cr3t failed for s3cr3t', 's3cr3t')).toBe('AUTH *** failed for ***');
  });
  it('reports an unreadable TLS CA file as a coded config error', () => {
    const cfg = parseConfig({
      clusters: [{ name: 'x', seeds: ['127.0.0.1:7000'], tls: { ca: '/no/such/ca.pem' } }],
    });
    expect(() => connectSettings(cfg.clusters[0]!)).toThrow(
      expect.objectContaining({ code: 'CONFIG_UNREADABLE' }),
    );
  });
});

describe('checkTcpPort', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('says open for a listening port and closed (with why) for a port nobody listens on', async () => {
    expect(await checkTcpPort('127.0.0.1', port, 1000)).toEqual({ open: true });
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    expect(await checkTcpPort('127.0.0.1', closedPort, 1000)).toEqual({ open: false, error: 'ECONNREFUSED' });
  });
});

describe('diagnosePasteText', () => {
  it('attaches the fitting runbook steps to a paste diagnosis', () => {
    const d = diagnosePasteText(real('migrating-nodes-n1.txt'));
    expect(d.source).toBe('paste');
    expect(d.steps?.map((s) => s.id)).toEqual(['open-slots', 'keys', 'plan', 'root-cause']);
    expect(d.steps?.find((s) => s.id === 'keys')?.skippedReason).toBe('a paste has no key counts');
  });
  it('never throws on garbage', () => {
    expect(() => diagnosePasteText('\u0000\u0001 hello')).not.toThrow();
  });
});
