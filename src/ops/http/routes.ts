/**
 * The operations endpoints, as plain node:http handlers that either transport can mount: /healthz
 * (liveness: the event loop answers), /readyz (200 or 503 with each check's state), /metrics
 * (Prometheus text). They read state and never change it; no answer carries a secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readiness } from '../health/readiness.ts';
import type { MetricsEndpoint } from '../metrics.ts';

/** One GET route; the shape Bolt's `customRoutes` takes, and what {@link startOpsServer} serves. */
export interface OpsRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The three routes over `readiness` and `metrics`. */
export function opsRoutes(deps: { readiness: Readiness; metrics: MetricsEndpoint }): OpsRoute[] {
  const get = (path: string, answer: () => Promise<[number, string, string]>): OpsRoute => ({
    path,
    method: ['GET', 'HEAD'],
    handler: (req, res) => {
      answer().then(
        ([status, type, body]) => send(req, res, status, type, body),
        (err: unknown) => send(req, res, 500, JSON_TYPE, JSON.stringify({ error: (err as Error).message })),
      );
    },
  });
  return [
    get('/healthz', async () => [200, JSON_TYPE, '{"status":"ok"}\n']),
    get('/readyz', async () => {
      const report = await deps.readiness.report();
      return [report.ready ? 200 : 503, JSON_TYPE, `${JSON.stringify(report)}\n`];
    }),
    get('/metrics', async () => [200, deps.metrics.contentType, await deps.metrics.render()]),
  ];
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
