/**
 * `npm run demo`: builds a throwaway 6-node Redis Cluster on loopback (3 masters, 3 replicas), breaks it
 * the way production breaks — a replica dies unnoticed, then its master dies too — and runs the
 * clusterdown runbook live against it, step by step, ending in the root cause and the fix. Every process
 * and temp dir is removed at the end, on error, and on Ctrl-C. Needs only Node and redis-server.
 */
import { renderStepText } from '../cli/step-text.ts';
import { conditions, type DevCluster, startCluster } from '../devcluster/index.ts';
import { isLoopbackHost } from '../diagnose/probe/nat.ts';
import { runLive } from '../runbooks/run.ts';
import { colorOn, heading, paint, pause, say, shell } from './narrate.ts';
import { demoCluster, demoCommand } from './target.ts';

const NODE_TIMEOUT_MS = 1000;

async function build(): Promise<DevCluster> {
  heading('1. A healthy cluster');
  say('Starting 6 redis-server processes on a random 127.x.y.z block (3 masters, each with one replica)…');
  const started = Date.now();
  const c = await startCluster({
    label: 'redis-runbook-demo',
    nodeTimeoutMs: NODE_TIMEOUT_MS,
    nodes: [
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'replica', of: 0 },
      { role: 'replica', of: 1 },
      { role: 'replica', of: 2 },
    ],
  });
  for (const n of c.nodes) {
    const of = n.builtRole === 'replica' ? `replica of ${c.node(n.index - 3).address}` : 'master';
    say(`   ${n.address}  ${of}`);
  }
  // "{b}" hashes to slot 3300, which the first master owns.
  for (let i = 0; i < 30; i++) await c.call(c.node(0), ['SET', `order:{b}${i}`, `${i}`]);
  say(`Cluster is up: cluster_state:ok, all 16384 slots served (${Date.now() - started} ms).`);
  say(`30 keys order:{b}0..29 live in slot 3300 on ${c.node(0).address}.`);
  return c;
}

async function breakIt(c: DevCluster): Promise<void> {
  const master = c.node(0);
  const replica = c.node(3);
  heading('2. The incident');
  say(`Weeks ago the host of replica ${replica.address} died and nobody noticed. Tonight its master`);
  say(`${master.address} is killed too (think: OOM killer). Both processes get SIGKILL:`);
  c.phase = 'break';
  await c.kill(replica);
  await c.kill(master);
  for (const a of c.actions.filter((x) => x.phase === 'break')) shell(a.command, a.note);
  say(
    `Waiting for the other masters to agree that ${master.address} has failed (node timeout ${NODE_TIMEOUT_MS} ms)…`,
  );
  await c.waitFor(() => conditions.flaggedByAll(c, master, 'fail'), { what: 'FAIL flag', timeoutMs: 20_000 });
  await c.waitFor(() => conditions.allState(c, 'fail'), { what: 'cluster_state:fail', timeoutMs: 20_000 });
  const survivor = c.node(1);
  const reply = await c.call(survivor, ['GET', 'order:{b}1']).catch((e: Error) => e.message);
  say('A client now sees:');
  shell(`redis-cli -h ${survivor.host} -p ${survivor.port} GET 'order:{b}1'`);
  say(`   ${paint('31', String(reply).replace(/^.*?(CLUSTERDOWN)/, '(error) $1'))}`);
}

async function diagnoseIt(c: DevCluster): Promise<void> {
  heading(`3. The on-call engineer runs: ${demoCommand(c.node(1).address)}`);
  const started = Date.now();
  const { diagnosis } = await runLive(demoCluster(c.node(1).address), {
    runbook: 'clusterdown',
    probe: { allowHost: isLoopbackHost },
    onSelected: (_name, snapshot) => {
      const seen = snapshot.observations.filter((o) => o.nodes && !o.error).length;
      say(`Probed ${snapshot.observations.length} nodes in ${Date.now() - started} ms (${seen} answered).\n`);
    },
    onStep: async (step, i, total) => {
      say(renderStepText(step, i, total, colorOn()));
      say('');
      await pause(250);
    },
  });
  heading('4. Verdict');
  for (const cause of diagnosis.rootCauses) {
    say(paint('1', `Root cause: ${cause.summary}`));
    cause.actions.forEach((a, i) => {
      say(`  ${i + 1}. ${paint('1', a.action)} — ${a.target}`);
      say(`     ${a.why}`);
    });
  }
  say(
    '\nredis-runbook only diagnoses and recommends: it ran none of these, and changed nothing in the cluster.',
  );
}

let current: DevCluster | undefined;

/** Ctrl-C: wait for every node to exit, then remove the temp dir (the harness's own net runs too). */
function onInterrupt(): void {
  process.stdout.write('\nInterrupted: stopping the demo cluster…\n');
  const done = () => process.exit(130);
  if (current) current.stop().then(done, done);
  else done();
}

async function main(): Promise<number> {
  const t0 = Date.now();
  let c: DevCluster | undefined;
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    c = await build();
    current = c;
    await breakIt(c);
    await diagnoseIt(c);
    return 0;
  } catch (err) {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    if (c) {
      await c.stop();
      heading('Cleanup');
      say(
        `Stopped every redis-server the demo started and removed ${c.root}. Total ${((Date.now() - t0) / 1000).toFixed(1)} s.`,
      );
    }
  }
}

process.exitCode = await main();
