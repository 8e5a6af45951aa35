/**
 * Reads pastes in a worker thread, one at a time, so the main event loop keeps acknowledging Slack
 * whatever is pasted. Each paste gets a deadline and the worker a heap limit: a paste that outlives
 * either is stopped (the worker is terminated and started afresh for the next one) and fails with a
 * coded BotError worded for the person who pasted. Never runs two pastes at once; queues a few more.
 */
import { Worker } from 'node:worker_threads';
import { BotError } from './errors.ts';
import type { PasteReply, PasteWorkerMessage } from './paste-analysis.ts';

export interface PasteRunnerOptions {
  /** Longest one paste may take once the worker is running (default 10 s). */
  deadlineMs?: number;
  /** Longest the worker may take to start (default 60 s: from TypeScript sources it compiles first). */
  startupMs?: number;
  /** Pastes waiting behind the running one at most; more are refused (default 8). */
  maxQueued?: number;
  /** Heap of the worker in MB (default 256). */
  heapMb?: number;
}

/** Analyses pastes off the main thread. */
export interface PasteRunner {
  /** The reply to the paste, null when it is not cluster output; rejects with a BotError. */
  analyze(text: string): Promise<PasteReply | null>;
  /** Starts the worker now, so the first paste does not wait for it; resolves once it is ready. */
  warm(): Promise<void>;
  /** Stops the worker; queued pastes fail with PASTE_WORKER_FAILED. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  text: string;
  resolve: (result: PasteReply | null) => void;
  reject: (err: BotError) => void;
}

const HERE = import.meta.url;

/**
 * Starts the worker. Compiled, its sibling paste-worker.js runs directly. From TypeScript sources (tests,
 * tsx) the worker first registers tsx itself: Node 20 ignores `--import` in a Worker's execArgv.
 */
function spawnWorker(heapMb: number): Worker {
  const fromSources = HERE.endsWith('.ts');
  const entry = new URL(`./paste-worker.${fromSources ? 'ts' : 'js'}`, HERE);
  const options = {
    name: 'redis-runbook paste reader',
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
  };
  if (!fromSources) return new Worker(entry, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${tsx}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/** Builds a runner; the worker starts with the first paste and is reused. */
export function createPasteRunner(opts: PasteRunnerOptions = {}): PasteRunner {
  const deadlineMs = opts.deadlineMs ?? 10_000;
  const startupMs = opts.startupMs ?? 60_000;
  const maxQueued = opts.maxQueued ?? 8;
  const heapMb = opts.heapMb ?? 256;
  const queue: Job[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let current: Job | null = null;
  let timer: NodeJS.Timeout | undefined;
  let nextId = 1;
  let closed = false;
  let waiting: { resolve: () => void; reject: (err: BotError) => void }[] = [];

  /** Settles every warm() waiting for the worker to be ready. */
  function settleWarm(err?: BotError): void {
    const all = waiting;
    waiting = [];
    for (const w of all) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  function finish(job: Job, outcome: { result: PasteReply | null } | { error: BotError }): void {
    if (current !== job) return;
    clearTimeout(timer);
    current = null;
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.result);
    pump();
  }

  /** Drops the worker (terminating it) and fails the running job, or every job when none ran, with `error`. */
  function drop(error: BotError): void {
    const w = worker;
    worker = null;
    ready = false;
    if (w) void w.terminate();
    if (current) finish(current, { error });
    else {
      for (const job of queue.splice(0)) job.reject(error);
      settleWarm(error);
    }
  }

  function start(): void {
    const w = spawnWorker(heapMb);
    worker = w;
    w.unref();
    timer = setTimeout(
      () => drop(new BotError('PASTE_WORKER_FAILED', 'the paste reader did not start in time')),
      startupMs,
    );
    w.on('message', (msg: PasteWorkerMessage) => {
      if (w !== worker) return;
      if (msg.kind === 'ready') {
        ready = true;
        clearTimeout(timer);
        settleWarm();
        pump();
      } else if (current && msg.id === current.id) {
        if (msg.kind === 'done') finish(current, { result: msg.result });
        else finish(current, { error: new BotError('PASTE_WORKER_FAILED', 'reading the paste failed') });
      }
    });
    w.on('error', (err: Error & { code?: string }) => {
      if (w !== worker) return;
      drop(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new BotError(
              'PASTE_OUT_OF_MEMORY',
              `reading it needed more than the ${heapMb} MB of memory a paste may use`,
            )
          : new BotError('PASTE_WORKER_FAILED', 'the paste reader stopped unexpectedly'),
      );
    });
    w.on('exit', () => {
      if (w === worker) drop(new BotError('PASTE_WORKER_FAILED', 'the paste reader stopped unexpectedly'));
    });
  }

  function pump(): void {
    if (closed || current || queue.length === 0) return;
    if (!worker) {
      start();
      return;
    }
    if (!ready) return;
    const job = queue.shift() as Job;
    current = job;
    timer = setTimeout(() => {
      drop(
        new BotError(
          'PASTE_TIMEOUT',
          `reading it took longer than ${deadlineMs < 1000 ? `${deadlineMs} ms` : `${Math.round(deadlineMs / 1000)} s`}, so I stopped`,
        ),
      );
    }, deadlineMs);
    worker.postMessage({ id: job.id, text: job.text });
  }

  return {
    analyze(text) {
      if (closed) return Promise.reject(new BotError('PASTE_WORKER_FAILED', 'the bot is shutting down'));
      if (queue.length >= maxQueued) {
        return Promise.reject(
          new BotError('PASTE_BUSY', `${queue.length + 1} pastes are already waiting to be read`),
        );
      }
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, text, resolve, reject });
        pump();
      });
    },
    warm() {
      if (closed) return Promise.reject(new BotError('PASTE_WORKER_FAILED', 'the bot is shutting down'));
      if (worker && ready) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (!worker) start();
      });
    },
    async close() {
      closed = true;
      settleWarm(new BotError('PASTE_WORKER_FAILED', 'the bot is shutting down'));
      clearTimeout(timer);
      const w = worker;
      worker = null;
      const pending = [...(current ? [current] : []), ...queue.splice(0)];
      current = null;
      for (const job of pending) job.reject(new BotError('PASTE_WORKER_FAILED', 'the bot is shutting down'));
      if (w) await w.terminate();
    },
  };
}
