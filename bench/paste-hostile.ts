/**
 * Hostile pastes (issue 13): how long reading each one takes (snapshot + diagnosis + runbook steps, the
 * whole job of the paste worker), and the longest event-loop stall of the Slack bot while it reads a
 * 1 MB snippet through its real path (Bolt, signed events, fake Web API), with and without the worker
 * thread, plus the ack time of `/redis help` commands sent meanwhile. And the size of the answer to the
 * pastes whose diagnosis once grew as ghosts x nodes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzePasteText } from '../src/bot/paste-analysis.ts';
import { renderDiagnosisText } from '../src/bot/text.ts';
import { diagnoseText, diagnosisJson } from '../src/cli/diagnose.ts';
import { snapshotFromPaste } from '../src/cluster/paste.ts';
import { diagnoseWithSteps } from '../src/runbooks/run.ts';
import { bigClusterNodes } from '../test/bot/helpers/big-dump.ts';
import { startTestBot, type TestBot } from '../test/bot/helpers/bot.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../test/bot/helpers/fake-slack.ts';
import { eventEnvelope, postEvent, postForm, slashBody } from '../test/bot/helpers/signed.ts';
import { ghostDump, loopbackDump } from '../test/diagnose/hostile-dumps.ts';

const RECORD =
  '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected';
const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length));

const INPUTS: [string, string][] = [
  ['540 KB single line of CLUSTER NODES records', repeat(`${RECORD} `, 540_000)],
  ['1 MB one-line paste', repeat(`${RECORD} `, 1_000_000)],
  ['"a" + 200,000 "\\r" + "a"', `a${'\r'.repeat(200_000)}a`],
  ['3 MB of short lines', repeat('x\n', 3_000_000)],
  ['2,000 one-line CLUSTER NODES outputs', Array.from({ length: 2_000 }, () => RECORD).join('\n')],
  ['a real 1,000-node dump (for scale)', bigClusterNodes(500, 3)],
];

function best(text: string, runs = 3): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    analyzePasteText(text);
    diagnoseWithSteps(snapshotFromPaste(text));
    min = Math.min(min, performance.now() - t0);
  }
  return min / 2; // each run reads the paste twice (as the worker, and as `diagnose --file`)
}

console.log('reading a paste (snapshot + diagnosis + runbook steps), best of 3:');
for (const [label, text] of INPUTS) {
  console.log(
    `  ${label.padEnd(46)} ${best(text).toFixed(0).padStart(6)} ms   (${text.length.toLocaleString('en-US')} chars)`,
  );
}

// The answers that once grew as a product of counts (ghosts x nodes): their size, and the time to produce them.
console.log('\nthe size of the answer (diagnose --json with runbook steps, and the text report), best of 3:');
for (const [label, text] of [
  ['9,000 noaddr ghosts among 100 masters', ghostDump(100, 9_000)],
  ['4,000 noaddr ghosts among 4,000 masters', ghostDump(4_000, 4_000)],
  ['4,000 of 8,000 masters announcing 127.0.0.1', loopbackDump(8_000)],
] as const) {
  let ms = Number.POSITIVE_INFINITY;
  let json = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    json = JSON.stringify(diagnosisJson(diagnoseText(text)), null, 2);
    ms = Math.min(ms, performance.now() - t0);
  }
  const report = renderDiagnosisText(diagnoseText(text, true, true));
  const kb = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')} KB`;
  console.log(
    `  ${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms   paste ${kb(text.length)}: JSON ${kb(json.length)}, text ${kb(report.length)}`,
  );
}

let seq = 1_900_000_000;

interface Stall {
  replyMs: number;
  stallMs: number;
  ackMax: number;
  acks: number;
}

/**
 * Shares `text` as a snippet through `bot` (or, with null, shares nothing for 2 s), firing `/redis help`
 * every 50 ms until the reply is posted; measures the event loop of this process, where the bot runs.
 */
async function stallWhileReading(fake: FakeSlack, bot: TestBot, text: string | null): Promise<Stall> {
  const name = `bench-${++seq}.txt`;
  const ts = `${seq}.000100`;
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const acks: number[] = [];
  const started = performance.now();
  const replied = () =>
    text === null
      ? performance.now() - started > 2_000
      : fake.byMethod('chat.postMessage').some((c) => c.args.thread_ts === ts);
  histogram.enable();
  if (text !== null) {
    fake.files.set(name, text);
    const file = { id: `F${seq}`, name, mimetype: 'text/plain', filetype: 'text', size: text.length };
    const event = { type: 'message', subtype: 'file_share', channel: 'COPS', user: 'UALICE', text: '', ts };
    await postEvent(
      bot.url,
      eventEnvelope({ ...event, files: [{ ...file, url_private: `${fake.url}/files/${name}` }] }),
    );
  }
  const helps: Promise<void>[] = [];
  while (!replied() && performance.now() - started < 120_000) {
    helps.push(
      (async () => {
        const t0 = performance.now();
        await postForm(bot.url, slashBody({ text: 'help', responseUrl: `${fake.url}/respond/bench` }));
        acks.push(performance.now() - t0);
      })(),
    );
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitUntil(replied, 120_000, 'paste reply');
  await Promise.all(helps);
  histogram.disable();
  return {
    replyMs: performance.now() - started,
    stallMs: histogram.max / 1e6,
    ackMax: Math.max(0, ...acks),
    acks: acks.length,
  };
}

const fake = await startFakeSlack();
const config = {
  clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
  access: { channels: { COPS: ['prod'] } },
};
const worker = await startTestBot(fake, config);
const inline = await startTestBot(fake, config, {}, { pasteWorker: false });
try {
  await stallWhileReading(fake, worker, bigClusterNodes(3, 0)); // starts the worker thread
  const snippets: [string, string | null][] = [
    ['nothing (baseline)', null],
    ['1 MB one-line snippet', repeat(`${RECORD} `, 1_000_000)],
    ['1 MB snippet: 8,000-node CLUSTER NODES', bigClusterNodes(4_000, 10)],
  ];
  console.log('\nthe Slack bot (in this process) reading a snippet while /redis help is sent every 50 ms:');
  for (const [what, text] of snippets) {
    for (const [how, bot] of [
      ['worker thread (as shipped)', worker],
      ['no worker (on the event loop)', inline],
    ] as const) {
      if (text === null && bot === inline) continue;
      const r = await stallWhileReading(fake, bot, text);
      console.log(
        `  ${what.padEnd(38)} ${how.padEnd(30)} longest event-loop stall ${r.stallMs.toFixed(0).padStart(5)} ms; ` +
          `slowest of ${r.acks} /redis help acks ${r.ackMax.toFixed(0).padStart(5)} ms${text === null ? '' : `; reply after ${r.replyMs.toFixed(0)} ms`}`,
      );
    }
  }
} finally {
  await worker.stop();
  await inline.stop();
  await fake.close();
}
