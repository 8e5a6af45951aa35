/**
 * The step runners for `command`, `fanout` and `wait`. A command is sent once, and not at all when its
 * skipIf already holds (skipped with a note); a fan-out sends one command to every node at once and must
 * finish inside its window; a wait polls its Condition until it holds or its time is up. Nothing here
 * retries a mutating command: a failure throws an ActionError that stops the plan.
 */
import { ActionError } from '../errors.ts';
import type { CommandStep, FanoutStep, WaitStep } from '../types.ts';
import { checkCondition } from './conditions.ts';
import type { StepOutcome, StepRunner } from './context.ts';
import { commandName, replyError, replyStartsWith } from './replies.ts';

/** A reply as one short line for notes ("OK", an error, a number). */
function replyLine(reply: unknown): string {
  const text = Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Sends the step's command once; skipped when `skipIf` already holds. */
export const runCommand: StepRunner<CommandStep> = async (step, ctx) => {
  if (step.skipIf) {
    const done = await checkCondition(step.skipIf, ctx);
    if (done.holds) return { outcome: 'skipped', note: `already done: ${done.detail}` };
  }
  const s = await ctx.session(step.node);
  const reply = await s.call(step.argv);
  return { outcome: 'ok', note: `${step.node.address} replied ${replyLine(reply)}` };
};

/** Sends the command to every node at once; fails when any node fails or the window closes. */
export const runFanout: StepRunner<FanoutStep> = async (step, ctx) => {
  const started = Date.now();
  const results = new Map<string, string>();
  const codes = new Set<ActionError['code']>();
  let finished = 0;
  const one = async (address: string, index: number): Promise<'ok' | 'done' | 'failed'> => {
    const node = step.nodes[index]!;
    try {
      const s = await ctx.session(node);
      const left = Math.max(1, step.withinMs - (Date.now() - started));
      await s.call(step.argv, left);
      results.set(address, 'ok');
      return 'ok';
    } catch (err) {
      const e = replyError(err, { address, argv: step.argv, mutating: true });
      if (replyStartsWith(e, step.alreadyDone ?? [])) {
        results.set(address, `already done (${e.reply})`);
        return 'done';
      }
      results.set(address, e.message);
      codes.add(e.code);
      return 'failed';
    } finally {
      finished++;
      await ctx.emit({
        type: 'step-progress',
        index: ctx.stepIndex,
        done: finished,
        total: step.nodes.length,
        unit: 'nodes',
      });
    }
  };
  const outcomes = await Promise.all(step.nodes.map((n, i) => one(n.address, i)));
  const elapsed = Date.now() - started;
  const failed = step.nodes.filter((_, i) => outcomes[i] === 'failed').map((n) => n.address);
  const done = step.nodes.filter((_, i) => outcomes[i] === 'done').map((n) => n.address);
  if (failed.length > 0) {
    const ok = step.nodes.length - failed.length;
    const why = failed.map((a) => results.get(a)).join('; ');
    throw new ActionError(
      codes.size === 1 ? [...codes][0]! : 'ACTION_STEP_FAILED',
      `${commandName(step.argv)} reached ${ok} of ${step.nodes.length} nodes; failed on ${failed.join(', ')}: ${why}`,
    );
  }
  if (elapsed > step.withinMs) {
    throw new ActionError(
      'ACTION_TIMEOUT',
      `${commandName(step.argv)} reached every node but took ${elapsed} ms, longer than its ${step.withinMs} ms window`,
    );
  }
  const note = `${step.nodes.length} nodes in ${elapsed} ms${done.length > 0 ? `; already done on ${done.join(', ')}` : ''}`;
  return { outcome: 'ok', note };
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Polls the step's condition until it holds; ACTION_TIMEOUT with the last thing seen when it does not. */
export const runWait: StepRunner<WaitStep> = async (step, ctx): Promise<StepOutcome> => {
  const started = Date.now();
  const every = step.everyMs ?? 250;
  let polls = 0;
  for (;;) {
    const check = await checkCondition(step.until, ctx);
    polls++;
    if (check.holds) return { outcome: 'ok', note: `${check.detail} (after ${Date.now() - started} ms)` };
    const elapsed = Date.now() - started;
    if (polls % 4 === 0)
      await ctx.emit({ type: 'step-progress', index: ctx.stepIndex, done: polls, total: 0, unit: 'polls' });
    if (ctx.signal.aborted)
      throw new ActionError('ACTION_STEP_FAILED', `stopped while waiting (shutdown): ${check.detail}`);
    if (elapsed >= step.timeoutMs)
      throw new ActionError(
        'ACTION_TIMEOUT',
        `not true after ${Math.round(elapsed / 100) / 10} s (limit ${step.timeoutMs / 1000} s): ${check.detail}`,
      );
    await sleep(Math.min(every, step.timeoutMs - elapsed), ctx.signal);
  }
};
