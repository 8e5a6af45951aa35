/**
 * Graceful stop within 10 s, in phases with deadlines counted from the signal: not ready at once; stop
 * taking requests (2 s, then open connections are cut); let running work finish (until 6.5 s); tell
 * work still running to wrap up and post what it has (until 8 s); close connections (until 9 s). Each
 * phase is bounded, so a hung dependency cannot hold the process past the deadline. Never throws.
 */
import type { Logger } from 'pino';
import type { Readiness } from '../health/readiness.ts';
import type { Drain } from './drain.ts';

/** Deadlines of the phases, in ms after the signal. */
export const STOP_DEADLINES_MS = { intake: 2000, drain: 6500, wrapUp: 8000, close: 9000 } as const;

/** What the process stops, in order. */
export interface StopPlan {
  logger: Logger;
  readiness: Readiness;
  drain: Drain;
  /** Stops taking new requests; work already accepted goes on. */
  stopIntake(): Promise<void>;
  /** Cuts whatever `stopIntake` had not closed by its deadline. */
  forceIntake(): void;
  /** Asks running work to finish now with what it has (e.g. an "interrupted" verdict). */
  wrapUp(): void;
  /** Connections to close last (queue Redis, the operations server), each bounded. */
  closers: (() => Promise<void>)[];
}

/** How the stop went. */
export interface StopReport {
  ms: number;
  /** Requests that had to be told to wrap up. */
  wrappedUp: number;
  /** Requests still running at the end (abandoned). */
  abandoned: number;
  /** Registered closers that did not finish in time. */
  late: string[];
}

/** Runs the plan; resolves by {@link STOP_DEADLINES_MS.close} at the latest. */
export async function gracefulStop(plan: StopPlan, reason: string): Promise<StopReport> {
  const t0 = Date.now();
  const left = (deadline: number) => Math.max(0, t0 + deadline - Date.now());
  const { logger, drain } = plan;
  plan.readiness.startDraining();
  logger.info({ event: 'stopping', reason, inFlight: drain.inFlight }, 'stopping: no new Slack requests');
  const intakeClosed = await within(
    plan.stopIntake().catch((err: unknown) => logger.warn({ event: 'stop_intake_failed', err })),
    left(STOP_DEADLINES_MS.intake),
  );
  if (!intakeClosed) plan.forceIntake();
  let settled = await drain.settle(left(STOP_DEADLINES_MS.drain));
  const wrappedUp = settled.unfinished;
  if (wrappedUp > 0) {
    logger.warn({ event: 'wrapping_up', inFlight: wrappedUp }, 'work still running: asking it to finish now');
    plan.wrapUp();
    settled = await drain.settle(left(STOP_DEADLINES_MS.wrapUp));
  }
  await within(
    Promise.all(plan.closers.map((close) => close().catch(() => undefined))),
    left(STOP_DEADLINES_MS.close),
  );
  const report = { ms: Date.now() - t0, wrappedUp, abandoned: settled.unfinished, late: settled.late };
  logger.info({ event: 'stopped', ...report }, `stopped in ${report.ms} ms`);
  return report;
}

/** Resolves true when `work` settled within `ms`, false when time ran out first. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves with the first SIGTERM or SIGINT. A second one while stopping exits at once with code 1
 * (the operator chose not to wait).
 */
export function firstSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) {
        logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
