/** Steps several runbooks end or share: reachability of every node, what to grep for, the conclusion. */
import { isDown } from '../diagnose/context.ts';
import {
  BUS_CHECK_ALTERNATIVES,
  busPortCheck,
  cap,
  cli,
  defineStep,
  healthText,
  isHostPort,
  list,
  nodeName,
  ok,
  plural,
  probeErrorText,
  problem,
  problemIf,
  skipped,
} from './common.ts';
import type { RunbookContext } from './types.ts';

/** Per node: does the data port answer, does the bus port accept TCP. Live snapshots only. */
export const reachabilityStep = defineStep(
  'reachability',
  'Check every node: data port and cluster bus port',
  (ctx, self) => {
    const probed = ctx.snapshot.observations.filter((o) => o.source === 'live');
    const first = probed.find((o) => o.error || o.busPort?.open === false) ?? probed[0];
    const at = first ? (first.contactedAddress ?? first.address) : '';
    const host = at.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    const bus = first?.busPort?.port ?? Number(at.split(':').at(-1) ?? 0) + 10000;
    const command = first
      ? `${cli(ctx, at, 'ping')}; ${busPortCheck(host, bus)}`
      : 'redis-cli -h <host> -p <port> ping';
    if (ctx.snapshot.source !== 'live' || probed.length === 0) {
      return skipped(
        self,
        {
          command,
          evidence: [],
          meaning: `Reachability can only be tested live; run the command against each node. ${BUS_CHECK_ALTERNATIVES}`,
        },
        'a paste carries no live reachability',
      );
    }
    const bad: string[] = [];
    let healthy = 0;
    for (const o of probed) {
      const busText = o.busPort
        ? `bus port ${o.busPort.port} ${o.busPort.open ? 'open' : `closed (${o.busPort.error ?? 'no answer'})`}`
        : 'bus port not checked';
      if (!o.error && o.busPort?.open !== false) {
        healthy++;
        continue;
      }
      const data = o.error
        ? `data port: ${probeErrorText(o.error.kind)}`
        : `data port answered in ${o.elapsedMs ?? '?'} ms`;
      bad.push(`${o.address}: ${data}; ${busText}${verdictOf(o.error?.kind, o.busPort?.open)}`);
    }
    const evidence = cap([
      ...bad,
      `${plural(healthy, 'node')} answered on the data port with the bus port open.`,
    ]);
    const unprobed = ctx.model.nodes.filter((n) => !n.observation && !n.flags.includes('noaddr')).length;
    if (unprobed > 0) evidence.push(`${plural(unprobed, 'node')} known from the views were not probed.`);
    if (bad.length === 0) {
      return ok(self, {
        command,
        evidence,
        meaning: 'Every probed node answers and accepts cluster-bus connections.',
      });
    }
    return problem(self, {
      command,
      evidence,
      meaning:
        'A refused data port with a closed bus port means the process is gone; a timeout with an open bus port ' +
        'means it is alive but not answering (stopped, swapping, stuck in a long command); an open data port ' +
        `with a closed bus port means a firewall or cluster-port mismatch cuts it off from its peers. ${BUS_CHECK_ALTERNATIVES}`,
    });
  },
);

function verdictOf(kind: string | undefined, busOpen: boolean | undefined): string {
  if (kind === 'refused' && busOpen === false) return ' → the redis-server process is not running';
  if (kind === 'timeout' && busOpen) return ' → the process holds its sockets but does not answer (frozen?)';
  if (!kind && busOpen === false) return ' → peers cannot reach its cluster bus';
  return '';
}

const LOG_PATTERN =
  "'Cluster state changed|FAIL message received|Marking node|Failover election|Failover auth|" +
  "Currently unable to failover|Manual failover|Connection with master lost|MASTER <-> REPLICA sync|configEpoch'";

