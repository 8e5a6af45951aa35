/**
 * The body of `plan` and `apply`: resolve the cluster, probe it and plan (printing the plan or the
 * refusal), then for `apply` confirm (--yes, or "yes" typed at a terminal; never without either), run
 * it with progress printed as events arrive, and print how it ended. Exit codes in exit-codes.ts.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { actionModule, listActions } from '../actions/registry.ts';
import { executePlan, planAction } from '../actions/service.ts';
import type { ExecutionEvent, Plan } from '../actions/types.ts';
import type { BreakGlassRecord } from '../approvals/break-glass.ts';
import { eventText, planMessage, refusalMessage, resultMessage } from '../bot/render/plan.ts';
import { renderText } from '../bot/shell/render.ts';
import { parseRanges } from '../cluster/slots.ts';
import { isConfigError } from '../config/errors.ts';
import { registeredSettings } from '../config/registered.ts';
import { resolveTarget } from '../config/target.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import type { ActionParams, DangerousOption } from '../diagnose/types.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE } from './exit-codes.ts';

/**
 * Opens the break-glass audit record when REDIS_URL names a queue Redis (only then: a laptop without one
 * never reaches for a default server); says on stderr whether this run is in the audit log.
 */
async function breakGlass(
  io: PlanIo,
  plan: Plan,
  prefix: string,
  reason: string,
): Promise<BreakGlassRecord | null> {
  const url = (io.env ?? process.env).REDIS_URL?.trim();
  if (!url) {
    io.err('REDIS_URL is not set: this run without approval is not in the audit log.');
    return null;
  }
  const { openBreakGlass } = await import('../approvals/break-glass.ts');
  const record = await openBreakGlass({ url, prefix, plan, actor: osUser(), reason });
  if (typeof record === 'string') {
    io.err(`Not in the audit log: ${record}. Running anyway (break glass).`);
    return null;
  }
  io.err(`Recorded in the audit log as break-glass ${record.id} by ${osUser()}.`);
  return record;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Options of `plan` and `apply`, as commander parses them. */
export interface PlanCommandOptions {
  node?: string;
  master?: string;
  from?: string;
  to?: string;
  slots?: string;
  slotRanges?: string;
  weight?: string[];
  threshold?: string;
  useEmptyMasters?: boolean;
  json?: boolean;
  yes?: boolean;
  config?: string;
  user?: string;
  passwordEnv?: string;
  discardDeadOwnerData?: boolean;
  replaceExistingKeys?: boolean;
  allowNoReplica?: boolean;
  ignoreMemoryHeadroom?: boolean;
  /** apply: why this runs without an approval (required; it goes in the audit log). */
  reason?: string;
}

/** Where the command reads and writes (tests pass their own). */
export interface PlanIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person can be asked at a terminal. */
  isTTY: boolean;
  ask(question: string): Promise<string>;
  probe?: ProbeOptions;
  env?: NodeJS.ProcessEnv;
}

