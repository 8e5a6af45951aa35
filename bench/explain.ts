/**
 * explain and slot: how long recognising errors takes on a 256 KiB application log (the input cap), on
 * hostile text full of anchors, and per ordinary chat message (every message in a bound channel is
 * checked); and keySlot on 100,000 keys against CLUSTER KEYSLOT pipelined to a real redis-server.
 */
import { Redis } from 'ioredis';
import { keySlot } from '../src/cluster/keyslot.ts';
import { startStandalone } from '../src/devcluster/start.ts';
import { MAX_ERRORS, MAX_INPUT_CHARS, recogniseErrors } from '../src/diagnose/explain/recognise.ts';
import { median, time } from './_stages.ts';

const RUNS = 15;

function logText(): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < MAX_INPUT_CHARS; i++) {
    const line =
      i % 100 === 0
        ? `2026-11-30T03:10:${String(i % 60).padStart(2, '0')}Z ERROR c.e.Cart redis.clients.jedis.exceptions.JedisMovedDataException: MOVED ${i % 16384} 10.0.${i % 7}.2:6379`
        : `2026-11-30T03:10:${String(i % 60).padStart(2, '0')}Z INFO c.e.Cart served request ${i} in ${i % 97} ms for user ${i * 7}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, MAX_INPUT_CHARS);
}

function bench(name: string, text: string, strict: boolean) {
  for (let i = 0; i < 3; i++) recogniseErrors(text, { strict });
  const ms: number[] = [];
  let found = 0;
  for (let i = 0; i < RUNS; i++) {
    const [r, t] = time(() => recogniseErrors(text, { strict }));
    ms.push(t);
    found = r.errors.reduce((n, e) => n + e.count, 0);
  }
  console.log(
    `${name}: median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (${found} error lines recognised, at most ${MAX_ERRORS} distinct errors listed)`,
  );
}

bench(`application log, ${(MAX_INPUT_CHARS / 1024).toFixed(0)} KiB, 1% error lines`, logText(), true);
bench('hostile: "MOVED " repeated to 256 KiB', 'MOVED '.repeat(MAX_INPUT_CHARS / 6), true);
const chat = 'can someone look at the checkout latency? it started around 3am after the deploy';
const [, chatMs] = time(() => {
  for (let i = 0; i < 10_000; i++) recogniseErrors(chat, { strict: true });
});
console.log(`ordinary chat message: ${((chatMs * 1000) / 10_000).toFixed(1)} µs each (10,000 messages)`);

const keys = Array.from({ length: 100_000 }, (_, i) =>
  i % 3 === 0 ? `user:{${i}}:cart` : `session:${i}:data`,
);
const [, localMs] = time(() => {
  for (const k of keys) keySlot(k);
});
const server = await startStandalone({ label: 'bench-keyslot', config: [['cluster-enabled', 'yes']] });
try {
  const n = server.node(0);
  const client = new Redis({ host: n.host, port: n.port, lazyConnect: true });
  await client.connect();
  const t0 = process.hrtime.bigint();
  const pipe = client.pipeline();
  for (const k of keys) pipe.call('CLUSTER', 'KEYSLOT', k);
  const replies = (await pipe.exec()) ?? [];
  const serverMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const same = replies.every(([err, v], i) => !err && Number(v) === keySlot(keys[i]!));
  client.disconnect();
  console.log(
    `keySlot, 100,000 keys: ${localMs.toFixed(1)} ms here; CLUSTER KEYSLOT pipelined to redis-server: ${serverMs.toFixed(0)} ms (${(serverMs / localMs).toFixed(0)}x); all equal: ${same}`,
  );
} finally {
  await server.stop();
}
