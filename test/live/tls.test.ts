/**
 * A TLS-only cluster (tls-port, tls-cluster, tls-replication, plaintext port closed) diagnosed through a
 * registry entry with `tls: { ca, servername }`: healthy with the right CA, by name or by IP SAN; a clear
 * error and no hang with a wrong CA, a wrong servername, or no TLS at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import { isConfigError, parseConfigText } from '../../src/config/load.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import type { DevCluster } from '../../src/devcluster/cluster.ts';
import { startCluster } from '../../src/devcluster/start.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { checkTcpPort } from '../../src/diagnose/probe/tcp.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { runLive } from '../../src/runbooks/run.ts';

const TLS_PORT = 7443;
const NAME = 'redis.test';
const probe = { allowHost: isLoopbackHost };

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Throwaway PKI in `dir`: ca.pem, wrong-ca.pem, and server.pem/server.key signed by ca.pem. */
class Pki {
  constructor(readonly dir: string) {}

  file(name: string): string {
    return join(this.dir, name);
  }

  private ossl(...args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  }

  private newKey(): string[] {
    return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  }

  /** A self-signed CA `name`.pem / `name`.key. */
  makeCa(name: string): void {
    this.ossl(
      'req',
      '-x509',
      ...this.newKey(),
      '-keyout',
      this.file(`${name}.key`),
      '-out',
      this.file(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    );
  }

  /** server.pem (SAN: DNS `NAME` plus each of `ips`) and server.key, signed by ca.pem. */
  makeServer(ips: readonly string[]): void {
    const ext = this.file('server.ext');
    writeFileSync(
      ext,
      `subjectAltName=DNS:${NAME}${ips.map((ip) => `,IP:${ip}`).join('')}\n` +
        'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n',
    );
    this.ossl(
      'req',
      ...this.newKey(),
      '-keyout',
      this.file('server.key'),
      '-out',
      this.file('server.csr'),
      '-subj',
      `/CN=${NAME}`,
    );
    this.ossl(
      'x509',
      '-req',
      '-in',
      this.file('server.csr'),
      '-CA',
      this.file('ca.pem'),
      '-CAkey',
      this.file('ca.key'),
      '-CAcreateserial',
      '-out',
      this.file('server.pem'),
      '-days',
      '2',
      '-extfile',
      ext,
    );
  }
}

/** Registry YAML for the TLS cluster: `tls` is the YAML flow mapping to put under the entry (or none). */
function entry(c: DevCluster, name: string, tls: string | null): ClusterConfig {
  const yaml =
    `clusters:\n  - name: ${name}\n    seeds: ["${c.node(0).host}:${TLS_PORT}"]\n` +
    `    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 }\n` +
    (tls ? `    tls: ${tls}\n` : '');
  return parseConfigText(yaml).clusters[0]!;
}

describe.skipIf(!hasOpenssl())('TLS-only cluster', () => {
  let c: DevCluster;
  let pki: Pki;
  beforeAll(async () => {
    pki = new Pki(mkdtempSync(join(tmpdir(), 'tls-pki-')));
    pki.makeCa('ca');
    pki.makeCa('wrong-ca');
    // The addresses are only known once the cluster has its 127.A.B block: a DNS-only cert first.
    pki.makeServer([]);
    const tlsFiles: [string, string][] = [
      ['tls-cert-file', pki.file('server.pem')],
      ['tls-key-file', pki.file('server.key')],
      ['tls-ca-cert-file', pki.file('ca.pem')],
    ];
    // The harness builds over the plaintext port; the bus and replication speak TLS from the start.
    c = await startCluster({
      masters: 3,
      label: 'tls',
      config: [
        ['tls-port', String(TLS_PORT)],
        ...tlsFiles,
        ['tls-cluster', 'yes'],
        ['tls-replication', 'yes'],
        ['tls-auth-clients', 'no'],
      ],
    });
    // Now the real cert, with the nodes' IPs as SANs (CONFIG SET reloads it), then plaintext off.
    pki.makeServer(c.nodes.map((n) => n.host));
    for (const n of c.nodes) await c.cli(n, 'CONFIG', 'SET', ...tlsFiles.slice(0, 2).flat());
    for (const n of c.nodes) await c.cli(n, 'CONFIG', 'SET', 'port', '0');
    c.pool.closeAll();
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  const cli = async (cluster: ClusterConfig) => {
    const file = pki.file(`${cluster.name}.yml`);
    writeFileSync(file, `clusters:\n  - ${JSON.stringify(cluster)}\n`);
    let out = '';
    let err = '';
    const code = await diagnoseLiveForCli(cluster.name, {
      json: true,
      config: file,
      probe,
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
    });
    return { code, err, d: JSON.parse(out) as Diagnosis };
  };

  it('has no plaintext port left: only TLS answers', async () => {
    const n = c.node(0);
    expect((await checkTcpPort(n.host, n.port, 1000)).open).toBe(false);
    expect((await checkTcpPort(n.host, TLS_PORT, 1000)).open).toBe(true);
  });

  it('is healthy through tls { ca, servername }, discovered over TLS from one seed', async () => {
    const cluster = entry(c, 'tls-named', `{ ca: "${pki.file('ca.pem')}", servername: ${NAME} }`);
    const r = await runLive(cluster, { probe });
    expect(r.snapshot.observations.map((o) => o.address).sort()).toEqual(
      c.nodes.map((n) => `${n.host}:${TLS_PORT}`).sort(),
    );
    for (const o of r.snapshot.observations) {
      expect(o.error, o.address).toBeUndefined();
      expect(o.nodes?.nodes).toHaveLength(3);
      expect(o.busPort).toEqual({ port: 17000, open: true });
    }
    expect(r.diagnosis.rootCauses[0]?.code).toBe('healthy');
    expect(r.diagnosis.findings.map((f) => f.code)).not.toContain('BUS_PORT_UNREACHABLE');
    expect((await cli(cluster)).code).toBe(0);
  });

  it('is healthy with only tls.ca, verifying the IP SANs', async () => {
    const r = await runLive(entry(c, 'tls-ip', `{ ca: "${pki.file('ca.pem')}" }`), { probe });
    expect(r.snapshot.observations.filter((o) => !o.error)).toHaveLength(3);
    expect(r.diagnosis.rootCauses[0]?.code).toBe('healthy');
  });

  it('a wrong CA: a TLS error naming tls.ca, no node answered, no hang', async () => {
    const cluster = entry(c, 'tls-wrong-ca', `{ ca: "${pki.file('wrong-ca.pem')}", servername: ${NAME} }`);
    const r = await cli(cluster);
    const seed = `${c.node(0).host}:${TLS_PORT}`;
    // A TLS setting every node refuses is an input error, like bad credentials: exit 2, not an outage.
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /every node rejected our TLS settings: check tls \(ca, servername, cert, key\).*\[NO_NODE_ANSWERED\]/,
    );
    expect(r.d.findings.find((f) => f.code === 'NODE_TLS_FAILED')).toMatchObject({
      severity: 'warning',
      nodes: [seed],
    });
    expect(r.d.visibility.nodesSeen).toBe(0);
    // No view says where the bus listens (cluster-port 17000 here): the closed 17443 is flagged as a guess.
    expect(r.d.steps?.find((st) => st.id === 'reachability')?.evidence.join(' ')).toMatch(
      /bus port 17443 closed \(ECONNREFUSED; port guessed as data port \+ 10000\)/,
    );
    expect(r.d.rootCauses.map((x) => x.code)).toEqual(['undetermined']);
    expect(r.d.findings.find((f) => f.code === 'NODE_TLS_FAILED')?.message).toMatch(
      /TLS: the node's certificate was not accepted \(self-signed certificate in certificate chain\): check tls\.ca/,
    );
    expect(r.d.rootCauses[0]?.summary).toMatch(/every address rejected our TLS settings/);
  });

  it('a servername the certificate does not carry: names the altnames', async () => {
    const r = await runLive(
      entry(c, 'tls-bad-name', `{ ca: "${pki.file('ca.pem')}", servername: other.test }`),
      {
        probe,
      },
    );
    const err = r.snapshot.observations[0]?.error;
    expect(err?.kind).toBe('tls');
    expect(err?.message).toMatch(
      /^TLS: the node's certificate was not accepted .*other\.test.*DNS:redis\.test.*tls\.servername/,
    );
  });

  it('no tls in the registry: the hang-up is explained, not a timeout', async () => {
    const r = await runLive(entry(c, 'tls-missing', null), { probe });
    const err = r.snapshot.observations[0]?.error;
    expect(err?.kind).toBe('error');
    expect(err?.message).toMatch(/a TLS-only node does that to a plaintext client/);
    expect(r.diagnosis.rootCauses.map((x) => x.code)).toEqual(['undetermined']);
  });
  describe('nodes that require a client certificate (tls-auth-clients yes)', () => {
    beforeAll(async () => {
      // The plaintext port is gone: switch every node over TLS, with the node certificate as client cert.
      for (const n of c.nodes) {
        const admin = new Redis({
          host: n.host,
          port: TLS_PORT,
          tls: { ca: readFileSync(pki.file('ca.pem')), servername: NAME },
          lazyConnect: true,
          connectTimeout: 2000,
          commandTimeout: 2000,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        try {
          await admin.connect();
          await admin.call('CONFIG', 'SET', 'tls-auth-clients', 'yes');
        } finally {
          admin.disconnect();
        }
      }
    }, 20_000);

    it('without tls.cert: says the node wants a client certificate', async () => {
      const r = await runLive(
        entry(c, 'tls-no-cert', `{ ca: "${pki.file('ca.pem')}", servername: ${NAME} }`),
        {
          probe,
        },
      );
      const err = r.snapshot.observations[0]?.error;
      expect(err?.kind).toBe('tls');
      expect(err?.message).toMatch(
        /^TLS: the node hung up during the handshake .*set tls\.cert and tls\.key/,
      );
    });

    it('with tls.cert and tls.key: healthy again', async () => {
      const tls = `{ ca: "${pki.file('ca.pem')}", servername: ${NAME}, cert: "${pki.file('server.pem')}", key: "${pki.file('server.key')}" }`;
      const r = await runLive(entry(c, 'tls-cert', tls), { probe });
      expect(r.snapshot.observations.filter((o) => !o.error)).toHaveLength(3);
      expect(r.diagnosis.rootCauses[0]?.code).toBe('healthy');
    });

    it('refuses a registry entry with a cert but no key', () => {
      let error: unknown;
      try {
        entry(c, 'tls-half', `{ cert: "${pki.file('server.pem')}" }`);
      } catch (e) {
        error = e;
      }
      expect(isConfigError(error) && error.code).toBe('CONFIG_INVALID');
      expect(JSON.stringify(error)).toMatch(/cert and key go together/);
    });
  });
});
