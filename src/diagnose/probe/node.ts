/**
 * Probes one node over one plain connection: its own CLUSTER NODES and CLUSTER INFO, INFO replication,
 * server and memory, the cluster settings from CONFIG GET, DBSIZE, its function libraries (FUNCTION LIST
 * WITHCODE, kept as digests; a denied or unknown FUNCTION is recorded, not noted), and whether its bus port
 * accepts TCP. Bounded by the per-node deadline, so a frozen (SIGSTOPped) node costs at most that long.
 */
import { parseFunctionList } from '../../cluster/parse-functions.ts';
import { parseInfoFields } from '../../cluster/parse-info.ts';
import { parseClusterNodes } from '../../cluster/parse-nodes.ts';
import type { NodeObservation } from '../../cluster/types.ts';
import { readNodeConfig } from './config.ts';
import {
  type ConnectSettings,
  createNodeClient,
  deadline,
  errorMessage,
  type NodeClient,
  probeFailure,
  scrub,
} from './connect.ts';
import { joinAddress } from './nat.ts';
import { checkTcpPort } from './tcp.ts';

/** Where to reach a node, and what we already know about it from a peer's view. */
export interface NodeTarget {
  /** Label to report it under: its announced "ip:port" when known, else the address we were given. */
  address: string;
  /** Where to connect (after the NAT map). */
  host: string;
  port: number;
  /** Bus port from a peer's view, if any. */
  cportHint?: number | null;
  /** Node id the discovering view gave for this address; a different answer is reported. */
  expectedId?: string;
}

export interface NodeProbe {
  observation: NodeObservation;
  /** Still-open client when the node answered (for key counting); the caller disconnects it. */
  client?: NodeClient;
  /** Non-fatal problems (a command denied or failed), as sentences without secrets. */
  notes: string[];
  /** Set when the bus port checked was only guessed (no view gave it): where it was checked. */
  busGuess?: { host: string; port: number };
}

/** Probes one node; never rejects. A failure is recorded in `observation.error`. */
export async function probeNode(target: NodeTarget, s: ConnectSettings): Promise<NodeProbe> {
  const started = Date.now();
  const obs: NodeObservation = { address: target.address, source: 'live' };
  const contacted = joinAddress(target.host, target.port);
  if (contacted !== target.address) obs.contactedAddress = contacted;
  const notes: string[] = [];
  const nc = createNodeClient(target.host, target.port, s);
  const limit = deadline(s.nodeDeadlineMs, contacted);
  // TCP connect is bounded by connectMs, but an AUTH sent on connect is not bounded by commandMs in
  // ioredis: a frozen node with a password would otherwise hold us until the whole node deadline.
  const connectLimit = deadline(Math.min(s.nodeDeadlineMs, Math.max(s.connectMs, s.commandMs)), contacted);
  // Bus port: from a peer's view if we have it, else the conventional port + 10000; corrected below.
  const hintPort = target.cportHint ?? target.port + 10000;
  const busEarly = checkTcpPort(target.host, hintPort, s.connectMs);
  let answered = false;
  try {
    await Promise.race([nc.client.connect(), connectLimit.promise]);
    connectLimit.clear();
    answered = await Promise.race([collect(nc, obs, notes, s), limit.promise]);
  } catch (err) {
    const message = scrub(errorMessage(err, nc), s.password);
    obs.error = probeFailure(message, s.tls);
  } finally {
    limit.clear();
    connectLimit.clear();
  }
  const ownCport = obs.nodes?.nodes.find((l) => l.flags.includes('myself'))?.cport ?? null;
  const busPortNo = ownCport ?? hintPort;
  const bus =
    busPortNo === hintPort ? await busEarly : await checkTcpPort(target.host, busPortNo, s.connectMs);
  const guessed = ownCport === null && target.cportHint == null;
  const busError = bus.error && guessed ? `${bus.error}; port guessed as data port + 10000` : bus.error;
  obs.busPort = { port: busPortNo, open: bus.open, ...(busError ? { error: busError } : {}) };
  obs.elapsedMs = Date.now() - started;
  if (target.expectedId && obs.nodeId && obs.nodeId !== target.expectedId) {
    notes.push(
      `${target.address} (contacted at ${contacted}) answered as node ${obs.nodeId.slice(0, 8)} (${obs.address}), ` +
        `not ${target.expectedId.slice(0, 8)} as the cluster lists it: a stale address, a reused host, or a wrong natMap entry.`,
    );
  }
  const extra = guessed ? { busGuess: { host: target.host, port: busPortNo } } : {};
  if (!answered) {
    nc.client.disconnect();
    return { observation: obs, notes, ...extra };
  }
  return { observation: obs, client: nc, notes, ...extra };
}

