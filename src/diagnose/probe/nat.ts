/** Address helpers for the probe: the NAT map, splitting "host:port", and the loopback guard for tests. */

/** Splits "host:port" (bare or bracketed IPv6 allowed) at the last colon; null when it is not one. */
export function splitAddress(address: string): { host: string; port: number } | null {
  const i = address.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  let host = address.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host ? { host, port } : null;
}

/** Formats host and port as "host:port", bracketing IPv6 ("[::1]:7000") the way the model labels nodes. */
export function joinAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where to connect for an announced "ip:port": the NAT map's entry, else the address itself. */
export function natTarget(announced: string, natMap: Record<string, string> | undefined): string {
  return natMap?.[announced] ?? natMap?.[bracketless(announced)] ?? announced;
}

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts tests may follow. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function bracketless(address: string): string {
  const parts = splitAddress(address);
  return parts ? joinAddress(parts.host, parts.port) : address;
}