/** What to grep for in the node logs, and on which hosts; the bot cannot read them itself. */
export const logsStep = defineStep('logs', 'Read the node logs around the incident', (ctx, self) => {
  const down = ctx.model.nodes.filter(isDown);
  const replicasOfDown = ctx.model.nodes.filter(
    (n) => !isDown(n) && n.masterId && down.some((d) => d.id === n.masterId),
  );
  const alive = ctx.model.nodes.find((n) => !isDown(n) && n.role === 'master');
  const evidence: string[] = [];
  for (const n of down.slice(0, 6)) {
    evidence.push(
      `On ${n.host || n.label} (${nodeName(n)}, ${healthText(n)}): why it stopped — the end of its log, ` +
        "`dmesg -T | grep -iE 'out of memory|killed process'` for the OOM killer, and `systemctl status redis*`.",
    );
  }
  for (const r of replicasOfDown.slice(0, 6)) {
    evidence.push(
      `On ${r.host || r.label} (${nodeName(r)}): why it did or did not take over — "Failover election", ` +
        '"Currently unable to failover" (and its reason), "Connection with master lost".',
    );
  }
  if (alive) {
    evidence.push(
      `On ${alive.host || alive.label} (a healthy master): when the cluster noticed — "Marking node … as failing", ` +
        '"FAIL message received from", "Cluster state changed: fail".',
    );
  }
  if (evidence.length === 0)
    evidence.push('No failed node: look for "Cluster state changed" on any node if clients saw errors.');
  evidence.push(
    "Under systemd the log may be in the journal: journalctl -u 'redis*' --since -2h | grep -E '<same pattern>'",
  );
  return skipped(
    self,
    {
      command: `grep -E ${LOG_PATTERN} /var/log/redis/redis-server*.log`,
      evidence: cap(evidence),
      meaning:
        '"Cluster state changed: fail" dates the outage; "FAIL message received" names who declared which node ' +
        'failed; "Currently unable to failover" explains a replica that did not step up (no vote majority, data ' +
        'too old for cluster-replica-validity-factor, or a manual-failover setting).',
    },
    'redis-runbook cannot read host logs: run this on the hosts listed',
  );
});

/**
 * The CLI command that reproduces this diagnosis: live, the cluster (an ad-hoc "host:port" with its user
 * and password variable); pasted, the offline `--file` form.
 */
export function rerunCommand(ctx: RunbookContext): string {
  if (ctx.snapshot.source !== 'live') return 'redis-runbook diagnose --file <file>';
  const target = ctx.snapshot.cluster ?? '<cluster>';
  const flags =
    isHostPort(target) && ctx.auth
      ? `${ctx.auth.username ? ` --user ${ctx.auth.username}` : ''}${ctx.auth.passwordEnv ? ` --password-env ${ctx.auth.passwordEnv}` : ''}`
      : '';
  return `redis-runbook diagnose ${target}${flags}`;
}

/** The conclusion: root cause(s) and recommended actions from the diagnosis. */
export const rootCauseStep = defineStep('root-cause', 'Root cause and recommended actions', (ctx, self) => {
  const causes = ctx.diagnosis.rootCauses;
  const command = rerunCommand(ctx);
  const evidence: string[] = [];
  for (const c of causes) {
    evidence.push(`Root cause [${c.code}]: ${c.summary}`);
    for (const a of c.actions) evidence.push(`  → ${a.action} on ${a.target}: ${a.why}`);
  }
  if (causes.length === 0) evidence.push('No root cause could be determined from what was visible.');
  evidence.push(`Visibility: ${ctx.diagnosis.visibility.summary}`);
  const meaning = causes.map((c) => c.explanation).join(' ') || 'Nothing conclusive: see the findings above.';
  const healthy = causes.length > 0 && causes.every((c) => c.code === 'healthy');
  const body = {
    command,
    evidence,
    meaning: causes.length > 1 ? `${meaning} (${list(causes.map((c) => c.code))})` : meaning,
  };
  return problemIf(!healthy, self, body);
});
