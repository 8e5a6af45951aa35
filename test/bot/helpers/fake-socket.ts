/**
 * A minimal Socket Mode server (RFC 6455 by hand, text frames only) on the fake API's HTTP server:
 * sends "hello", pushes envelopes, records what the bot sends back (acks with envelope_id). Test-only.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface FakeSocket {
  /** JSON messages the bot sent (acks). */
  received: Record<string, unknown>[];
  /** True once a client completed the handshake (hello sent). */
  connected(): boolean;
  /** Sends one envelope to the connected bot. */
  push(envelope: Record<string, unknown>): void;
  /** Cuts the current connection, the way a Slack outage or a network break does. */
  drop(): void;
  /** While true, new connections are cut during their upgrade (Slack's socket end unreachable). */
  refuse: boolean;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLen(len)]);
  return Buffer.concat([head, payload]);
}

function bigLen(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Handles upgrades on `path` of `server`. */
export function attachFakeSocket(server: Server, path: string): FakeSocket {
  const received: Record<string, unknown>[] = [];
  let socket: Duplex | null = null;
  const state = { refuse: false };
  server.on('upgrade', (req, sock: Duplex) => {
    if (!req.url?.startsWith(path) || state.refuse) {
      sock.destroy();
      return;
    }
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
    sock.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket = sock;
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = (buf[0] ?? 0) & 0x0f;
        let len = (buf[1] ?? 0) & 0x7f;
        let off = 2;
        if (len === 126) {
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        const masked = ((buf[1] ?? 0) & 0x80) !== 0;
        const total = off + (masked ? 4 : 0) + len;
        if (buf.length < total) return;
        const mask = masked ? buf.subarray(off, off + 4) : null;
        const data = Buffer.from(buf.subarray(off + (masked ? 4 : 0), total));
        if (mask) for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (mask[i % 4] ?? 0);
        buf = buf.subarray(total);
        if (opcode === 0x1) received.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
        else if (opcode === 0x9) sock.write(frame(0xa, data));
        else if (opcode === 0x8) sock.end();
      }
    });
    sock.on('error', () => undefined);
    sock.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
  });
  return Object.assign(state, {
    received,
    connected: () => socket !== null,
    push(envelope: Record<string, unknown>) {
      socket?.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    drop() {
      socket?.destroy();
      socket = null;
    },
  });
}
