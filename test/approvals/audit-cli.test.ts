/**
 * `redis-runbook audit verify` and `audit export` as child processes against a real queue Redis holding
 * a real chain (written by the request store): ok on the untouched chain; an edited, a deleted and a
 * reordered entry are each caught, naming the first broken link, with exit code 1; entries cut from the
 * end are caught by the head; JSONL has one event per line with event and requestId; markdown is a
 * timeline grouped by request. The chain pieces (canonical JSON, hashing) are checked directly too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChainVerifier, canonicalJson, GENESIS } from '../../src/approvals/audit/chain.ts';
import { handlerConnection, whenReady } from '../../src/approvals/queue.ts';
import { createRequestStore } from '../../src/approvals/requests.ts';
import { auditExport, auditVerify } from '../../src/cli/audit.ts';
import type { AuditCommandOptions } from '../../src/cli/audit-cmd.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ACCESS, testPlan } from './helpers/plans.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const keys = testKeys('audit-cli');
const prefix = keys.tag.slice(1, -1);
let q: QueueRedis;
let dir: string;
let pristine: [string, string[]][] = [];

/** Runs `audit <command>` in this process with its output captured (one test spawns the real CLI). */
async function cli(command: 'verify' | 'export', opts: AuditCommandOptions = {}) {
  let out = '';
  let err = '';
  const io = { out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } };
  const env = { ...process.env, REDIS_URL: q.url };
  const args = { ...opts, config: join(dir, 'r.yml') };
  const code = command === 'verify' ? await auditVerify(args, env, io) : await auditExport(args, env, io);
  return { code, out, err };
}

/** Rewrites the stream with `rows` under fresh ascending ids (how someone with write access would). */
async function rewrite(rows: [string, string[]][]) {
  await q.admin.del(keys.audit);
  let ms = Date.now() - 60_000;
  for (const [, fields] of rows) await q.admin.xadd(keys.audit, `${ms++}-0`, ...fields);
}

beforeAll(async () => {
  q = await startQueueRedis({ label: 'audit-cli' });
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  writeFileSync(join(dir, 'r.yml'), `approvals:\n  prefix: ${prefix}\n`);
  const redis = handlerConnection(q.url);
  await whenReady(redis);
  const store = createRequestStore({ redis, keys });
  const access = parseConfig({ access: ACCESS }).access;
  for (const cluster of ['prod', 'dev']) {
    const req = await store.create({
      plan: testPlan(cluster, { steps: 2 }),
      requestedBy: 'UALICE',
      channel: 'COPS',
      thread: '1.1',
      ttlMs: 60_000,
      approvalsNeeded: 1,
      selfApproval: false,
      diagnosis: { state: 'fail', rootCauses: ['master-failed-no-replica'] },
    });
    await store.decide(req.id, {
      user: 'UDAVE',
      channel: 'COPS',
      choice: 'approve',
      access,
      known: ['prod', 'dev'],
    });
    await store.decide(req.id, {
      user: 'UBOB',
      channel: 'COPS',
      choice: 'approve',
      access,
      known: ['prod', 'dev'],
    });
  }
  redis.disconnect();
  pristine = await q.admin.xrange(keys.audit, '-', '+');
});
afterAll(async () => {
  await q?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await rewrite(pristine);
});

describe('audit verify', () => {
  it('passes the untouched chain (the real CLI, as a child process)', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', '--config', join(dir, 'r.yml')],
      {
        env: { ...process.env, REDIS_URL: q.url, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^audit chain ok: 6 entries verified/);
  });

  it('catches an edited entry, naming it', async () => {
    const rows = structuredClone(pristine);
    const fields = rows[1]?.[1] as string[];
    const at = fields.indexOf('entry') + 1;
    fields[at] = (fields[at] as string).replace('"actor":"UDAVE"', '"actor":"UBOB"');
    await rewrite(rows);
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('BROKEN at entry 2');
    expect(r.out).toContain('edited');
  });

  it('catches a deleted entry', async () => {
    const [, second] = await q.admin.xrange(keys.audit, '-', '+');
    await q.admin.xdel(keys.audit, second?.[0] as string);
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('BROKEN at entry 2');
    expect(r.out).toContain('expected seq 2, found seq 3');
  });

  it('catches reordered entries', async () => {
    const rows = structuredClone(pristine);
    [rows[3], rows[4]] = [rows[4] as [string, string[]], rows[3] as [string, string[]]];
    await rewrite(rows);
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('BROKEN at entry 4');
    expect(r.out).toContain('reordered');
  });

  it('catches entries cut from the end through the recorded head', async () => {
    await rewrite(pristine.slice(0, 4));
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.out).toContain('the head records 6 entries but the stream holds 4');
  });

  it('says clearly when the queue Redis does not answer', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', '--config', join(dir, 'r.yml')],
      {
        env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('does not answer');
    expect(res.stderr).not.toContain('    at ');
  });
});

describe('audit export', () => {
  it('writes JSONL, one event per line with event and requestId, filtered by cluster', async () => {
    const r = await cli('export', { cluster: 'prod', since: '1h' });
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.event)).toEqual(['requested', 'refused', 'approved']);
    expect(
      lines.every(
        (l) => typeof l.requestId === 'string' && l.cluster === 'prod' && typeof l.hash === 'string',
      ),
    ).toBe(true);
  });

  it('writes a markdown timeline grouped by request, with the commands and the verification', async () => {
    const r = await cli('export', { format: 'markdown' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Incident timeline \(all clusters, all time\)/);
    expect(r.out).toContain('The hash chain of the whole log verifies (6 entries).');
    expect(r.out.match(/^## fx-[a-z0-9]{8}: failover on (prod|dev)$/gm)).toHaveLength(2);
    expect(r.out).toContain('requested by UALICE (diagnosis then: fail, master-failed-no-replica)');
    expect(r.out).toContain('refused by UDAVE');
    expect(r.out).toContain('approved by UBOB');
    expect(r.out).toContain('CLUSTER FAILOVER');
  });

  it('refuses a bad format or duration with exit 2', async () => {
    expect((await cli('export', { format: 'xml' })).code).toBe(2);
    expect((await cli('export', { since: 'yesterday' })).code).toBe(2);
  });
});

describe('the chain itself', () => {
  it('spells canonical JSON one way: sorted keys, no spaces, nulls kept, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [2, undefined] }, e: undefined })).toBe(
      '{"a":{"c":[2,null],"d":null},"b":1}',
    );
  });

  it('rejects a first entry hashed on anything but the genesis hash', () => {
    const v = new ChainVerifier();
    v.push('1-0', canonicalJson({ seq: 1 }), GENESIS.replace(/^0/, '1'));
    expect(v.finish(null).broken?.reason).toContain('hash does not match');
  });
});
