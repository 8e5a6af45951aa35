/** Loopback address allocation: random 127.A.B.0/24 blocks whose needed ports are verified bindable. */
import { createServer } from 'node:net';
import { DevClusterError } from './errors.ts';

/** A host/port pair the harness wants to bind. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Resolves true when a TCP listener can be opened (and closed again) on host:port. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Resolves true when every endpoint can be bound. */
export async function allBindable(endpoints: readonly Endpoint[]): Promise<boolean> {
  const results = await Promise.all(endpoints.map((e) => canBind(e.host, e.port)));
  return results.every(Boolean);
}

/** Returns "127.A.B" with A in 40..250 and B in 0..255 (never 127.0.0.x). */
export function randomPrefix(): string {
  const a = 40 + Math.floor(Math.random() * 211);
  const b = Math.floor(Math.random() * 256);
  return `127.${a}.${b}`;
}

/**
 * Picks a random 127.A.B prefix such that `needs(prefix)` endpoints are all bindable. Tries `attempts`
 * prefixes; rejects with DEVCLUSTER_NO_ADDRESS if none works.
 */
export async function allocatePrefix(needs: (prefix: string) => Endpoint[], attempts = 30): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const prefix = randomPrefix();
    if (await allBindable(needs(prefix))) return prefix;
  }
  throw new DevClusterError('DEVCLUSTER_NO_ADDRESS', `no bindable 127.A.B block found in ${attempts} tries`);
}

/** Returns true for an IPv4 address inside 127.0.0.0/8 other than 127.0.0.1. */
export function isHarnessLoopback(host: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const parts = [m[1], m[2], m[3]].map(Number);
  if (parts.some((p) => p > 255)) return false;
  return host !== '127.0.0.1';
}
