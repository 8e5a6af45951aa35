/**
 * `npm run demo`: builds a throwaway 6-node Redis Cluster on loopback (3 masters, 3 replicas), breaks it
 * the way production breaks (a master dies while its only replica is a backup copy configured never to
 * fail over by itself, so the cluster stays down), diagnoses it live step by step, then plans the fix,
 * shows it, applies it as `apply --yes` would, and shows the cluster healthy with every key readable.
 * Every process and temp dir is removed at the end, on error, and on Ctrl-C. Needs only Node and redis-server.
 */
import { executePlan, planAction } from '../actions/service.ts';
import { eventText, planMessage, resultMessage } from '../bot/render/plan.ts';
import { renderText } from '../bot/shell/render.ts';
import { renderStepText } from '../cli/step-text.ts';
import type { ClusterConfig } from '../config/schema.ts';
import { backupReplicaLayout, conditions, type DevCluster, startCluster } from '../devcluster/index.ts';
import { isLoopbackHost } from '../diagnose/probe/nat.ts';
import type { RecommendedAction } from '../diagnose/types.ts';
import { runLive } from '../runbooks/run.ts';
import { colorOn, heading, paint, pause, say, shell } from './narrate.ts';
import { demoCluster, demoCommand, fixCommands } from './target.ts';

const NODE_TIMEOUT_MS = 1000;
const KEYS = Array.from({ length: 30 }, (_, i) => `order:{b}${i}`);

async function build(): Promise<DevCluster> {
  heading('1. A healthy cluster');
  say('Starting 6 redis-server processes on a random 127.x.y.z block (3 masters, each with one replica)…');
  const started = Date.now();
  const c = await startCluster({
    label: 'redis-runbook-demo',
    nodeTimeoutMs: NODE_TIMEOUT_MS,
    nodes: backupReplicaLayout(),
  });
  for (const n of c.nodes) {
    const of = n.builtRole === 'replica' ? `replica of ${c.node(n.index - 3).address}` : 'master';
    const note = n.index === 3 ? '  (backup copy: cluster-replica-no-failover yes)' : '';
    say(`   ${n.address}  ${of}${note}`);
  }
  // "{b}" hashes to slot 3300, which the first master owns.
  for (const [i, k] of KEYS.entries()) await c.call(c.node(0), ['SET', k, `${i}`]);
  await c.waitFor(
    async () =>
      (await c.info(c.node(3)))['slave_repl_offset'] === (await c.info(c.node(0)))['master_repl_offset'],
    {
      what: 'the replica to catch up',
      timeoutMs: 10_000,
    },
  );
  say(`Cluster is up: cluster_state:ok, all 16384 slots served (${Date.now() - started} ms).`);
  say(
    `30 keys order:{b}0..29 live in slot 3300 on ${c.node(0).address}, copied to its replica ${c.node(3).address}.`,
  );
  return c;
}

async function breakIt(c: DevCluster): Promise<void> {
  const master = c.node(0);
  heading('2. The incident');
  say(`The host of master ${master.address} dies for good (think: a dead disk). Its only replica`);
  say(`${c.node(3).address} is a backup copy set never to fail over by itself, so nothing takes over:`);
  c.phase = 'break';
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

/** Named by its seed's host:port, so every command printed below works as printed (see target.ts). */
function registry(c: DevCluster): ClusterConfig {
  return demoCluster(c.node(1).address);
}

const probe = { allowHost: isLoopbackHost };

async function diagnoseIt(c: DevCluster): Promise<RecommendedAction> {
  heading(`3. The on-call engineer runs: ${demoCommand(c.node(1).address)}`);
  const started = Date.now();
  const { diagnosis } = await runLive(registry(c), {
    runbook: 'clusterdown',
    probe,
    onSelected: (_name, snapshot) => {
      const seen = snapshot.observations.filter((o) => o.nodes && !o.error).length;
      say(`Probed ${snapshot.observations.length} nodes in ${Date.now() - started} ms (${seen} answered).\n`);
    },
    onStep: async (step, i, total) => {
      say(renderStepText(step, i, total, colorOn()));
      say('');
      await pause(200);
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
  const fix = diagnosis.rootCauses.flatMap((r) => r.actions).find((a) => a.action.startsWith('failover'));
  if (!fix?.params) throw new Error('the diagnosis recommended no failover to plan');
  say(
    `\nThe host of ${c.node(0).address} is gone, so restarting it is not an option: the engineer plans action "${fix.action}".`,
  );
  return fix;
}

async function fixIt(c: DevCluster, fix: RecommendedAction): Promise<void> {
  const commands = fixCommands(c.node(1).address, fix);
  heading(`5. ${commands.plan}`);
  const planned = await planAction(registry(c), fix.action, fix.params ?? {}, { probe });
  if ('refusal' in planned) throw new Error(`the plan was refused: ${planned.refusal.reasons.join('; ')}`);
  for (const line of renderText(planMessage(planned.plan))) say(line);
  heading(`6. ${commands.apply}`);
  say(
    '(At a terminal, apply shows the plan and waits for you to type "yes"; --yes is for scripts. Chat cannot apply fixes yet.)',
  );
  const plan = planned.plan;
  const result = await executePlan(registry(c), plan, { probe, listener: (e) => say(eventText(e, plan)) });
  say('');
  for (const line of renderText(resultMessage(result, plan))) say(line);
  if (result.outcome !== 'succeeded') throw new Error(`the fix did not succeed: ${result.message}`);
}

async function showHealthy(c: DevCluster): Promise<void> {
  heading('7. After the fix');
  const promoted = c.node(3);
  const survivor = c.node(1);
  let read = 0;
  for (const [i, k] of KEYS.entries()) if ((await c.call(promoted, ['GET', k])) === `${i}`) read++;
  const state = (await c.clusterInfo(survivor))['cluster_state'];
  shell(`redis-cli -h ${survivor.host} -p ${survivor.port} CLUSTER INFO | grep cluster_state`);
  say(`   cluster_state:${state}`);
  shell(`redis-cli -c -h ${survivor.host} -p ${survivor.port} GET 'order:{b}1'`);
  say(`   "${String(await c.call(promoted, ['GET', 'order:{b}1']))}"`);
  say(
    `${read} of ${KEYS.length} keys written before the crash read back from ${promoted.address}, now their master.`,
  );
  if (state !== 'ok' || read !== KEYS.length) throw new Error('the cluster is not healthy after the fix');
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
    const fix = await diagnoseIt(c);
    await fixIt(c, fix);
    await showHealthy(c);
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
