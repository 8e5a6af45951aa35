/**
 * Bus ports of nodes that gave no view of their own. The probe first checks the port a peer's view gave,
 * else the conventional data port + 10000, which is wrong whenever cluster-port is set or clients use a
 * tls-port the bus is not derived from. Once every view is in, such guesses are checked again at the port
 * the other nodes list for that address.
 */
import { natTarget } from './nat.ts';
import type { NodeProbe } from './node.ts';
import { checkTcpPort } from './tcp.ts';

/** The bus port another node's view lists for the probed node (by announced or NAT-mapped address). */
function listedCport(probes: readonly NodeProbe[], p: NodeProbe, natMap?: Record<string, string>) {
  const wanted = new Set([p.observation.address, p.observation.contactedAddress]);
  for (const other of probes) {
    if (other === p) continue;
    for (const line of other.observation.nodes?.nodes ?? []) {
      if (line.flags.includes('myself') || !line.ip || !line.port || !line.cport) continue;
      const announced = line.ip.includes(':') ? `[${line.ip}]:${line.port}` : `${line.ip}:${line.port}`;
      if (wanted.has(announced) || wanted.has(natTarget(announced, natMap))) return line.cport;
    }
  }
  return null;
}

/**
 * Re-checks, in parallel and within `timeoutMs` each, every guessed bus port some view lists differently,
 * and replaces the observation's busPort with the result. Never rejects.
 */
export async function recheckGuessedBusPorts(
  probes: readonly NodeProbe[],
  timeoutMs: number,
  natMap?: Record<string, string>,
): Promise<void> {
  await Promise.all(
    probes.map(async (p) => {
      const guess = p.busGuess;
      if (!guess) return;
      const listed = listedCport(probes, p, natMap);
      if (listed === null || listed === guess.port) return;
      const bus = await checkTcpPort(guess.host, listed, timeoutMs);
      p.observation.busPort = { port: listed, open: bus.open, ...(bus.error ? { error: bus.error } : {}) };
      delete p.busGuess;
    }),
  );
}