type Settled = PromiseSettledResult<unknown>;

/** Sends every command at once and files the replies; returns whether CLUSTER NODES answered. */
async function collect(
  nc: NodeClient,
  obs: NodeObservation,
  notes: string[],
  s: ConnectSettings,
): Promise<boolean> {
  const c = nc.client;
  const describe = (err: unknown) => scrub(errorMessage(err, nc), s.password);
  const [nodes, info, repl, server, dbsize, config, memory, functions] = await Promise.allSettled([
    c.call('CLUSTER', 'NODES'),
    c.call('CLUSTER', 'INFO'),
    c.call('INFO', 'replication'),
    c.call('INFO', 'server'),
    c.call('DBSIZE'),
    readNodeConfig(c, describe),
    c.call('INFO', 'memory'),
    c.call('FUNCTION', 'LIST', 'WITHCODE'),
  ]);
  const fail = (r: Settled): string => describe((r as PromiseRejectedResult).reason);
  const text = (r: Settled | undefined): string | undefined =>
    r?.status === 'fulfilled' && typeof r.value === 'string' ? r.value : undefined;

  const serverText = text(server);
  if (serverText !== undefined) obs.server = parseInfoFields(serverText);
  const replText = text(repl);
  if (replText !== undefined) obs.replication = parseInfoFields(replText);
  const infoText = text(info);
  if (infoText !== undefined) obs.clusterInfo = parseInfoFields(infoText);
  if (dbsize?.status === 'fulfilled' && typeof dbsize.value === 'number') obs.dbsize = dbsize.value;
  const memoryText = text(memory);
  if (memoryText !== undefined) obs.memory = parseInfoFields(memoryText);
  if (functions?.status === 'fulfilled' && Array.isArray(functions.value))
    obs.functions = parseFunctionList(functions.value);
  else if (functions?.status === 'rejected') obs.functionsError = fail(functions);
  if (config?.status === 'fulfilled') {
    if (config.value.config) obs.config = config.value.config;
    if (config.value.error !== undefined) obs.configError = config.value.error;
  }

  const nodesText = text(nodes);
  if (nodesText === undefined) {
    const message = nodes ? fail(nodes) : 'no reply to CLUSTER NODES';
    const failure = probeFailure(message, s.tls);
    obs.error =
      failure.kind === 'loading' ? { ...failure, message: `${message}${await loadingProgress(c)}` } : failure;
    return false;
  }
  obs.nodes = parseClusterNodes(nodesText);
  const self = obs.nodes.nodes.find((l) => l.flags.includes('myself'));
  if (self) {
    obs.nodeId = self.id;
    if (self.ip && self.port) {
      const announced = joinAddress(self.ip, self.port);
      if (announced !== obs.address) {
        obs.contactedAddress ??= obs.address;
        obs.address = announced;
      }
      if (obs.contactedAddress === obs.address) delete obs.contactedAddress;
    }
  }
  for (const [name, r] of [
    ['CLUSTER INFO', info],
    ['INFO replication', repl],
    ['INFO server', server],
    ['DBSIZE', dbsize],
  ] as const) {
    if (r?.status === 'rejected') notes.push(`${obs.address}: ${name} failed: ${fail(r)}`);
  }
  return true;
}

/** " (INFO persistence: 42% loaded, eta 3 s)" for a node answering LOADING, '' when INFO says nothing. */
async function loadingProgress(c: NodeClient['client']): Promise<string> {
  const reply: unknown = await c.call('INFO', 'persistence').catch(() => null);
  if (typeof reply !== 'string') return '';
  const f = parseInfoFields(reply);
  if (f['loading'] !== '1') return '';
  const parts: string[] = [];
  const perc = Number.parseFloat(f['loading_loaded_perc'] ?? '');
  if (Number.isFinite(perc)) parts.push(`${Math.floor(perc)}% loaded`);
  const eta = Number(f['loading_eta_seconds']);
  if (f['loading_eta_seconds'] !== undefined && Number.isFinite(eta) && eta >= 0) parts.push(`eta ${eta} s`);
  return parts.length > 0 ? ` (INFO persistence: ${parts.join(', ')})` : '';
}
