/**
 * A small node:http server for the operations routes when no Bolt HTTP server exists (Socket Mode).
 * Unlike Bolt's Socket Mode server it binds the given host, reports the real port (0 = any free
 * port), turns a busy port into a rejected start, and its close() waits (bounded) for connections.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpsRoute } from './routes.ts';

/** A listening operations server. */
export interface OpsServer {
  port: number;
  /** Stops accepting connections; drops the ones still open after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** Serves `routes` (404 for anything else) on host:port; rejects when the port cannot be bound. */
export async function startOpsServer(routes: OpsRoute[], port: number, host?: string): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? ''));
    if (route) route.handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: (graceMs = 1000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