function terminalIo(): PlanIo {
  return {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    isTTY: process.stdin.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** The structured params the flags give, or a usage error. */
export function paramsOf(opts: PlanCommandOptions): ActionParams | { error: string } {
  const p: ActionParams = {};
  if (opts.node) p.node = opts.node;
  if (opts.master) p.master = opts.master;
  if (opts.from) p.from = opts.from;
  if (opts.to) p.to = opts.to;
  if (opts.slots !== undefined) {
    const n = Number(opts.slots);
    if (!Number.isInteger(n) || n < 1 || n > 16384)
      return { error: `--slots must be 1-16384, not "${opts.slots}"` };
    p.slots = n;
  }
  if (opts.slotRanges !== undefined) {
    if (!parseRanges(opts.slotRanges))
      return { error: `--slot-ranges must look like 0-5460,5462, not "${opts.slotRanges}"` };
    p.slotRanges = opts.slotRanges;
  }
  for (const w of opts.weight ?? []) {
    const i = w.lastIndexOf('=');
    const weight = Number(w.slice(i + 1));
    if (i <= 0 || w.slice(i + 1) === '' || !Number.isFinite(weight) || weight < 0)
      return { error: `--weight must look like 10.0.0.1:6379=2 or <id prefix>=0, not "${w}"` };
    p.weights = { ...p.weights, [w.slice(0, i)]: weight };
  }
  if (opts.threshold !== undefined) {
    const t = Number(opts.threshold);
    if (opts.threshold === '' || !Number.isFinite(t) || t < 0)
      return { error: `--threshold must be a percentage >= 0, not "${opts.threshold}"` };
    p.threshold = t;
  }
  if (opts.useEmptyMasters) p.useEmptyMasters = true;
  const allow: DangerousOption[] = [];
  if (opts.discardDeadOwnerData) allow.push('discard-dead-owner-data');
  if (opts.replaceExistingKeys) allow.push('replace-existing-keys');
  if (opts.allowNoReplica) allow.push('allow-no-replica');
  if (opts.ignoreMemoryHeadroom) allow.push('ignore-memory-headroom');
  if (allow.length > 0) p.allow = allow;
  return p;
}

function print(io: PlanIo, lines: string[]): void {
  io.out(lines.join('\n'));
}

/** Runs `plan` (apply=false) or `apply`; resolves with the exit code. */
export async function planCommand(
  action: string,
  target: string,
  opts: PlanCommandOptions,
  apply: boolean,
  io: PlanIo = terminalIo(),
): Promise<number> {
  const cmd = apply ? 'apply' : 'plan';
  if (!actionModule(action)) {
    io.err(
      `redis-runbook ${cmd}: unknown action "${action}" (known: ${listActions()
        .map((m) => m.name)
        .join(', ')}) [ACTION_UNKNOWN]`,
    );
    return EXIT_USAGE;
  }
  const params = paramsOf(opts);
  if ('error' in params) {
    io.err(`redis-runbook ${cmd}: ${params.error} [USAGE]`);
    return EXIT_USAGE;
  }
  if (apply && !opts.reason?.trim()) {
    io.err(
      'redis-runbook apply: say why with --reason "<text>": apply skips the approval, so the reason and your user name go in the audit log. Nothing was changed. [USAGE]',
    );
    return EXIT_USAGE;
  }
  try {
    const config = await registeredSettings(opts.config, io.env);
    const { cluster } = resolveTarget({ clusters: config.clusters }, target, {
      allowAdHoc: true,
      ...(opts.user ? { username: opts.user } : {}),
      ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
    });
    const observe = { ...(io.probe ? { probe: io.probe } : {}), ...(io.env ? { env: io.env } : {}) };
    if (!opts.json) io.err(`Probing ${cluster.name} and planning ${action}…`);
    const planned = await planAction(cluster, action, params, observe);
    if ('refusal' in planned) {
      if (opts.json) io.out(JSON.stringify({ refusal: planned.refusal }, null, 2));
      else print(io, renderText(refusalMessage(planned.refusal)));
      return EXIT_REFUSED;
    }
    const plan = planned.plan;
    if (!opts.json || !apply) {
      if (opts.json) io.out(JSON.stringify({ plan }, null, 2));
      else print(io, renderText(planMessage(plan)));
    }
    if (!apply) return EXIT_OK;
    if (!plan.mutates) {
      io.err(
        `redis-runbook apply: ${action} is advice only: there is nothing to execute (follow the advice above) [ACTION_ADVICE_ONLY]`,
      );
      return EXIT_REFUSED;
    }
    if (!opts.yes) {
      if (!io.isTTY || opts.json) {
        io.err(
          'redis-runbook apply: no terminal to confirm on: read the plan, then run again with --yes. Nothing was changed. [ACTION_CONFIRMATION_REQUIRED]',
        );
        return EXIT_REFUSED;
      }
      const answer = await io.ask(`Type "yes" to run these ${plan.steps.length} steps on ${cluster.name}: `);
      if (answer.trim() !== 'yes') {
        io.err('Not run: you did not type "yes". Nothing was changed.');
        return EXIT_REFUSED;
      }
    }
    const audit = await breakGlass(io, plan, config.approvalsPrefix, opts.reason ?? '');
    return await execute(io, cluster, plan, opts.json === true, observe, audit);
  } catch (e) {
    if (isConfigError(e)) {
      io.err(`redis-runbook ${cmd}: ${e.message} [${e.code}]`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

async function execute(
  io: PlanIo,
  cluster: Parameters<typeof executePlan>[0],
  plan: Plan,
  json: boolean,
  observe: Parameters<typeof executePlan>[2],
  audit: BreakGlassRecord | null,
): Promise<number> {
  const events: ExecutionEvent[] = [];
  const stop = interruptible(io);
  let result: Awaited<ReturnType<typeof executePlan>>;
  try {
    result = await executePlan(cluster, plan, {
      ...observe,
      signal: stop.signal,
      listener: async (e) => {
        events.push(e);
        if (!json) io.out(eventText(e, plan));
        await audit?.listener(e);
      },
    });
  } finally {
    stop.release();
  }
  await audit?.finish(result);
  if (json) io.out(JSON.stringify({ plan, events, result }, null, 2));
  else print(io, ['', ...renderText(resultMessage(result, plan))]);
  if (result.outcome === 'succeeded') return EXIT_OK;
  return result.outcome === 'refused' ? EXIT_REFUSED : EXIT_FAILED;
}

/**
 * Ctrl-C (or SIGTERM, or SIGHUP when the terminal goes away, an SSH session dropped) during a run: the
 * first stops it at the next safe point, before the next step or between two batches of a slot move
 * (whose open slots the run then lists, for fix-open-slot), and the run reports, audits and exits 5 like
 * any run stopped part-way; a second exits at once, and says what that may leave behind. Without this
 * Node would die mid-command.
 */
function interruptible(io: PlanIo): { signal: AbortSignal; release(): void } {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      io.err(
        `${signal} again: exiting now, in the middle of a step. Diagnose the cluster before anything else: a slot move may be left open (fix-open-slot closes it).`,
      );
      process.exit(130);
    }
    io.err(
      `${signal}: stopping at the next safe point: before the next step, or between two batches of a slot move (slots it opened are then listed). Press Ctrl-C again to exit at once, mid-step.`,
    );
    stop.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  return {
    signal: stop.signal,
    release: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
