import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processGone, trackedPids } from '../src/devcluster/cleanup.ts';
import {
  cleanupNow,
  conditions,
  type DevCluster,
  evenSlots,
  keySlot,
  keysInRanges,
  parseNodes,
  sleep,
  startCluster,
} from '../src/devcluster/index.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('devcluster harness (real redis-server)', () => {
  let c: DevCluster;

  beforeAll(async () => {
    c = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'devcluster-test' });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('builds a 3-master cluster on its own loopback block with every slot assigned', async () => {
    expect(c.prefix).toMatch(/^127\.\d+\.\d+$/);
    expect(c.prefix).not.toBe('127.0.0');
    const info = await c.clusterInfo(c.node(0));
    expect(info['cluster_state']).toBe('ok');
    expect(info['cluster_slots_assigned']).toBe('16384');
    const rows = parseNodes(await c.cli(c.node(1), 'CLUSTER', 'NODES'));
    expect(rows.map((r) => `${r.host}:${r.port}`).sort()).toEqual(c.nodes.map((n) => n.address).sort());
    expect(c.nodes.every((n) => /^[0-9a-f]{40}$/.test(n.id) && n.pid > 0)).toBe(true);
  });

  it('kills a master and the others flag it fail; cluster_state turns fail', async () => {
    const victim = c.node(0);
    await c.kill(victim);
    expect(victim.state).toBe('dead');
    expect(alive(victim.pid)).toBe(false);
    await c.waitFor(() => conditions.flaggedByAll(c, victim, 'fail'), {
      what: 'fail flag',
      timeoutMs: 15_000,
    });
    await c.waitFor(() => conditions.allState(c, 'fail'), { what: 'cluster_state:fail', timeoutMs: 10_000 });
    expect(c.actions.some((a) => a.command === `kill -9 ${victim.pid}`)).toBe(true);
  });

  it('freezes and thaws a node: a frozen node times out, a thawed one answers', async () => {
    const n = c.node(1);
    await c.freeze(n);
    await expect(c.call(n, ['PING'], 300)).rejects.toMatchObject({ code: 'DEVCLUSTER_COMMAND' });
    await c.thaw(n);
    expect(await c.cli(n, 'PING')).toBe('PONG');
  });

  it('restarts a node on a new address keeping nodes.conf (same id), or without it (new id)', async () => {
    const n = c.node(2);
    const oldId = n.id;
    const host = await c.freshHost(n.port);
    await c.restart(n, { host });
    expect(n.address).toBe(`${host}:7000`);
    expect(n.id).toBe(oldId);
    const me = parseNodes(await c.cli(n, 'CLUSTER', 'NODES')).find((r) => r.flags.includes('myself'));
    expect(me?.host).toBe(host);
    await c.restart(n, { keepConfig: false });
    expect(n.id).not.toBe(oldId);
    expect((await c.clusterInfo(n))['cluster_known_nodes']).toBe('1');
  });

  it('computes hash slots like Redis', async () => {
    for (const key of ['foo', 'user:{42}:name', 'a{}b']) {
      expect(keySlot(key)).toBe(Number(await c.cli(c.node(1), 'CLUSTER', 'KEYSLOT', key)));
    }
  });

  it('waitFor fails with a coded, named timeout', async () => {
    await expect(c.waitFor(() => false, { what: 'never', timeoutMs: 200 })).rejects.toMatchObject({
      code: 'DEVCLUSTER_TIMEOUT',
      message: expect.stringContaining('never'),
    });
  });

  it('stop() kills every PID it started and removes its temp dir', async () => {
    const pids = c.nodes.map((n) => n.pid);
    await c.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(c.root)).toBe(false);
  });
});

describe('cleanupNow (the Ctrl-C / crash safety net)', () => {
  it('kills every tracked PID, waits until they have exited, then removes the temp dir', async () => {
    const d = await startCluster({
      masters: 3,
      nodeTimeoutMs: 1000,
      label: 'cleanup-test',
      // Keep the nodes writing into their dirs while we kill them.
      config: [
        ['appendonly', 'yes'],
        ['appendfsync', 'always'],
      ],
    });
    const pids = d.nodes.map((n) => n.pid);
    expect(trackedPids()).toEqual(expect.arrayContaining(pids));
    const ranges = evenSlots(3);
    for (let m = 0; m < 3; m++) {
      for (const key of keysInRanges(`k${m}`, ranges[m]!, 15))
        await d.cli(d.node(m), 'SET', key, 'x'.repeat(1000));
    }
    // A BGSAVE fork child writing temp-<pid>.rdb into the dir, and a stopped process (SIGCONT first).
    await d.cli(d.node(1), 'BGSAVE');
    await d.freeze(d.node(0));
    expect(pids.filter(processGone)).toEqual([]);
    expect(cleanupNow()).toEqual([]);
    // Returned synchronously: every process has already exited and the dir is gone.
    expect(pids.filter((p) => !processGone(p))).toEqual([]);
    expect(existsSync(d.root)).toBe(false);
    expect(trackedPids()).toEqual([]);
  });

  it('Ctrl-C (SIGINT to the whole process group) kills the nodes and removes the dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleanup-ctrlc-'));
    const script = join(dir, 'child.mjs');
    const entry = join(process.cwd(), 'src/devcluster/index.ts');
    writeFileSync(
      script,
      `const { startCluster } = await import(${JSON.stringify(entry)});\n` +
        "const c = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'cleanup-ctrlc', config: [['appendonly', 'yes'], ['appendfsync', 'always']] });\n" +
        'process.stdout.write(JSON.stringify({ root: c.root, pids: c.nodes.map((n) => n.pid) }) + "\\n");\n' +
        'setInterval(() => {}, 1000);\n',
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
      });
      for (let i = 0; i < 300 && !out.includes('\n'); i++) await sleep(50);
      const info = JSON.parse(out) as { root: string; pids: number[] };
      expect(existsSync(info.root)).toBe(true);
      process.kill(-child.pid!, 'SIGINT'); // what a terminal does on Ctrl-C: the child and its redis-servers
      await Promise.race([exited, sleep(10_000)]);
      expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
      expect(info.pids.filter((p) => !processGone(p))).toEqual([]);
      expect(existsSync(info.root)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
